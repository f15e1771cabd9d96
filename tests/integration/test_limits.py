"""test_limits.py: the listener's limits, end to end.

Each limit fires exactly at its bound, closes that connection at once and
logs `action=limit limit=NAME` with the section 9 fields; counters are
released however a child ends (exit, signal, exec failure) or a built-in
connection closes; every pause ends by itself.  instances is set with
inetd.conf's nowait/N, per_source and cps with policy-file overlays.
privd's global cap (4096 children) is not reached here: see
docs/limits-and-builtins.md.
"""
import os
import re
import signal
import socket
import struct
import threading
import time

from harness import Hinetd, Runner, talk


def connect(port, source=None):
    s = socket.socket()
    s.settimeout(5)
    if source:
        s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def closed_at_once(s, timeout=2.0):
    """The server closed without serving: EOF (or reset) and no data."""
    s.settimeout(timeout)
    try:
        data = s.recv(100)
    except ConnectionResetError:
        data = b""
    s.close()
    return data == b""


def served_by_cat(s, word=b"ping\n"):
    s.sendall(word)
    got = b""
    while len(got) < len(word):         # a reply may come in pieces
        chunk = s.recv(100)
        if not chunk:
            break
        got += chunk
    return got == word


def pid_of(h, port, nth):
    h.wait_log(r"service=%d .*action=spawn pid=" % port, count=nth + 1)
    pids = re.findall(r"service=%d .*action=spawn pid=(\d+)" % port, h.log())
    return int(pids[nth])


def test_instances_nowait_n():
    with Hinetd("7200 stream tcp nowait/2 nobody /bin/cat cat\n") as h:
        a, b = connect(7200), connect(7200)
        assert served_by_cat(a) and served_by_cat(b)
        c = connect(7200)
        port_c = c.getsockname()[1]
        assert closed_at_once(c)
        h.wait_log(r"service=7200 proto=tcp peer=127\.0\.0\.1:%d action=limit "
                   r"limit=instances max=2" % port_c)
        # Both spawns are reported (a reply may come before the report).
        h.wait_log(r"service=7200 .*action=spawn", count=2)
        assert len(re.findall(r"service=7200 .*action=spawn", h.log())) == 2
        # One ends: its slot is free again.
        a.close()
        h.wait_log(r"service=7200 .*action=exit pid=\d+ status=0")
        d = connect(7200)
        assert served_by_cat(d)
        e = connect(7200)
        assert closed_at_once(e)
        h.wait_log(r"limit=instances", count=2)
        b.close()
        d.close()


def test_instances_released_on_signal_and_exec_failure():
    with Hinetd("7201 stream tcp nowait/1 nobody /bin/cat cat\n"
                "7202 stream tcp nowait/1 nobody /nonexistent/server server\n") as h:
        a = connect(7201)
        assert served_by_cat(a)
        os.kill(pid_of(h, 7201, 0), signal.SIGKILL)
        h.wait_log(r"service=7201 .*action=exit pid=\d+ signal=SIGKILL")
        b = connect(7201)
        assert served_by_cat(b)
        b.close()
        a.close()
        for i in range(5):
            s = connect(7202)
            closed_at_once(s)
            # The listener's own line: only once it has it is the slot free
            # (privd logs the exec failure first, on its own line).
            h.wait_log(r"hinetd-listener\[\d+\]: service=7202 .*action=error "
                       r"reason=exec errno=ENOENT", count=i + 1)
        assert "limit=instances" not in h.log()


def test_per_source():
    h = Hinetd("7203 stream tcp nowait nobody /bin/cat cat\n",
               policy={"limits": "service 7203 {\n\tper_source = 2\n}\n"})
    with h:
        a, b = connect(7203), connect(7203)
        assert served_by_cat(a) and served_by_cat(b)
        c = connect(7203)
        port_c = c.getsockname()[1]
        assert closed_at_once(c)
        h.wait_log(r"service=7203 proto=tcp peer=127\.0\.0\.1:%d action=limit "
                   r"limit=per_source max=2" % port_c)
        # Another address has its own count.
        other = [connect(7203, "127.0.0.2") for _ in range(2)]
        assert all(served_by_cat(s) for s in other)
        assert closed_at_once(connect(7203, "127.0.0.2"))
        h.wait_log(r"peer=127\.0\.0\.2:\d+ action=limit limit=per_source max=2")
        # A child of 127.0.0.1 ends: that address may connect again.
        a.close()
        h.wait_log(r"service=7203 peer=127\.0\.0\.1:\d+ action=exit|"
                   r"service=7203 proto=tcp peer=127\.0\.0\.1:\d+ action=exit")
        d = connect(7203)
        assert served_by_cat(d)
        for s in [b, d] + other:
            s.close()


def test_per_source_builtin_and_release_on_close():
    h = Hinetd("echo stream tcp nowait root internal\n",
               policy={"limits": "service echo {\n\tper_source = 2\n}\n"})
    with h:
        a, b = connect(7), connect(7)
        assert served_by_cat(a) and served_by_cat(b)
        assert closed_at_once(connect(7))
        h.wait_log(r"service=echo proto=tcp peer=127\.0\.0\.1:\d+ action=limit "
                   r"limit=per_source max=2")
        a.close()
        time.sleep(0.3)
        c = connect(7)
        assert served_by_cat(c)
        b.close()
        c.close()


def test_instances_builtin():
    with Hinetd("echo stream tcp nowait/3 root internal\n") as h:
        conns = [connect(7) for _ in range(3)]
        assert all(served_by_cat(s) for s in conns)
        assert closed_at_once(connect(7))
        h.wait_log(r"service=echo proto=tcp peer=127\.0\.0\.1:\d+ action=limit "
                   r"limit=instances max=3")
        conns.pop().close()
        time.sleep(0.3)
        s = connect(7)
        assert served_by_cat(s)
        s.close()
        for s in conns:
            s.close()


def test_cps_pauses_and_resumes():
    h = Hinetd("daytime stream tcp nowait root internal\n"
               "echo stream tcp nowait root internal\n",
               policy={"limits": "service daytime {\n\tcps = 3 2\n}\n"})
    with h:
        for _ in range(3):
            s = connect(13)
            assert s.recv(100).endswith(b"UTC\r\n")
            s.close()
        s = connect(13)
        port4 = s.getsockname()[1]
        assert closed_at_once(s)
        h.wait_log(r"service=daytime proto=tcp peer=127\.0\.0\.1:%d action=limit "
                   r"limit=cps rate=3 pause=2s" % port4)
        t_trip = time.time()
        # Paused: a new client waits in the kernel's queue ...
        s = connect(13)
        s.settimeout(10)
        data = s.recv(100)
        waited = time.time() - t_trip
        s.close()
        # ... and is served when the pause ends by itself.
        assert data.endswith(b"UTC\r\n"), data
        assert waited >= 1.5, waited
        h.wait_log(r"service=daytime proto=tcp limit=cps: pause over")
        assert len(re.findall(r"limit=cps", h.log())) == 2   # trip + "pause over"
        # Other services were never paused.
        e = connect(7)
        assert served_by_cat(e)
        e.close()


def test_cps_dgram_builtin():
    h = Hinetd("time dgram udp wait root internal\n",
               policy={"limits": "service time {\n\tprotocol = udp\n\tcps = 2 1\n}\n"})
    with h:
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.settimeout(0.5)
        u.bind(("127.0.0.1", 0))
        answers = 0
        for _ in range(3):
            u.sendto(b"", ("127.0.0.1", 37))
            try:
                u.recvfrom(10)
                answers += 1
            except socket.timeout:
                pass
        assert answers == 2, answers
        h.wait_log(r"service=time proto=udp peer=127\.0\.0\.1:\d+ action=limit "
                   r"limit=cps rate=2 pause=1s")
        h.wait_log(r"service=time proto=udp limit=cps: pause over", timeout=5)
        u.settimeout(3)
        u.sendto(b"", ("127.0.0.1", 37))
        assert len(u.recvfrom(10)[0]) == 4
        u.close()


def test_defaults_are_generous():
    # No limit set: 200 concurrent children of one service, from one address.
    with Hinetd("7204 stream tcp nowait nobody /bin/cat cat\n") as h:
        conns = [connect(7204) for _ in range(200)]
        for s in conns:
            assert served_by_cat(s)
        assert "action=limit" not in h.log()
        for s in conns:
            s.close()
        h.wait_log(r"service=7204 .*action=exit", count=200, timeout=20)


def test_reset_flood_on_exec_service():
    # Clients that connect and reset at once (SO_LINGER 0) must not make
    # privd take the listener for hostile, nor keep others from being served.
    with Hinetd("7205 stream tcp nowait nobody /bin/echo echo served\n") as h:
        lp = h.listener_pid()
        stop = threading.Event()

        def flood():
            linger = struct.pack("ii", 1, 0)
            while not stop.is_set():
                try:
                    s = socket.socket()
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                    s.connect(("127.0.0.1", 7205))
                    s.close()
                except OSError:
                    pass

        threads = [threading.Thread(target=flood) for _ in range(2)]
        for t in threads:
            t.start()
        served = 0
        try:
            deadline = time.time() + 3
            while time.time() < deadline:
                assert talk(7205) == b"served\n"
                served += 1
        finally:
            stop.set()
            for t in threads:
                t.join()
        assert served >= 10, served
        assert h.listener_pid() == lp, "listener restarted:\n" + "\n".join(
            l for l in h.log().splitlines() if "action=" not in l)


def _cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])     # utime + stime


def test_descriptor_exhaustion_pauses_without_spinning():
    # A soft limit of 40 descriptors and 60 idle echo clients: the listener
    # runs out, pauses and resumes every 100 ms without spinning, logs one
    # pause per episode, and serves again once descriptors are free.
    conf = "echo stream tcp nowait root internal\n"
    with Hinetd(conf, nofile=40) as h:
        lp = h.listener_pid()
        held = []
        try:
            for _ in range(60):
                held.append(connect(7))
            h.wait_log(r"accepting paused: Too many open files")
            t0, c0 = time.time(), _cpu_ticks(lp)
            time.sleep(2.0)
            used = (_cpu_ticks(lp) - c0) / os.sysconf("SC_CLK_TCK")
            assert used < 0.5, "listener spun: %.2fs CPU in %.1fs" % (used, time.time() - t0)
            assert len(re.findall(r"accepting paused", h.log())) == 1, h.log()
        finally:
            for s in held:
                s.close()
        s = connect(7)
        s.settimeout(5)
        s.sendall(b"still here\n")
        assert s.recv(100) == b"still here\n"
        s.close()
        assert h.listener_pid() == lp


def test_children_cap():
    # privd's global cap on live children (4096, shown by hinetd -T): the
    # next connection is closed at once with limit=children, however many
    # the listener asks for, and is served again once a child has ended.
    import resource
    from harness import children_of
    cap = 4096
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, cap + 200), hard))
    conf = "7207 stream tcp nowait nobody /bin/sleep sleep 120\n"
    pol = {"d": "defaults\n{\n\tinstances = UNLIMITED\n\tper_source = UNLIMITED\n}\n"}
    conns = []
    with Hinetd(conf, policy=pol) as h:
        try:
            for _ in range(cap):
                conns.append(connect(7207))
            h.wait_log(r"service=7207 .*action=spawn", count=cap, timeout=120)
            s = connect(7207)
            assert closed_at_once(s)
            h.wait_log(r"hinetd\[\d+\]: service=7207 .*action=limit "
                       r"limit=children max=%d" % cap)
            h.wait_log(r"hinetd-listener\[\d+\]: service=7207 .*action=limit "
                       r"limit=children")
            assert len(re.findall(r"action=spawn", h.log())) == cap
            # One ends: its slot is free again.
            lp = h.listener_pid()
            one = [p for p in children_of(h.proc.pid) if p != lp][0]
            os.kill(one, signal.SIGKILL)
            h.wait_log(r"service=7207 .*action=exit pid=%d signal=SIGKILL" % one)
            t = connect(7207)
            h.wait_log(r"service=7207 .*action=spawn", count=cap + 1, timeout=20)
            t.close()
        finally:
            lp = h.listener_pid() if h.proc.poll() is None else None
            for pid in children_of(h.proc.pid):
                if pid != lp:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            for c in conns:
                c.close()
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


if __name__ == "__main__":
    Runner().run(globals())
