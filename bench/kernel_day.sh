#!/usr/bin/env bash
# A working day in one its-csharp Jupyter kernel: resident memory and cell and completion latency
# over many trivial cells, beside IPython's kernel when python3-ipykernel is installed. Builds
# src/Its.Cli in Release, installs the kernelspec in a temporary prefix and runs
# bench/kernel_day.py with Debian's python3 (python3-jupyter-client 7.4).
# Usage: bash bench/kernel_day.sh [cells] (from the repository root; default 2000).
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
python=/usr/bin/python3
"$python" -c 'import jupyter_client' 2>/dev/null || { echo "kernel_day.sh: needs $python with jupyter_client (apt-get install python3-jupyter-client)" >&2; exit 1; }
"$python" -c 'import ipykernel' 2>/dev/null || echo "kernel_day.sh: no ipykernel, so no peer (apt-get install -y python3-ipykernel)" >&2

dotnet build -c Release src/Its.Cli -v quiet -nologo >/dev/null
its="$PWD/src/Its.Cli/bin/Release/net10.0/its"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$its" kernel install --prefix "$tmp" >/dev/null

{
  echo "date: $(date -u +%Y-%m-%d)"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (with changes)')"
  echo "cores: $(nproc); $(lscpu | grep 'Model name' | sed 's/  */ /g')"
  echo "memory: $(free -g | awk '/^Mem:/ { print $2 }') GiB"
  echo "dotnet: $(dotnet --version)"
  echo "python: $("$python" -c 'import platform; print(platform.python_version())')"
  echo "jupyter_client: $("$python" -c 'import jupyter_client; print(jupyter_client.__version__)')"
  echo "ipykernel: $("$python" -c 'import ipykernel; print(ipykernel.__version__)' 2>/dev/null || echo none)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  JUPYTER_PATH="$tmp/share/jupyter" "$python" bench/kernel_day.py --cells "${1:-2000}" --out "$out"
  echo
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/kernel-day.txt"

# Every kernel this run started must be gone.
if left=$(pgrep -af "^$its kernel"); then
  echo "kernel_day.sh: kernels left running:" >&2
  echo "$left" >&2
  exit 1
fi
