#!/usr/bin/env bash
# Wall time of `its reproduce` per notebook and in total (Release build, after the build), three
# runs, and the notebook engine's cell latency. Usage: bash bench/reproduce.sh (from the repository root).
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
for project in src/Its.Cli bench/NotebookLatency; do dotnet build -c Release "$project" -v quiet -nologo >/dev/null; done
its=src/Its.Cli/bin/Release/net10.0/its
for run in 1 2 3; do
  start=$(date +%s.%N)
  "$its" reproduce --out "$out/reports" > "$out/reproduce-$run.txt"
  end=$(date +%s.%N)
  echo "run $run: $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s in total (process start to exit)"
  sed 's/^/  /' "$out/reproduce-$run.txt"
done
# The same runs without the supervising process (the worker alone, as its reproduce starts it).
for run in 1 2 3; do
  progress=$(mktemp)
  start=$(date +%s.%N)
  "$its" reproduce --out "$out/reports" --worker-progress "$progress" > /dev/null
  end=$(date +%s.%N)
  rm -f "$progress"
  echo "run $run without the supervisor: $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s in total"
done
echo "notebook engine latency:"
bench/NotebookLatency/bin/Release/net10.0/NotebookLatency 50 | sed 's/^/  /'
