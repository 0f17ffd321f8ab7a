"""The test suite runs offline: the guard of tests/conftest.py is active here and in subprocesses.

A connection to a public address must fail at once with the guard's message (without the
guard it would hang, time out or fail with a different error, so these tests can fail), and
loopback, which Jupyter kernels use, must keep working. 192.0.2.1 is TEST-NET-1 (RFC 5737),
an address reserved for documentation that no real host uses.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PUBLIC = ("192.0.2.1", 80)
OFFLINE_DIR = str(Path(__file__).resolve().parent / "offline")
GUARD_WORDS = "network access to"

# Run in a fresh interpreter or kernel: prints one line per probe.
PROBE = textwrap.dedent(f"""
    import socket
    def probe(what, call):
        try:
            call()
        except Exception as e:
            print(what, type(e).__name__, str(e).replace("\\n", " "))
        else:
            print(what, "connected")
    def public():
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(2)
        try:
            s.connect({PUBLIC!r})
        finally:
            s.close()
    def loopback():
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        client = socket.create_connection(server.getsockname(), timeout=2)
        client.close(); server.close()
    probe("public", public)
    probe("dns", lambda: socket.getaddrinfo("example.org", 443))
    probe("loopback", loopback)
""")


def check_probe_output(out: str) -> None:
    lines = {line.split(" ", 1)[0]: line for line in out.strip().splitlines()}
    assert set(lines) >= {"public", "dns", "loopback"}, out
    assert "NetworkBlocked" in lines["public"] and GUARD_WORDS in lines["public"] and "192.0.2.1" in lines["public"]
    assert "NetworkBlocked" in lines["dns"] and "example.org" in lines["dns"]
    assert lines["loopback"] == "loopback connected", lines["loopback"]


def test_conftest_puts_the_guard_on_pythonpath():
    assert OFFLINE_DIR in os.environ["PYTHONPATH"].split(os.pathsep)


def test_public_address_is_blocked_in_process():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(2)
    with pytest.raises(RuntimeError, match=GUARD_WORDS + r" 192\.0\.2\.1:80"):
        s.connect(PUBLIC)
    s.close()
    with pytest.raises(RuntimeError, match=GUARD_WORDS):
        socket.create_connection(("example.org", 80), timeout=2)
    with pytest.raises(RuntimeError, match="example.org"):
        socket.getaddrinfo("example.org", 443)
    with pytest.raises(RuntimeError, match=r"2001:db8::1"):
        socket.socket(socket.AF_INET6).connect(("2001:db8::1", 80, 0, 0))


def test_urllib_download_fails_with_the_guard_message():
    import urllib.request
    with pytest.raises(Exception) as info:
        urllib.request.urlopen("http://example.org/", timeout=2)
    assert GUARD_WORDS in str(info.value) or GUARD_WORDS in str(getattr(info.value, "reason", ""))


def test_loopback_still_works_in_process():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    with socket.create_connection(server.getsockname(), timeout=2):
        pass
    server.close()
    assert socket.getaddrinfo("localhost", 80)          # resolving localhost is allowed


def test_guard_classifies_addresses():
    from offline_guard import is_loopback_host
    for host in ["127.0.0.1", "127.5.6.7", "::1", "localhost", b"localhost", "::ffff:127.0.0.1", None, ""]:
        assert is_loopback_host(host), host
    for host in ["192.0.2.1", "10.0.0.1", "8.8.8.8", "2001:db8::1", "::ffff:8.8.8.8", "example.org", "pypi.org"]:
        assert not is_loopback_host(host), host


def test_guard_is_active_in_a_subprocess():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60,
                         check=True).stdout
    check_probe_output(out)


def test_guard_is_active_in_a_jupyter_kernel():
    """The kernel is started the way nbval starts the notebooks' kernels (--nbval-current-env)."""
    from nbval.kernel import CURRENT_ENV_KERNEL_NAME, RunningKernel
    kernel = RunningKernel(CURRENT_ENV_KERNEL_NAME, cwd=str(Path(__file__).parent))
    out = []
    try:
        reply = kernel.kc.execute_interactive(
            PROBE, timeout=60,
            output_hook=lambda msg: out.append(msg["content"].get("text", "")) if msg["msg_type"] == "stream" else None)
        assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        kernel.stop()
    check_probe_output("".join(out))
