#!/usr/bin/env bash
# Coverage benchmark: runs the C# and the R side on the same design in one go and prints both
# tables side by side with the time each took. Needs the .NET SDK and R (see environment.md).
# Usage, from the repository root: bash bench/coverage.sh [replicates]   (default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
replicates="${1:-1000}"
dotnet build -c Release bench/Coverage -v quiet -nologo > /dev/null
seconds() { local ns=$(( $(date +%s%N) - $1 )); printf '%d.%03d' $((ns / 1000000000)) $((ns / 1000000 % 1000)); }
start=$(date +%s%N)
dotnet run -c Release --no-build --project bench/Coverage -- "$replicates"
cs=$(seconds "$start")
start=$(date +%s%N)
Rscript bench/coverage.R "$replicates"
r=$(seconds "$start")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
Rscript bench/compare-coverage.R "$replicates" "$cs" "$r"
