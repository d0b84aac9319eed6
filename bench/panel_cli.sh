#!/usr/bin/env bash
# `its panel` end to end on long panel files (id, month, visits; 48 rows a unit): reading, fitting
# (newey:3), writing the tidy results and the summary, for 100,000 and 1,000,000 units, CSV and
# Parquet in (results in the same format). Reports seconds, units/s and the process's peak resident
# memory (/usr/bin/time), and the same runs with the .NET heap capped (DOTNET_GCHeapHardLimit) at
# the same size for 100,000 and 1,000,000 units, which only finish if the live memory does not
# grow with the file: 128 MiB for CSV, read a chunk of units at a time, and 256 MiB for Parquet,
# read a row group at a time (here 480,000 rows, which Parquet.Net holds at about 200 bytes a row,
# so Parquet's memory follows the row-group size). Without a cap .NET lets the heap grow.
# Then each file through `--sql "SELECT * FROM 'file'"` (DuckDB reads it and sorts the result by
# unit) and with `--grouped` (the file is sorted by unit: no sort); results as CSV. Each row records
# the 1-minute load average when the run started.
# The files are bench/panel_data.py's series written long by bench/Panel (`long` mode).
# Usage: bash bench/panel_cli.sh [SIZES]   (from the repository root; default 100000 1000000).
# Writes bench/results/long-N.csv|.parquet (about 1.2 GB and 0.3 GB for a million units) and
# bench/results/panel_cli.md, and puts the table in bench/README.md (bench/readme_table.py).
# Installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
read -r -a sizes <<< "${*:-100000 1000000}"
[[ -x /usr/bin/time ]] || { echo "panel_cli.sh: needs /usr/bin/time (apt-get install -y time)" >&2; exit 1; }
dotnet build -c Release src/Its.Cli -v q > /dev/null
dotnet build -c Release bench/Panel -v q > /dev/null
its=src/Its.Cli/bin/Release/net10.0/its.dll
table="$out/panel_cli.md"
{
  echo "| input | units | rows | heap cap | seconds | units/s | peak MiB | load |"
  echo "|---|---:|---:|---|---:|---:|---:|---:|"
} > "$table"
for n in "${sizes[@]}"; do
  raw="$out/panel-$n.f64"
  [[ -f "$raw" ]] || /usr/bin/python3 bench/panel_data.py "$n" "$raw"
  for ext in csv parquet; do
    file="$out/long-$n.$ext"
    [[ -f "$file" ]] || dotnet bench/Panel/bin/Release/net10.0/Panel.dll long "$raw" "$n" "$file"
    capped=128MiB limit=0x8000000
    [[ "$ext" == parquet ]] && capped=256MiB limit=0x10000000
    for cap in none "$capped"; do
      env=()
      [[ "$cap" != none ]] && env=(DOTNET_GCHeapHardLimit=$limit)
      echo "panel_cli.sh: $file, heap cap $cap" >&2
      load=$(cut -d' ' -f1 /proc/loadavg)
      stats=$(env "${env[@]}" /usr/bin/time -f '%e %M' dotnet "$its" panel "$file" --id id --outcome visits \
        --interruption 2018-01 --errors newey:3 --out "$out/long-$n.results.$ext" --summary "$out/long-$n.summary.json" --force 2>&1 > /dev/null | tail -1)
      read -r seconds kib <<< "$stats"
      awk -v e="$ext" -v n="$n" -v c="$cap" -v s="$seconds" -v k="$kib" -v l="$load" \
        'BEGIN { printf "| %s | %d | %d | %s | %.1f | %.0f | %.0f | %s |\n", e, n, 48 * n, c, s, n / s, k / 1024, l }' >> "$table"
    done
  done
  for ext in csv parquet; do
    for grouped in "" --grouped; do
      file="$out/long-$n.$ext"
      echo "panel_cli.sh: --sql over $file $grouped" >&2
      load=$(cut -d' ' -f1 /proc/loadavg)
      stats=$(/usr/bin/time -f '%e %M' dotnet "$its" panel --sql "SELECT * FROM '$file'" $grouped --id id --outcome visits \
        --interruption 2018-01 --errors newey:3 --out "$out/long-$n.sql-results.csv" --summary "$out/long-$n.sql-summary.json" --force 2>&1 > /dev/null | tail -1)
      read -r seconds kib <<< "$stats"
      awk -v e="--sql over $ext${grouped:+ $grouped}" -v n="$n" -v s="$seconds" -v k="$kib" -v l="$load" \
        'BEGIN { printf "| %s | %d | %d | none | %.1f | %.0f | %.0f | %s |\n", e, n, 48 * n, s, n / s, k / 1024, l }' >> "$table"
    done
  done
done
echo >> "$table"
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/ {print $2}') GiB; .NET $(dotnet --version); $(date +%F)." >> "$table"
cat "$table"
/usr/bin/python3 bench/readme_table.py panel_cli.sh "$table"
