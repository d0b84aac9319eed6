#!/usr/bin/env bash
# Batch fitting: the same segmented regression (48 months, interruption at month 24, Stata itsa
# coding: intercept, time, level1, slope1) fitted to many series, by the kit (bench/Panel, one
# process per size and error model: newey:3 and prais) and by its peers: R one series at a time
# (lm + sandwich::NeweyWest, lag 3, Stata's small-sample scaling), statsmodels one series at a time
# (OLS, HAC lag 3 with the same scaling), and R's lm with a matrix response (coefficients only, every
# series in one call). A C peer, bench/panel_kernel.c, is the kit's own algorithm (X+ once, then per
# series b = X+ y, e = y - X b and the Newey-West sandwich from the scores) in plain C on 2 threads,
# so the kit's C# kernel is also set against the same arithmetic done in C (compiled with cc when
# there is one; skipped with a note otherwise). Series/s are compared per series; peak memory is
# each process's maximum resident set (/usr/bin/time). The data are bench/panel_data.py's
# deterministic panel.
# Usage: bash bench/panel.sh [SIZES]   (from the repository root; default 1000 100000 1000000;
# LONG=1 also runs the R loop on 10000 series). Writes bench/results/panel-N.f64 (384 bytes a
# series), panel.jsonl (every run, with the 1-minute load average at its start) and panel.md (the
# table), and puts the table in bench/README.md (bench/readme_table.py). Installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
python=/usr/bin/python3
read -r -a sizes <<< "${*:-1000 100000 1000000}"
loop_sizes=(1000)
[[ "${LONG:-0}" == 1 ]] && loop_sizes+=(10000)

# What is needed, and what to install when it is not there.
missing=()
command -v Rscript > /dev/null || missing+=("r-base-core (Rscript)")
command -v Rscript > /dev/null && ! Rscript -e 'library(sandwich)' > /dev/null 2>&1 && missing+=("r-cran-sandwich")
[[ -x "$python" ]] || missing+=("python3")
[[ -x "$python" ]] && ! "$python" -c 'import numpy' 2> /dev/null && missing+=("python3-numpy")
[[ -x "$python" ]] && ! "$python" -c 'import statsmodels' 2> /dev/null && missing+=("python3-statsmodels")
[[ -x /usr/bin/time ]] || missing+=("time (/usr/bin/time)")
if ((${#missing[@]})); then
  echo "panel.sh: missing: ${missing[*]}" >&2
  echo "panel.sh: apt-get install -y $(printf '%s\n' "${missing[@]}" | cut -d' ' -f1 | tr '\n' ' ')" >&2
  exit 1
fi
have_cs=0
if [[ -d bench/Panel ]]; then
  command -v dotnet > /dev/null || { echo "panel.sh: bench/Panel needs the .NET 10 SDK (see environment.md)" >&2; exit 1; }
  have_cs=1
else
  echo "panel.sh: bench/Panel is not there yet: no C# rows" >&2
fi

# Data: one file per size (kept between runs when its length is right).
data() {
  local n=$1 f="$out/panel-$1.f64"
  if [[ ! -f "$f" || $(stat -c %s "$f") -ne $((n * 384)) ]]; then
    echo "panel.sh: writing $f" >&2
    "$python" bench/panel_data.py "$n" "$f"
  fi
}
for n in "${sizes[@]}" "${loop_sizes[@]}"; do data "$n"; done

# run SOURCE ERRORS COMMAND...: runs one process under /usr/bin/time, keeps its JSON lines (the
# first for the loop peers, whose runs also fit the matrix response on a few series) and adds
# source, errors and peak_mib.
jsonl="$out/panel.jsonl"
: > "$jsonl"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() {
  local source=$1 errors=$2
  shift 2
  echo "panel.sh: $source ${errors:+$errors }$*" >&2
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f %M -o "$tmp/kib" "$@" > "$tmp/stdout"
  SOURCE=$source ERRORS=$errors LOAD=$load KIB=$(tail -n1 "$tmp/kib") "$python" -c '
import json, os, sys
lines = [l for l in sys.stdin if l.startswith("{")]
if not lines:
    sys.exit("panel.sh: no JSON line from " + os.environ["SOURCE"])
r = json.loads(lines[0])
if "peak_mib" in r:
    r["peak_mib_reported"] = r["peak_mib"]
r.update(source=os.environ["SOURCE"], errors=os.environ["ERRORS"], peak_mib=int(os.environ["KIB"]) / 1024, load=os.environ["LOAD"])
print(json.dumps(r))' < "$tmp/stdout" >> "$jsonl"
}

# The C kernel (bench/panel_kernel.c), built into the temporary folder when there is a C compiler.
have_c=0
c_info="not built (no cc)"
if command -v cc > /dev/null; then
  cc -O3 -march=native -std=c11 -pthread -o "$tmp/panel_kernel" bench/panel_kernel.c -lm
  have_c=1
  c_info="$(cc --version | head -n1), -O3 -march=native"
else
  echo "panel.sh: no C compiler (cc): no C kernel rows" >&2
fi
if ((have_cs)); then dotnet build -c Release bench/Panel -v q -nologo > /dev/null; fi
for n in "${sizes[@]}"; do
  if ((have_cs)); then
    for errors in newey:3 prais; do
      run ours "$errors" dotnet bench/Panel/bin/Release/net10.0/Panel.dll "$out/panel-$n.f64" "$n" "$errors"
    done
  fi
  if ((have_c)); then run c-kernel newey:3 "$tmp/panel_kernel" "$out/panel-$n.f64" "$n"; fi
done
for n in "${loop_sizes[@]}"; do
  run r-loop "" Rscript bench/panel.R "$out/panel-$n.f64" "$n" "$n"
  # statsmodels on 1000 series only (LONG adds the R loop on 10000).
  [[ "$n" == 1000 ]] && run statsmodels "" "$python" bench/panel.py "$out/panel-$n.f64" "$n"
done
for n in "${sizes[@]}"; do
  run r-matrix "" Rscript bench/panel.R "$out/panel-$n.f64" "$n" 0
done

machine="Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), \
$(free -g | awk '/^Mem:/ { print $2 }') GiB; .NET $(dotnet --version 2> /dev/null || echo none); \
C kernel $c_info; \
$(Rscript -e 'cat(R.version.string)'), sandwich $(Rscript -e 'cat(format(packageVersion("sandwich")))'); \
Python $("$python" -c 'import platform, numpy, statsmodels; print(platform.python_version() + ", numpy " + numpy.__version__ + ", statsmodels " + statsmodels.__version__)'); \
$(date -u +%Y-%m-%d), load average $(cut -d' ' -f1-3 /proc/loadavg)."
echo "$machine" > "$tmp/machine"
"$python" bench/panel_table.py "$jsonl" "$tmp/machine" | tee "$out/panel.md"
"$python" bench/readme_table.py panel.sh "$out/panel.md"
