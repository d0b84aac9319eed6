"""Scripted Jupyter client sessions with the kit's kernel (its-csharp), run by KernelClientTests.

Usage: python3 client.py SCENARIO LOGFILE, with JUPYTER_PATH naming the folder that holds
kernels/its-csharp. Each scenario starts the kernel through jupyter_client, as front ends do,
asserts what the kernel answers, shuts it down, and prints "passed". The kernel's stderr goes to
LOGFILE. Needs Debian's python3-jupyter-client.
"""

import json
import os
import queue
import subprocess
import sys
import tempfile
import time

import zmq
from jupyter_client import BlockingKernelClient, KernelManager
from jupyter_client.connect import write_connection_file
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.session import Session

TIMEOUT = 120


def start(log):
    km = KernelManager(kernel_name="its-csharp")
    km.start_kernel(stderr=log)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    return km, kc


def stop(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def run(kc, code, **options):
    """Executes a cell; returns the reply and the iopub messages it caused, status aside."""
    msg_id = kc.execute(code, **options)
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status":
            if msg["content"]["execution_state"] == "idle":
                break
            continue
        outputs.append(msg)
    return reply_to(kc, msg_id), outputs


def reply_to(kc, msg_id):
    while True:
        msg = kc.get_shell_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def described(outputs):
    parts = []
    for m in outputs:
        c = m["content"]
        kind = m["msg_type"]
        if kind == "stream":
            parts.append(f"{c['name']}: {c['text']}")
        elif kind in ("display_data", "execute_result"):
            parts.append(f"{kind}: {c['data']['text/plain']}")
        elif kind == "error":
            parts.append(f"error: {c['ename']}")
        else:
            parts.append(kind)
    return parts


def info(km, kc, log):
    reply = kc.kernel_info(reply=True, timeout=TIMEOUT)["content"]
    assert reply["status"] == "ok", reply
    assert reply["protocol_version"] == "5.3", reply
    assert reply["implementation"] == "its", reply
    assert reply["language_info"]["name"] == "C#", reply
    assert reply["language_info"]["codemirror_mode"] == "text/x-csharp", reply
    assert reply["language_info"]["pygments_lexer"] == "csharp", reply
    assert reply["language_info"]["file_extension"] == ".cs", reply
    comms = reply_to(kc, kc.comm_info())["content"]
    assert comms == {"status": "ok", "comms": {}}, comms
    history = reply_to(kc, kc.history())["content"]
    assert history["status"] == "ok" and history["history"] == [], history
    # Every socket listens on the connection file's address (loopback), on no other.
    ports = {km.shell_port, km.iopub_port, km.stdin_port, km.control_port, km.hb_port}
    listening = listening_addresses(ports)
    assert set(listening) == ports, (listening, ports)
    for port, addresses in listening.items():
        assert addresses == ["0100007F"], (port, addresses)


def execute(km, kc, log):
    reply, outputs = run(kc, 'Console.WriteLine("before");\ndisplay(42);\nvar shared = 20;\nshared + 1')
    assert reply["content"]["status"] == "ok", reply["content"]
    assert reply["content"]["execution_count"] == 1, reply["content"]
    assert outputs[0]["msg_type"] == "execute_input" and outputs[0]["content"]["execution_count"] == 1, outputs[0]
    assert described(outputs[1:]) == ["stdout: before\n", "display_data: 42", "execute_result: 21"], described(outputs)
    assert outputs[-1]["content"]["execution_count"] == 1

    reply, outputs = run(kc, "var x = 1;\nint.Parse(\"x\");")
    content = reply["content"]
    assert content["status"] == "error" and content["ename"] == "FormatException", content
    assert content["execution_count"] == 2, content
    assert any("Cell In[2], line 2" in line for line in content["traceback"]), content["traceback"]
    assert described(outputs[1:]) == ["error: FormatException"], described(outputs)

    # State is shared, and kept after an error.
    reply, outputs = run(kc, "shared * 2 + x")
    assert reply["content"]["execution_count"] == 3
    assert described(outputs[1:]) == ["execute_result: 41"], described(outputs)

    # A silent cell runs, shows nothing and does not count.
    reply, outputs = run(kc, "shared = 100;\nConsole.WriteLine(\"quiet\");\nshared", silent=True)
    assert reply["content"]["status"] == "ok" and outputs == [], outputs
    reply, outputs = run(kc, "shared")
    assert reply["content"]["execution_count"] == 4 and described(outputs[1:]) == ["execute_result: 100"], described(outputs)

    # Cells sent after one that fails are aborted, unless stop_on_error is off.
    first = kc.execute("throw new InvalidOperationException(\"stop here\");")
    second = kc.execute("shared = -1;")
    assert reply_to(kc, first)["content"]["status"] == "error"
    assert reply_to(kc, second)["content"]["status"] == "aborted"
    first = kc.execute("throw new InvalidOperationException(\"go on\");", stop_on_error=False)
    second = kc.execute("shared + 1")
    assert reply_to(kc, first)["content"]["status"] == "error"
    assert reply_to(kc, second)["content"]["status"] == "ok"

    # A compilation error points at the cell's line and column.
    reply, _ = run(kc, "var ok = 1;\nundefinedName + 1")
    assert reply["content"]["ename"] == "CompilationError", reply["content"]
    assert reply["content"]["traceback"][0].startswith("Cell In["), reply["content"]["traceback"]
    assert ", line 2, column 1: error CS0103" in reply["content"]["traceback"][0], reply["content"]["traceback"]


def interrupt(km, kc, log):
    run(kc, "var before = 41;")
    msg_id = kc.execute('before++;\nConsole.WriteLine("spinning");\nwhile (true) { }')
    # Interrupt once the cell is running (its first output has arrived).
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
            break
    started = time.monotonic()
    km.interrupt_kernel()
    reply = reply_to(kc, msg_id)["content"]
    assert time.monotonic() - started < 10, "the interrupt took too long"
    assert reply["status"] == "error" and reply["ename"] == "CellInterruptedException", reply
    # The session goes on, with what the interrupted cell did.
    reply, outputs = run(kc, "before")
    assert reply["content"]["status"] == "ok" and described(outputs[1:]) == ["execute_result: 42"], described(outputs)

    # A sleeping cell is woken.
    msg_id = kc.execute('Console.WriteLine("sleeping");\nThread.Sleep(Timeout.Infinite);')
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
            break
    km.interrupt_kernel()
    reply = reply_to(kc, msg_id)["content"]
    assert reply["status"] == "error", reply
    assert run(kc, "1")[0]["content"]["status"] == "ok"


def complete(km, kc, log):
    run(kc, "var numbers = new List<int> { 1, 2, 3 };")
    code = "var n = numbers.Cou"
    reply = kc.complete(code, len(code), reply=True, timeout=TIMEOUT)["content"]
    assert reply["status"] == "ok", reply
    assert "Count" in reply["matches"], reply["matches"]
    assert reply["cursor_start"] == len("var n = numbers."), reply
    assert reply["cursor_end"] == len(code), reply
    # Cursor positions count code points: an emoji before the cursor is one, not two UTF-16 units.
    code = 'var s = "\U0001F600"; Console.Wri'
    reply = kc.complete(code, len(code), reply=True, timeout=TIMEOUT)["content"]
    assert "WriteLine" in reply["matches"], reply["matches"]
    assert reply["cursor_start"] == len(code) - 3 and reply["cursor_end"] == len(code), reply

    code = "ItsModel"
    reply = kc.inspect(code, 3, reply=True, timeout=TIMEOUT)["content"]
    assert reply["status"] == "ok" and reply["found"], reply
    assert "ItsModel" in reply["data"]["text/plain"], reply
    reply = kc.inspect("   ", 1, reply=True, timeout=TIMEOUT)["content"]
    assert reply["status"] == "ok" and not reply["found"], reply

    for code, status in (("1 + 1", "complete"), ("for (var i = 0; i < 3; i++) {", "incomplete"), ("#!fsharp\n1", "invalid")):
        msg_id = kc.is_complete(code)
        reply = reply_to(kc, msg_id)["content"]
        assert reply["status"] == status, (code, reply)


def restart(km, kc, log):
    run(kc, "var kept = 1;")
    run(kc, "kept")
    pid = km.provisioner.pid if hasattr(km, "provisioner") else km.kernel.pid
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=TIMEOUT)
    assert (km.provisioner.pid if hasattr(km, "provisioner") else km.kernel.pid) != pid
    reply, _ = run(kc, "kept")
    content = reply["content"]
    assert content["status"] == "error" and "CS0103" in content["evalue"], content
    assert content["execution_count"] == 1, content
    assert run(kc, "2 + 2")[1][-1]["content"]["data"]["text/plain"] == "4"


def signature(km, kc, log):
    # A message signed with another key, and one unsigned, get no reply; the kernel logs them.
    socket = kc.shell_channel.socket
    for key in (b"not-the-key", b""):
        forged = Session(key=key)
        msg = forged.msg("execute_request", {"code": "File.WriteAllText(\"forged.txt\", \"x\")", "silent": False})
        forged.send(socket, msg)
    try:
        kc.get_shell_msg(timeout=3)
        raise AssertionError("the kernel answered a badly signed message")
    except queue.Empty:
        pass
    assert not os.path.exists("forged.txt"), "the kernel ran a badly signed message"
    # A replayed message (a copy of a signed one) is refused too.
    msg = kc.session.msg("execute_request", {"code": "Console.WriteLine(\"once\");", "silent": False, "store_history": True,
                                               "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    frames = kc.session.serialize(msg)
    socket.send_multipart(frames)
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    assert reply["content"]["status"] == "ok", reply["content"]
    socket.send_multipart(frames)
    try:
        kc.get_shell_msg(timeout=3)
        raise AssertionError("the kernel answered a replayed message")
    except queue.Empty:
        pass
    # A rightly signed message above the size limit (64 MiB) is dropped unread.
    huge = kc.session.msg("execute_request", {"code": "// " + "x" * (65 << 20), "silent": False, "store_history": True,
                                                "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    kc.session.send(socket, huge)
    try:
        kc.get_shell_msg(timeout=5)
        raise AssertionError("the kernel answered a message above its size limit")
    except queue.Empty:
        pass
    # Rightly signed messages are still answered.
    assert kc.kernel_info(reply=True, timeout=TIMEOUT)["content"]["status"] == "ok"
    log.flush()
    with open(log.name) as f:
        text = f.read()
    assert "dropped a message on shell: wrongly signed" in text, text
    assert "dropped a message on shell: unsigned" in text, text
    assert "dropped a message on shell: a replay" in text, text
    assert "MiB a message may have" in text, text


def stdin(km, kc, log):
    msg_id = kc.execute("var name = Console.ReadLine();\nname.ToUpperInvariant()", allow_stdin=True)
    request = kc.get_stdin_msg(timeout=TIMEOUT)
    assert request["msg_type"] == "input_request", request
    assert request["parent_header"]["msg_id"] == msg_id
    kc.input("sanming")
    assert reply_to(kc, msg_id)["content"]["status"] == "ok"
    reply, outputs = run(kc, "name")
    assert described(outputs[1:]) == ["execute_result: sanming"], described(outputs)
    reply, _ = run(kc, "Console.ReadLine()", allow_stdin=False)
    assert reply["content"]["status"] == "error" and "takes no input" in reply["content"]["evalue"], reply["content"]


def niceties(km, kc, log):
    # user_expressions: evaluated after the cell, each to a bundle or an error, without a count or iopub output.
    msg_id = kc.execute("var total = 40;\nint Loud() { Console.WriteLine(\"not shown\"); return 2; }",
                        user_expressions={"sum": "total + Loud()", "bad": "undefinedName", "thrown": "total / (total - 40)"})
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
        outputs.append(msg)
    reply = reply_to(kc, msg_id)["content"]
    assert reply["status"] == "ok" and reply["execution_count"] == 1, reply
    assert [m["msg_type"] for m in outputs if m["msg_type"] != "status"] == ["execute_input"], described(outputs)
    expressions = reply["user_expressions"]
    assert expressions["sum"] == {"status": "ok", "data": {"text/plain": "42"}, "metadata": {}}, expressions
    assert expressions["bad"]["status"] == "error" and expressions["bad"]["ename"] == "CompilationError", expressions
    assert "CS0103" in expressions["bad"]["evalue"] and expressions["bad"]["traceback"], expressions
    assert expressions["thrown"]["status"] == "error" and expressions["thrown"]["ename"] == "DivideByZeroException", expressions
    reply, outputs = run(kc, "total + 1")
    assert reply["content"]["execution_count"] == 2, reply["content"]
    assert described(outputs[1:]) == ["execute_result: 41"], described(outputs)
    run(kc, "total + 1")
    run(kc, "Console.WriteLine(total);")

    # history: tail, range and search, with and without outputs.
    def history(**content):
        msg = kc.session.msg("history_request", {"raw": True, "output": False, **content})
        kc.shell_channel.send(msg)
        reply = reply_to(kc, msg["header"]["msg_id"])["content"]
        assert reply["status"] == "ok", reply
        return [tuple(e[:2]) + (e[2] if isinstance(e[2], str) else tuple(e[2]),) for e in reply["history"]]

    first = "var total = 40;\nint Loud() { Console.WriteLine(\"not shown\"); return 2; }"
    assert history(hist_access_type="tail", n=2) == [(1, 3, "total + 1"), (1, 4, "Console.WriteLine(total);")], history(hist_access_type="tail", n=2)
    assert history(hist_access_type="range", session=0, start=1, stop=3) == [(0, 1, first), (0, 2, "total + 1")]
    assert history(hist_access_type="tail", n=2, output=True) == [(1, 3, ("total + 1", "41")), (1, 4, ("Console.WriteLine(total);", None))]
    assert history(hist_access_type="search", pattern="total*", unique=False) == [(1, 2, "total + 1"), (1, 3, "total + 1")]
    assert history(hist_access_type="search", pattern="total*", unique=True) == [(1, 3, "total + 1")]
    assert history(hist_access_type="search", pattern="*WriteLine(?????)*", n=1) == [(1, 4, "Console.WriteLine(total);")]

    # inspection: the framework's XML docs (from the SDK's targeting pack) and the kit's.
    code = 'Console.WriteLine("x");'
    reply = kc.inspect(code, code.index("WriteLine") + 3, detail_level=0, reply=True, timeout=TIMEOUT)["content"]
    assert reply["status"] == "ok" and reply["found"], reply
    text = reply["data"]["text/plain"]
    assert text.startswith("void Console.WriteLine(string? value)") and "Writes the specified string value" in text, text
    assert "IOException" not in text, text
    detailed = kc.inspect(code, code.index("WriteLine") + 3, detail_level=1, reply=True, timeout=TIMEOUT)["content"]["data"]["text/plain"]
    assert "Exception IOException: An I/O error occurred." in detailed, detailed
    text = kc.inspect("Math.Sqrt(2)", 6, reply=True, timeout=TIMEOUT)["content"]["data"]["text/plain"]
    assert "double Math.Sqrt(double d)" in text and "Returns the square root" in text, text
    text = kc.inspect("ItsModel", 3, reply=True, timeout=TIMEOUT)["content"]["data"]["text/plain"]
    assert text.startswith("class Its.Model.ItsModel") and "A segmented regression" in text, text

    # completion kinds, as IPython gives them.
    code = "Console.Wri"
    reply = kc.complete(code, len(code), reply=True, timeout=TIMEOUT)["content"]
    types = {t["text"]: t for t in reply["metadata"]["_jupyter_types_experimental"]}
    assert types["WriteLine"]["type"] == "function" and (types["WriteLine"]["start"], types["WriteLine"]["end"]) == (8, 11), types

    # magics
    reply, outputs = run(kc, "#!time\nThread.Sleep(20);\n6 * 7")
    assert reply["content"]["status"] == "ok", reply["content"]
    kinds = described(outputs[1:])
    assert len(kinds) == 2 and kinds[0].startswith("stdout: CPU times: user ") and "\nWall time: " in kinds[0], kinds
    assert kinds[1] == "execute_result: 42", kinds
    reply, outputs = run(kc, "#!about")
    shown = [m for m in outputs if m["msg_type"] == "display_data"]
    assert len(shown) == 1 and "its-csharp" in shown[0]["content"]["data"]["text/plain"], described(outputs)
    assert "<table>" in shown[0]["content"]["data"]["text/html"], shown
    reply, _ = run(kc, "#!whos")
    assert reply["content"]["status"] == "error" and "#!time (first line), #!about" in reply["content"]["evalue"], reply["content"]


def shutdown(km, kc, log):
    kc.stop_channels()
    started = time.monotonic()
    km.shutdown_kernel(now=False)
    assert not km.is_alive()
    # A kernel that answers the request exits by itself, well before jupyter_client would kill it (5 s).
    assert time.monotonic() - started < 4, time.monotonic() - started


def foreground_thread(km, kc, log):
    # A thread a cell leaves running, foreground as .NET makes it by default, does not keep the kernel.
    reply, _ = run(kc, "new Thread(() => { while (true) Thread.Sleep(50); }) { Name = \"spinner\" }.Start();")
    assert reply["content"]["status"] == "ok", reply["content"]
    reply, outputs = run(kc, "1 + 1")
    assert described(outputs[1:]) == ["execute_result: 2"], described(outputs)
    shutdown(km, kc, log)


def process_exit(km, kc, log):
    # Environment.Exit written in a cell is the cell's error; called by code the cell calls, it ends the kernel, named in its log.
    reply, _ = run(kc, "Environment.Exit(3);")
    assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "ProcessExitRefused", reply["content"]
    kc.execute("typeof(Environment).GetMethod(\"Exit\")!.Invoke(null, new object[] { 0 });")
    started = time.monotonic()
    while km.is_alive() and time.monotonic() - started < TIMEOUT:
        time.sleep(0.1)
    assert not km.is_alive(), "the kernel did not end"
    log.flush()
    with open(log.name) as written:
        text = written.read()
    assert "In[2] ended the kernel's process (exit code 0)" in text, text


def listening_addresses(ports):
    """The addresses each of the ports listens on, from /proc/net/tcp (hexadecimal, as the kernel lists them)."""
    listening = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                address, port = fields[1].split(":")
                if fields[3] == "0A" and int(port, 16) in ports:
                    listening.setdefault(int(port, 16), []).append(address)
    return listening


def kernel_command(connection_file, *flags):
    argv = KernelSpecManager().get_kernel_spec("its-csharp").argv
    return [connection_file if a == "{connection_file}" else a for a in argv] + list(flags)


def exposure(log):
    """A connection file that exposes the kernel is refused, and served, with a warning, when the flag accepts it."""
    with tempfile.TemporaryDirectory(prefix="its-exposure-") as folder:
        exposed(folder, log)


def exposed(folder, log):
    for ip, key, flag, refusal, warning in (
        ("0.0.0.0", os.urandom(16).hex().encode(), "--allow-remote", "is not a loopback address", "which other machines can reach"),
        ("127.0.0.1", b"", "--allow-unsigned", "the key is empty", "not signed"),
    ):
        path, _ = write_connection_file(os.path.join(folder, f"kernel-{flag[2:]}.json"), ip=ip, key=key)
        refused = subprocess.run(kernel_command(path), capture_output=True, text=True, timeout=TIMEOUT)
        assert refused.returncode == 2, (refused.returncode, refused.stderr)
        assert path in refused.stderr and refusal in refused.stderr and flag in refused.stderr, refused.stderr

        process = subprocess.Popen(kernel_command(path, flag), stderr=subprocess.PIPE, text=True)
        try:
            kc = BlockingKernelClient(connection_file=path)
            kc.load_connection_file()
            kc.start_channels()
            kc.wait_for_ready(timeout=TIMEOUT)
            reply = kc.execute_interactive("1 + 1", timeout=TIMEOUT)
            assert reply["content"]["status"] == "ok", reply["content"]
            if ip == "0.0.0.0":
                with open(path) as f:
                    info = json.load(f)
                ports = {info[name] for name in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")}
                listening = listening_addresses(ports)
                assert set(listening) == ports and all(a == ["00000000"] for a in listening.values()), listening
            kc.shutdown()
            kc.stop_channels()
            _, stderr = process.communicate(timeout=TIMEOUT)
        finally:
            if process.poll() is None:
                process.kill()
        log.write(stderr)
        assert process.returncode == 0, (process.returncode, stderr)
        assert "its: warning: " in stderr and warning in stderr, stderr


SCENARIOS = {f.__name__: f for f in (info, execute, interrupt, complete, restart, signature, stdin, niceties, shutdown, foreground_thread, process_exit)}
# Scenarios that start their kernels themselves.
OWN_KERNELS = {f.__name__: f for f in (exposure,)}

def main(name, log_path):
    with open(log_path, "w") as log:
        if name in OWN_KERNELS:
            OWN_KERNELS[name](log)
            print("passed")
            return
        km, kc = start(log)
        try:
            SCENARIOS[name](km, kc, log)
        finally:
            if km.is_alive():
                stop(km, kc)
            # Closed here, while logging still works (the client logs when it is collected).
            kc.stop_channels()
            del kc
    print("passed")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
