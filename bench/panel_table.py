"""Markdown table of the batch-fitting benchmark from the JSON lines bench/panel.sh collected.

Usage: /usr/bin/python3 bench/panel_table.py RESULTS.jsonl MACHINE.txt

Every line is one run: what the program printed plus "source" (ours, c-kernel, r-loop,
statsmodels, r-matrix), "errors" (ours and c-kernel) and "peak_mib" (the process's peak resident
memory, from /usr/bin/time) added by the driver. Ratios are per series: series per second of ours
newey:3 at each size over those of the R loop and of statsmodels, and ours newey:3 over R's matrix
lm at the same size. The C kernel (bench/panel_kernel.c, the kit's algorithm in plain C) is set
against ours newey:3 at the same size as a ratio of times: "ours takes 2.5x the C kernel's time"
means the kit's C# kernel needs 2.5 times as long for the same series (below 1x, it is faster).
The check compares level1's standard error (first series, and summed over the first 1000 series)
and level1's estimate (summed over every series) across peers, to 1e-8 relative; the C kernel is
checked on all three against ours newey:3 at its size, and must fail as many series as ours (with
no C# row, its standard errors are checked against the R loop's).
"""

import json
import sys

TOL = 1e-8


def fmt_num(x: float, digits: int = 3) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def rel(a: float, b: float) -> float:
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def main() -> None:
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    machine = open(sys.argv[2]).read().strip()

    ours = {r["series"]: r for r in rows if r["source"] == "ours" and r["errors"] == "newey:3"}
    c_kernel = {r["series"]: r for r in rows if r["source"] == "c-kernel"}
    loops = [r for r in rows if r["source"] in ("r-loop", "statsmodels")]
    # The rate of each loop peer: its run over the most series.
    loop_rate = {}
    for r in loops:
        if r["source"] not in loop_rate or r["series"] > loop_rate[r["source"]]["series"]:
            loop_rate[r["source"]] = r
    names = {"r-loop": "R loop", "statsmodels": "statsmodels"}

    out = ["| work | series | seconds | series/s | peak MiB | load | ratio (ours faster by) |",
           "|---|---:|---:|---:|---:|---:|---|"]

    def line(r: dict, ratio: str) -> None:
        out.append(f"| {r['peer']} | {r['series']:,} | {fmt_num(r['seconds'])} | "
                   f"{fmt_num(r['per_second'])} | {r['peak_mib']:,.0f} | {r.get('load', '')} | {ratio} |")

    for r in sorted(loops, key=lambda r: (r["source"], r["series"])):
        line(r, "reference")
    sizes = sorted({r["series"] for r in rows if r["source"] in ("ours", "c-kernel", "r-matrix")})
    for n in sizes:
        for r in rows:
            if r["source"] == "ours" and r["series"] == n:
                ratio = "no peer run here"
                if r["errors"] == "newey:3":
                    parts = [f"{r['per_second'] / p['per_second']:.1f}x {names[s]}"
                             for s, p in sorted(loop_rate.items())]
                    if n in c_kernel:
                        # From the rates, which are not rounded as the seconds are.
                        parts.append(f"ours takes {c_kernel[n]['per_second'] / r['per_second']:.2f}x "
                                     f"the C kernel's time")
                    ratio = ", ".join(parts) or "no peer run here"
                line(r, ratio)
        for r in rows:
            if r["source"] == "c-kernel" and r["series"] == n:
                line(r, "same algorithm in C: the reference of ours newey:3's time ratio"
                     if n in ours else "(no C# row)")
        for r in rows:
            if r["source"] == "r-matrix" and r["series"] == n:
                ratio = (f"ours newey:3 {ours[n]['per_second'] / r['per_second']:.2f}x this"
                         if n in ours else "(no C# row)")
                if r.get("repeats", 1) > 1:
                    ratio += f" (mean of {r['repeats']} fits)"
                line(r, ratio)

    # Agreement: against ours newey:3 when there, otherwise against the R loop.
    checks = []
    worst = 0.0
    ok = True
    ref_loop = next((r for r in loops if r["source"] == "r-loop" and r["series"] == 1000), None)
    for r in loops:
        if r["series"] != 1000:
            continue
        refs = [o for o in ours.values() if o["series"] >= 1000] or ([ref_loop] if ref_loop and r is not ref_loop else [])
        for o in refs:
            for key in ("level_se_first", "sum_level_se"):
                d = rel(r[key], o[key])
                worst = max(worst, d)
                if d > TOL:
                    ok = False
                    checks.append(f"{r['peer']} {key} {r[key]!r} vs {o['peer']} ({o['series']:,}) {o[key]!r}")
    for r in rows:
        if r["source"] != "r-matrix":
            continue
        o = ours.get(r["series"])
        pairs = [("sum_level", o)] if o else []
        if ref_loop:
            pairs.append(("level_first", ref_loop))
            if ref_loop["series"] == r["series"]:
                pairs.append(("sum_level", ref_loop))
        for key, other in pairs:
            d = rel(r[key], other[key])
            worst = max(worst, d)
            if d > TOL:
                ok = False
                checks.append(f"{r['peer']} ({r['series']:,}) {key} {r[key]!r} vs {other['peer']} {other[key]!r}")

    for r in rows:
        if r["source"] != "c-kernel":
            continue
        o = ours.get(r["series"])
        if o is None:
            # No C# row at this size: the R loop's standard errors (and its sum, at its size).
            if not ref_loop or r["series"] < ref_loop["series"]:
                continue
            o = ref_loop
            keys = ["level_se_first", "sum_level_se"] + (["sum_level"] if r["series"] == o["series"] else [])
        else:
            keys = ["level_se_first", "sum_level_se", "sum_level"]
        for key in keys:
            d = rel(r[key], o[key])
            worst = max(worst, d)
            if d > TOL:
                ok = False
                checks.append(f"{r['peer']} ({r['series']:,}) {key} {r[key]!r} vs {o['peer']} {o[key]!r}")
        if o is not ref_loop and r["failed"] != o["failed"]:
            ok = False
            checks.append(f"{r['peer']} ({r['series']:,}) failed {r['failed']} series, {o['peer']} {o['failed']}")

    against = "its batch newey:3" if ours else "the R loop (no C# rows)"
    out.append("")
    out.append(f"Check against {against}, to {TOL:g} relative: level1's SE of the first series and "
               f"summed over the first 1,000 series (loop peers), level1's estimate summed over all "
               f"series (R matrix lm)"
               f"{'' if not c_kernel else ', all three and the count of failed series (C kernel, at each size)' if ours else ', its standard errors (C kernel)'}: "
               f"{'all agree' if ok else 'DISAGREE'} "
               f"(largest relative difference {worst:.1e}).")
    out.extend(f"- disagreement: {c}" for c in checks)
    if not ours:
        out.append("")
        out.append("No C# rows: bench/Panel is not there yet, so no ratios.")
    out.append("")
    out.append(machine)
    print("\n".join(out))
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
