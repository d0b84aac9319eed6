"""A working day in one kernel: memory and latency of the its-csharp kernel over many cells, beside
IPython's kernel.

Run by bench/kernel_day.sh with Debian's /usr/bin/python3 (jupyter_client 7.4) and JUPYTER_PATH
pointing at a prefix where `its kernel install --prefix` wrote the kernelspec. Usage:

    kernel_day.py [--cells 2000] [--every 100] [--completions-at 500] [--max-rss-mib 8192] [--out DIR]

One kernel of each kind, started once; then `cells` trivial cells run one after another, ours and
the peer alternating cell by cell so that whatever else the machine does hits both alike. The
cells alternate between an assignment and an expression that reads it (`var v7 = 7 + 1;` then
`v7 + 1`; `v7 = 7 + 1` then `v7 + 1`), each expression's result checked. Measured: the round trip
of every cell (execute_request to both its execute_reply and its idle status), the kernel
process's resident memory (VmRSS) after the first cell and every `every` cells, and the latency of
a completion (`Console.Wri` / `pri`, median of 3) after the first cell, after `completions-at`
cells and at the end, with the memory the middle completions added (the growth over the second
half includes it). A kernel whose memory passes `max-rss-mib` stops running cells there (the
report says where), so that the benchmark cannot take the machine's memory.

Prints a Markdown table (also written to DIR/kernel-day.md); every sample goes to
DIR/kernel-day.json and each kernel's stderr to DIR/kernel-day-stderr-NAME.log.
"""

import argparse
import importlib.util
import json
import os
import platform
import statistics
import sys

import jupyter_client
from jupyter_client import KernelManager
from jupyter_client.kernelspec import NoSuchKernel

# The same client code as the latency benchmark: start, execute, complete, shutdown, RSS.
import kernel_latency as kl

CELLS = {
    "its-csharp": {"assign": "var v{i} = {i} + 1;", "read": "v{i} + 1"},
    "python3": {"assign": "v{i} = {i} + 1", "read": "v{i} + 1"},
}
COMPLETION_SAMPLES = 3


def cell(name, k):
    """The k-th cell (0-based) and the result it must show (None for an assignment)."""
    i = k // 2
    if k % 2 == 0:
        return CELLS[name]["assign"].format(i=i), None
    return CELLS[name]["read"].format(i=i), str(i + 2)


def completion(kc, name):
    code = kl.KERNELS[name]
    return statistics.median(kl.complete(kc, code["complete"], code["match"]) for _ in range(COMPLETION_SAMPLES))


def slope(points):
    """Least-squares slope of (x, y) points; None with fewer than two distinct x."""
    if len({x for x, _ in points}) < 2:
        return None
    mx = statistics.fmean(x for x, _ in points)
    my = statistics.fmean(y for _, y in points)
    return sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)


def run(names, cells, every, completions_at, max_rss, logs):
    kernels, samples = {}, {}
    for n in names:
        km, kc, _ = kl.start(n, logs[n])
        kernels[n] = (km, kc)
        kl.execute(kc, kl.KERNELS[n]["first"], want_result=kl.KERNELS[n]["first_result"])
        samples[n] = {"pid": km.provisioner.process.pid, "latency_ms": [], "rss_mib": [[0, kl.rss_mib(km)]],
                      "completion_ms": [[0, completion(kc, n)]], "completion_rss_mib": None, "stopped_at": None}
    running = list(names)
    for k in range(cells):
        for n in list(running):
            km, kc = kernels[n]
            code, result = cell(n, k)
            samples[n]["latency_ms"].append(kl.execute(kc, code, want_result=result))
            done = k + 1
            if done % every == 0 or done == cells:
                rss = kl.rss_mib(km)
                samples[n]["rss_mib"].append([done, rss])
                if rss is not None and rss > max_rss:
                    samples[n]["stopped_at"] = done
                    running.remove(n)
                    print(f"{kl.LABELS[n]}: {rss:.0f} MiB after {done} cells, over {max_rss} MiB: no more cells",
                          file=sys.stderr, flush=True)
            if done == completions_at and done < cells:
                # Its memory apart from the cells': the slope over the second half includes it.
                before = kl.rss_mib(km)
                samples[n]["completion_ms"].append([done, completion(kc, n)])
                after = kl.rss_mib(km)
                samples[n]["completion_rss_mib"] = None if None in (before, after) else after - before
        if (k + 1) % every == 0:
            print(f"{k + 1} cells: " + ", ".join(
                f"{kl.LABELS[n]} {samples[n]['rss_mib'][-1][1]:.0f} MiB, {samples[n]['latency_ms'][-1]:.1f} ms"
                for n in names), file=sys.stderr, flush=True)
    for n in names:
        km, kc = kernels[n]
        ran = len(samples[n]["latency_ms"])
        samples[n]["completion_ms"].append([ran, completion(kc, n)])
        kl.shutdown(km, kc)
    return samples


def summary(s):
    """The reported numbers of one kernel's samples."""
    ran = len(s["latency_ms"])
    rss = [(c, m) for c, m in s["rss_mib"] if m is not None]
    late = [(c, m) for c, m in rss if c >= ran / 2]
    completions = {c: v for c, v in s["completion_ms"]}
    first = s["latency_ms"][:100]
    last = s["latency_ms"][-100:]
    return {
        "cells": ran,
        "rss_start_mib": rss[0][1] if rss else None,
        "rss_end_mib": rss[-1][1] if rss else None,
        # MiB a cell -> KiB a cell: the slope over the second half, after the warm-up.
        "growth_kib_per_cell": (slope(late) or 0) * 1024 if len(late) >= 2 else None,
        "latency_first_100_ms": statistics.median(first) if first else None,
        "latency_last_100_ms": statistics.median(last) if last else None,
        "completion_ms": completions,
        "completion_rss_mib": s["completion_rss_mib"],
    }


def table(names, results, completions_at):
    def fmt(value, unit):
        if value is None:
            return "n/a"
        if unit == "ms":
            return kl.ms(value)
        if unit == "MiB":
            return f"{value:,.0f} MiB"
        return f"{value / 1024:,.2f} MiB" if abs(value) >= 1024 else f"{value:,.1f} KiB"

    rows = [
        ("cells run", "cells", None, "n"),
        ("resident memory after the first cell", "rss_start_mib", None, "MiB"),
        ("resident memory at the end", "rss_end_mib", None, "MiB"),
        ("memory growth a cell, second half (slope)", "growth_kib_per_cell", None, "KiB"),
        ("cell round trip, median of the first 100", "latency_first_100_ms", None, "ms"),
        ("cell round trip, median of the last 100", "latency_last_100_ms", None, "ms"),
        ("completion after the first cell", "completion_ms", 0, "ms"),
        (f"completion after {completions_at} cells", "completion_ms", completions_at, "ms"),
        ("memory those completions added", "completion_rss_mib", None, "MiB"),
        ("completion at the end", "completion_ms", "end", "ms"),
    ]
    peer = "python3" in names
    lines = ["| measure | its (C#) |" + (" ipykernel | its / ipykernel |" if peer else ""),
             "|---|---:|" + ("---:|---:|" if peer else "")]
    for label, key, at, unit in rows:
        values = []
        for n in names:
            r = results[n]
            if key == "completion_ms":
                values.append(r["completion_ms"].get(r["cells"] if at == "end" else at))
            else:
                values.append(r[key])
        cells_text = [str(v) if unit == "n" else fmt(v, unit) for v in values]
        if peer:
            a, b = values
            cells_text.append(f"{a / b:.1f}" if unit != "n" and a is not None and b not in (None, 0) else "")
        lines.append(f"| {label} | " + " | ".join(cells_text) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=2000)
    parser.add_argument("--every", type=int, default=100, help="cells between two memory samples")
    parser.add_argument("--completions-at", type=int, default=500)
    parser.add_argument("--max-rss-mib", type=float, default=8192)
    parser.add_argument("--out", default="bench/results")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    names = ["its-csharp"]
    try:
        if importlib.util.find_spec("ipykernel") is None:
            raise NoSuchKernel("python3")
        KernelManager(kernel_name="python3").kernel_spec
        names.append("python3")
    except NoSuchKernel:
        print("ipykernel is not installed: no peer (apt-get install python3-ipykernel)", file=sys.stderr)

    logs = {n: open(os.path.join(args.out, f"kernel-day-stderr-{n}.log"), "w") for n in names}
    samples = run(names, args.cells, args.every, args.completions_at, args.max_rss_mib, logs)
    results = {n: summary(samples[n]) for n in names}
    with open(os.path.join(args.out, "kernel-day.json"), "w") as f:
        json.dump({"jupyter_client": jupyter_client.__version__, "python": platform.python_version(),
                   "cells": args.cells, "every": args.every, "completions_at": args.completions_at,
                   "max_rss_mib": args.max_rss_mib, "summary": results, "samples": samples}, f, indent=1)
    text = table(names, results, args.completions_at)
    for n in names:
        if samples[n]["stopped_at"]:
            text += f"\n\n{kl.LABELS[n]} stopped after {samples[n]['stopped_at']} cells: over {args.max_rss_mib:.0f} MiB."
    with open(os.path.join(args.out, "kernel-day.md"), "w") as f:
        f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    try:
        main()
    finally:
        # No kernel outlives the script, whatever went wrong.
        for km in kl.managers:
            try:
                if km.has_kernel and km.is_alive():
                    print(f"killing a kernel left running (pid {km.provisioner.process.pid})", file=sys.stderr)
                    km.shutdown_kernel(now=True)
            except Exception as e:  # noqa: BLE001
                print(f"could not stop a kernel: {e}", file=sys.stderr)
