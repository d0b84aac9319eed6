"""Latency of the its-csharp Jupyter kernel as a front end sees it, beside IPython's kernel.

Run by bench/kernel.sh with Debian's /usr/bin/python3 (jupyter_client 7.4) and JUPYTER_PATH
pointing at a prefix where `its kernel install --prefix` wrote the kernelspec. Usage:

    kernel_latency.py [--starts 10] [--cells 200] [--out DIR]

For each kernel: `starts` kernel starts (ours and the peer alternate), each timed from
KernelManager.start_kernel() to the kernel_info_reply that client.wait_for_ready() accepts, then
the first cell; then one more kernel for the steady state: `cells` trivial cells, `cells` cells
printing a line and `cells` completion requests, each after a warm-up. Prints a Markdown table;
the samples go to DIR/kernel-latency.json and each kernel's stderr to DIR/kernel-stderr-NAME.log.
"""

import argparse
import importlib.util
import json
import os
import platform
import statistics
import sys
import time

import jupyter_client
from jupyter_client import KernelManager
from jupyter_client.kernelspec import NoSuchKernel

clock = time.perf_counter

# Kernel name -> the code of each measure.
KERNELS = {
    "its-csharp": {"first": "1 + 1", "first_result": "2", "trivial": "1", "print": 'Console.WriteLine("x");',
                   "complete": "Console.Wri", "match": "WriteLine"},
    "python3": {"first": "1+1", "first_result": "2", "trivial": "1", "print": 'print("x")',
                "complete": "pri", "match": "print"},
}
LABELS = {"its-csharp": "its (C#)", "python3": "ipykernel"}
TIMEOUT = 60.0
WARM_CELLS = 20
WARM_COMPLETIONS = 10

managers = []  # every kernel started, so that none outlives the script


class Failure(Exception):
    pass


def start(name, stderr):
    """Starts a kernel and waits as client.wait_for_ready() does; returns the times in ms."""
    km = KernelManager(kernel_name=name)
    managers.append(km)
    replies = []
    t0 = clock()
    km.start_kernel(stdout=stderr, stderr=stderr)
    launched = clock()
    kc = km.client()
    kc.start_channels()
    # Time the kernel_info_reply that wait_for_ready accepts: it returns only after a further
    # 0.2 s of silence on iopub, which is jupyter_client's, not the kernel's.
    channel = kc.shell_channel
    get_msg = channel.get_msg

    async def timed_get_msg(*args, **kwargs):
        msg = await get_msg(*args, **kwargs)
        if msg["msg_type"] == "kernel_info_reply":
            replies.append(clock())
        return msg

    channel.get_msg = timed_get_msg
    kc.wait_for_ready(timeout=TIMEOUT)
    ready = clock()
    channel.get_msg = get_msg
    if not replies:
        raise Failure(f"{name}: wait_for_ready returned without a kernel_info_reply")
    times = {"launch": (launched - t0) * 1e3, "info_reply": (replies[-1] - t0) * 1e3,
             "wait_for_ready": (ready - t0) * 1e3, "info_requests": len(replies)}
    return km, kc, times


def execute(kc, code, want_stream=None, want_result=None):
    """Runs a cell; the ms from the request until both its execute_reply and its idle status."""
    t0 = clock()
    msg_id = kc.execute(code, store_history=True)
    reply = idle = None
    stream = result = ""
    while reply is None or idle is None:
        if idle is None:
            msg = kc.get_iopub_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = clock()
            elif kind == "stream":
                stream += msg["content"]["text"]
            elif kind == "execute_result":
                result += msg["content"]["data"].get("text/plain", "")
            elif kind == "error":
                raise Failure(f"cell {code!r} failed: {msg['content']['ename']}: {msg['content']['evalue']}")
        else:
            msg = kc.get_shell_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") == msg_id:
                reply = clock()
                if msg["content"]["status"] != "ok":
                    raise Failure(f"cell {code!r}: execute_reply status {msg['content']['status']}")
    if want_stream is not None and stream != want_stream:
        raise Failure(f"cell {code!r}: stream {stream!r}, expected {want_stream!r}")
    if want_result is not None and result.strip() != want_result:
        raise Failure(f"cell {code!r}: result {result!r}, expected {want_result!r}")
    return (max(reply, idle) - t0) * 1e3


def complete(kc, code, match):
    """A completion at the end of the code; the ms until the complete_reply (then waits for idle, untimed)."""
    t0 = clock()
    msg_id = kc.complete(code, len(code))
    while True:
        msg = kc.get_shell_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id:
            break
    elapsed = (clock() - t0) * 1e3
    matches = msg["content"].get("matches", [])
    if not any(m.endswith(match) or m == match for m in matches):
        raise Failure(f"completion of {code!r}: {match!r} not among {matches[:10]}")
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"):
            return elapsed


def shutdown(km, kc):
    """Asks the kernel to shut down; returns the ms until its process ended (killed after 5 s)."""
    t0 = clock()
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    return (clock() - t0) * 1e3


def rss_mib(km):
    try:
        with open(f"/proc/{km.provisioner.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, AttributeError):
        return None
    return None


def steady(names, cells, logs):
    """One kernel of each kind, measured in turn (ours, the peer, ours, ...) so that what else the
    machine does hits both alike: cells trivial and printing, completions, each after a warm-up."""
    kernels = {}
    samples = {n: {"trivial": [], "print": [], "complete": []} for n in names}
    for n in names:
        print("--- steady state", file=logs[n], flush=True)
        km, kc, _ = start(n, logs[n])
        kernels[n] = (km, kc)
        execute(kc, KERNELS[n]["first"], want_result=KERNELS[n]["first_result"])
        samples[n]["rss_start_mib"] = rss_mib(km)

    def each(measure, warm, key):
        for i in range(warm + cells):
            for n in names:
                value = measure(kernels[n][1], KERNELS[n])
                if i >= warm:
                    samples[n][key].append(value)

    each(lambda kc, code: execute(kc, code["trivial"], want_result=code["trivial"]), WARM_CELLS, "trivial")
    each(lambda kc, code: execute(kc, code["print"], want_stream="x\n"), WARM_CELLS, "print")
    each(lambda kc, code: complete(kc, code["complete"], code["match"]), WARM_COMPLETIONS, "complete")
    for n in names:
        km, kc = kernels[n]
        samples[n]["rss_end_mib"] = rss_mib(km)
        shutdown(km, kc)
    return samples


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def ms(value):
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.1f} ms"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=int, default=10)
    parser.add_argument("--cells", type=int, default=200)
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

    logs = {n: open(os.path.join(args.out, f"kernel-stderr-{n}.log"), "w") for n in names}
    results = {n: {"launch": [], "info_reply": [], "wait_for_ready": [], "info_requests": [],
                   "first": [], "shutdown": []} for n in names}
    # Kernel starts, ours and the peer alternating so that drift in the machine hits both.
    for i in range(args.starts):
        for n in names:
            print(f"--- start {i + 1}", file=logs[n], flush=True)
            km, kc, times = start(n, logs[n])
            for key, value in times.items():
                results[n][key].append(value)
            results[n]["first"].append(execute(kc, KERNELS[n]["first"], want_result=KERNELS[n]["first_result"]))
            results[n]["shutdown"].append(shutdown(km, kc))
            print(f"{LABELS[n]} start {i + 1}: kernel_info_reply {ms(times['info_reply'])}, "
                  f"first cell {ms(results[n]['first'][-1])}, shutdown {ms(results[n]['shutdown'][-1])}",
                  file=sys.stderr, flush=True)
    for n, samples in steady(names, args.cells, logs).items():
        results[n].update(samples)

    with open(os.path.join(args.out, "kernel-latency.json"), "w") as f:
        json.dump({"jupyter_client": jupyter_client.__version__, "python": platform.python_version(),
                   "starts": args.starts, "cells": args.cells, "results": results}, f, indent=1)

    rows = [
        ("start to kernel_info_reply (a)", "info_reply", "under 3 s", f"{args.starts} starts"),
        ("start to `wait_for_ready()` returning", "wait_for_ready", "", f"{args.starts} starts; includes jupyter_client's 0.2 s iopub flush"),
        ("first cell (b): `1 + 1`", "first", "", f"{args.starts} starts"),
        ("trivial cell (c): `1`", "trivial", "under 50 ms", f"{args.cells} cells after {WARM_CELLS}"),
        ("cell printing a line (d)", "print", "", f"{args.cells} cells after {WARM_CELLS}"),
        ("completion (e): `Console.Wri` / `pri`", "complete", "", f"{args.cells} requests after {WARM_COMPLETIONS}"),
        ("shutdown request to process exit", "shutdown", "", f"{args.starts} starts"),
    ]
    peer = "python3" in names
    head = "| measure | its median | its p90 |" + (" ipykernel median | ipykernel p90 | ratio its / ipykernel (median) |" if peer else "") + " goal | samples |"
    print(head)
    print("|" + "---|" + "---:|" * (head.count("|") - 4) + "---|---|")
    for label, key, goal, note in rows:
        ours = results["its-csharp"][key]
        cells = [ms(statistics.median(ours)), ms(percentile(ours, 0.9))]
        if peer:
            theirs = results["python3"][key]
            cells += [ms(statistics.median(theirs)), ms(percentile(theirs, 0.9)),
                      f"{statistics.median(ours) / statistics.median(theirs):.1f}"]
        print(f"| {label} | " + " | ".join(cells) + f" | {goal} | {note} |")
    print()
    for n in names:
        r = results[n]
        print(f"{LABELS[n]}: resident memory {r['rss_start_mib']:.0f} MiB after the first cell, "
              f"{r['rss_end_mib']:.0f} MiB after the steady-state cells and completions")


if __name__ == "__main__":
    try:
        main()
    finally:
        # No kernel outlives the script, whatever went wrong.
        for km in managers:
            try:
                if km.has_kernel and km.is_alive():
                    print(f"killing a kernel left running (pid {km.provisioner.process.pid})", file=sys.stderr)
                    km.shutdown_kernel(now=True)
            except Exception as e:  # noqa: BLE001
                print(f"could not stop a kernel: {e}", file=sys.stderr)
