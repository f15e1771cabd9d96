"""test_builtins.py: the built-in services, end to end.

echo (RFC 862), discard (863), chargen (864), daytime (867) and time (868)
over TCP and UDP, served by the listener itself: checked against their
RFCs over real sockets, with the UDP reflection filter (source port, source
address), the log lines, many idle connections, and resets.
"""
import calendar
import os
import re
import resource
import select
import signal
import socket
import struct
import threading
import time

from harness import Hinetd, Runner, proc_status, children_of

ALL = """echo stream tcp nowait root internal
echo dgram udp wait root internal
discard stream tcp nowait root internal
discard dgram udp wait root internal
chargen stream tcp nowait root internal
chargen dgram udp wait root internal
daytime stream tcp nowait root internal
daytime dgram udp wait root internal
time stream tcp nowait root internal
time dgram udp wait root internal
"""

EPOCH_1900 = 2208988800


def builtins():
    return Hinetd(ALL)


def exchange(port, data, timeout=5.0, host="127.0.0.1", family=socket.AF_INET):
    """Send data, half-close, read to EOF (the server closes when done)."""
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((host, port))
    out = []

    def reader():
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return
            out.append(chunk)
    t = threading.Thread(target=reader)
    t.start()
    try:
        if data:
            s.sendall(data)
        s.shutdown(socket.SHUT_WR)
    except OSError:
        pass        # daytime/time may have answered and closed already
    t.join(timeout + 5)
    s.close()
    return b"".join(out)


def udp(port, data, source=("127.0.0.1", 0), timeout=1.0, family=socket.AF_INET,
        host="127.0.0.1"):
    """One datagram; the reply or None."""
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(source)
    s.settimeout(timeout)
    s.sendto(data, (host, port))
    try:
        reply, addr = s.recvfrom(70000)
        assert addr[1] == port, addr
        return reply
    except socket.timeout:
        return None
    finally:
        s.close()


def check_chargen_lines(data, nlines):
    """RFC 864: 72 printable characters then CRLF, each line shifted by one."""
    lines = data.split(b"\r\n")
    assert len(lines) > nlines, len(lines)
    lines = lines[:nlines]
    printable = bytes(range(32, 127))
    first = printable.index(lines[0][:1])
    for i, line in enumerate(lines):
        assert len(line) == 72, (i, line)
        start = (first + i) % 95
        expect = bytes(printable[(start + j) % 95] for j in range(72))
        assert line == expect, (i, line, expect)


def parse_daytime(text):
    """ctime's form and the zone: local time, as this process sees it."""
    text = text.decode()
    assert text.endswith("\r\n"), repr(text)
    body, _, zone = text[:-2].rpartition(" ")
    assert zone == time.strftime("%Z"), repr(text)
    t = time.strptime(body, "%a %b %d %H:%M:%S %Y")
    return calendar.timegm(t) if zone == "UTC" else time.mktime(t)


def test_echo_tcp():
    with builtins() as h:
        assert exchange(7, b"hello, echo\r\n") == b"hello, echo\r\n"
        # More than any buffer: the client must keep reading (backpressure).
        big = os.urandom(3 * 1024 * 1024)
        assert exchange(7, big, timeout=20) == big
        assert exchange(7, b"") == b""
        h.wait_log(r"service=echo proto=tcp peer=127\.0\.0\.1:\d+ action=allow")


def test_log_on_success_duration_traffic():
    # xinetd's log_on_success DURATION and TRAFFIC: built-ins log their end
    # with the bytes each way; exec'd services log how long they ran.
    pol = {"log": "defaults\n{\n\tlog_on_success += DURATION TRAFFIC\n}\n"
                  "service 7311\n{\n\tlog_on_success -= DURATION TRAFFIC\n}\n"}
    h = Hinetd("", policy=pol)
    slow = h.write("slow", "#!/bin/sh\nsleep 0.3\necho x\n")
    os.chmod(slow, 0o755)
    h.write("inetd.conf", "echo stream tcp nowait root internal\n"
            "daytime stream tcp nowait root internal\n"
            "7310 stream tcp nowait nobody %s slow\n"
            "7311 stream tcp nowait nobody /bin/echo echo y\n" % slow)
    with h:
        assert exchange(7, b"0123456789") == b"0123456789"
        h.wait_log(r"service=echo proto=tcp peer=127\.0\.0\.1:\d+ action=exit "
                   r"status=0 duration=\d+\.\d{3} bytes_in=10 bytes_out=10")
        assert len(exchange(13, b"")) > 0
        h.wait_log(r"service=daytime proto=tcp peer=127\.0\.0\.1:\d+ action=exit "
                   r"status=0 duration=0\.000 bytes_in=0 bytes_out=\d+")
        assert exchange(7310, b"") == b"x\n"
        h.wait_log(r"service=7310 .*action=exit pid=\d+ status=0 duration=(\d+)\.\d{3}")
        m = re.search(r"service=7310 .*action=exit pid=\d+ status=0 duration=(\d+\.\d{3})",
                      h.log())
        assert 0.25 <= float(m.group(1)) < 5, m.group(0)
        assert exchange(7311, b"") == b"y\n"
        h.wait_log(r"service=7311 .*action=exit pid=\d+ status=0\n", timeout=5)


def test_echo_tcp6_dual_stack():
    with Hinetd("echo stream tcp46 nowait root internal\n") as h:
        assert exchange(7, b"six", host="::1", family=socket.AF_INET6) == b"six"
        assert exchange(7, b"four") == b"four"
        h.wait_log(r"service=echo proto=tcp46 peer=\[::1\]:\d+ action=allow")


def test_discard_tcp():
    with builtins() as h:
        assert exchange(9, os.urandom(200000)) == b""
        h.wait_log(r"service=discard proto=tcp peer=127\.0\.0\.1:\d+ action=allow")


def test_chargen_tcp():
    with builtins() as h:
        s = socket.create_connection(("127.0.0.1", 19), timeout=5)
        data = b""
        while len(data) < 74 * 300:
            chunk = s.recv(65536)
            assert chunk, "chargen closed early"
            data += chunk
        # Its input is thrown away; its end ends the connection.
        s.sendall(b"ignored\r\n")
        s.shutdown(socket.SHUT_WR)
        s.settimeout(5)
        while s.recv(65536):
            pass
        s.close()
        check_chargen_lines(data, 290)
        assert data.startswith(b" !\"#$%&"), data[:10]
        h.wait_log(r"service=chargen proto=tcp peer=127\.0\.0\.1:\d+ action=allow")


def test_daytime_tcp():
    with builtins() as h:
        out = exchange(13, b"")
        assert abs(parse_daytime(out) - time.time()) < 5, out
        h.wait_log(r"service=daytime proto=tcp peer=127\.0\.0\.1:\d+ action=allow")


def test_time_tcp():
    with builtins() as h:
        out = exchange(37, b"")
        assert len(out) == 4, out
        (v,) = struct.unpack("!I", out)
        assert abs(v - EPOCH_1900 - time.time()) < 5, v
        h.wait_log(r"service=time proto=tcp peer=127\.0\.0\.1:\d+ action=allow")


def test_daytime_time_with_client_input():
    # A client that sends something still gets its answer, not a reset.
    with builtins():
        out = exchange(13, b"what time is it?\r\n")
        assert abs(parse_daytime(out) - time.time()) < 5, out
        assert len(exchange(37, b"x" * 1000)) == 4


def test_echo_udp():
    with builtins() as h:
        assert udp(7, b"ping") == b"ping"
        assert udp(7, b"x" * 1400) == b"x" * 1400
        big = os.urandom(60000)
        assert udp(7, big) == big
        assert udp(7, b"") == b""
        h.wait_log(r"service=echo proto=udp peer=127\.0\.0\.1:\d+ action=allow", count=4)


def test_udp_source_port_filter():
    with builtins() as h:
        # Port 1024 and above (not 2049): answered.
        assert udp(7, b"ok", source=("127.0.0.1", 1024)) == b"ok"
        # Below 1024 (bound as root), and 2049: dropped without a reply.
        assert udp(7, b"low", source=("127.0.0.1", 1000)) is None
        assert udp(7, b"nfs", source=("127.0.0.1", 2049)) is None
        assert udp(13, b"", source=("127.0.0.1", 1023)) is None
        # From another superserver's echo port (7, which hinetd's own echo
        # holds here: no other socket may bind it, so the datagram is sent
        # raw): no ping-pong.
        udp4_raw("127.0.0.1", 7, "127.0.0.1", 19, b"")
        h.wait_log(r"service=chargen proto=udp peer=127\.0\.0\.1:7 action=deny")
        h.wait_log(r"service=echo proto=udp peer=127\.0\.0\.1:1000 action=deny rule=builtin:0 reason=reflection-source")
        h.wait_log(r"service=echo proto=udp peer=127\.0\.0\.1:2049 action=deny")
        # And the service is still there.
        assert udp(7, b"still") == b"still"


def test_udp_source_port_filter_ipv6():
    # The same rule for IPv6 clients (an IPv6-only socket).
    with Hinetd("echo dgram udp6 wait root internal\n") as h:
        assert udp(7, b"ok", source=("::1", 1024), family=socket.AF_INET6,
                   host="::1") == b"ok"
        assert udp(7, b"low", source=("::1", 1000), family=socket.AF_INET6,
                   host="::1") is None
        assert udp(7, b"nfs", source=("::1", 2049), family=socket.AF_INET6,
                   host="::1") is None
        h.wait_log(r"service=echo proto=udp6? peer=\[?::1\]?:1000 action=deny "
                   r"rule=builtin:0 reason=reflection-source")
        h.wait_log(r"service=echo proto=udp6? peer=\[?::1\]?:2049 action=deny")


def udp4_raw(src, sport, dst, dport, payload):
    """A UDP/IPv4 datagram with any source address (IP_HDRINCL)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    udp_len = 8 + len(payload)
    total = 20 + udp_len
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0x1234, 0, 64,
                     socket.IPPROTO_UDP, 0, socket.inet_aton(src),
                     socket.inet_aton(dst))
    u = struct.pack("!HHHH", sport, dport, udp_len, 0)       # no checksum
    s.sendto(ip + u + payload, (dst, 0))
    s.close()


def test_udp_source_address_filter():
    # Sources that no reply may go to, sent raw; IPv4 ones reaching a
    # dual-stack socket arrive IPv4-mapped and are judged as IPv4.
    with Hinetd("echo dgram udp46 wait root internal\n"
                "daytime dgram udp wait root internal\n") as h:
        for src in ("0.1.2.3", "255.1.2.3", "224.0.0.9", "239.1.2.3"):
            udp4_raw(src, 5000, "127.0.0.1", 7, b"reflect me")
            udp4_raw(src, 5000, "127.0.0.1", 13, b"")
        for src in ("0.1.2.3", "255.1.2.3", "224.0.0.9", "239.1.2.3"):
            h.wait_log(r"service=echo proto=udp46 peer=%s:5000 action=deny "
                       r"rule=builtin:0 reason=reflection-source" % src.replace(".", r"\."))
            h.wait_log(r"service=daytime proto=udp peer=%s:5000 action=deny "
                       r"rule=builtin:0 reason=reflection-source" % src.replace(".", r"\."))
        # An ordinary source on the same sockets is answered, over both families.
        udp4_raw("127.0.0.9", 5000, "127.0.0.1", 7, b"fine")
        h.wait_log(r"service=echo proto=udp46 peer=127\.0\.0\.9:5000 action=allow")
        assert udp(7, b"v6", family=socket.AF_INET6, host="::1",
                   source=("::1", 0)) == b"v6"
        assert udp(7, b"v4") == b"v4"
        assert "peer=0.1.2.3:5000 action=allow" not in h.log()


def test_discard_udp():
    with builtins() as h:
        assert udp(9, b"into the void") is None
        h.wait_log(r"service=discard proto=udp peer=127\.0\.0\.1:\d+ action=allow")


def test_chargen_udp():
    with builtins():
        replies = [udp(19, b"") for _ in range(3)]
        printable = bytes(range(32, 127))
        starts = []
        for r in replies:
            assert r is not None and 0 < len(r) <= 512, r
            check_chargen_lines(r + b"\r\n", 1)
            starts.append(printable.index(r[:1]))
        # Each datagram continues the rotation.
        assert starts[1] == (starts[0] + 1) % 95 and starts[2] == (starts[1] + 1) % 95, starts


def test_daytime_udp():
    with builtins():
        out = udp(13, b"")
        assert out is not None
        assert abs(parse_daytime(out) - time.time()) < 5, out


def test_time_udp():
    with builtins():
        out = udp(37, b"")
        assert out is not None and len(out) == 4, out
        (v,) = struct.unpack("!I", out)
        assert abs(v - EPOCH_1900 - time.time()) < 5, v


def test_builtins_need_no_fork():
    with builtins() as h:
        exchange(7, b"x")
        udp(7, b"x")
        exchange(13, b"")
        time.sleep(0.2)
        # Nothing ran but the listener.
        assert children_of(h.proc.pid) == [h.listener_pid()], children_of(h.proc.pid)
        assert "action=spawn" not in h.log()


def raise_nofile(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(n, hard), hard))


def test_ten_thousand_idle_connections():
    n = 10000
    raise_nofile(n + 1000)
    with Hinetd("echo stream tcp nowait root internal\n"
                "discard stream tcp nowait root internal\n") as h:
        socks = []
        try:
            for i in range(n):
                s = socket.socket()
                s.connect(("127.0.0.1", 7 if i % 2 == 0 else 9))
                socks.append(s)
            # Every one of them is held, none refused.
            h.wait_log(r"action=allow", count=n, timeout=30)
            assert "action=limit" not in h.log()
            lp = h.listener_pid()
            fds = len(os.listdir("/proc/%d/fd" % lp))
            assert fds >= n, fds
            rss_kb = int(proc_status(lp)["VmRSS"].split()[0])
            assert rss_kb < 64 * 1024, rss_kb
            # A new client is served at once.
            t0 = time.time()
            assert exchange(7, b"still here") == b"still here"
            assert time.time() - t0 < 2
            # The held ones work too.
            socks[0].sendall(b"old")
            socks[0].settimeout(5)
            assert socks[0].recv(10) == b"old"
        finally:
            for s in socks:
                s.close()
        # All of them are released.
        time.sleep(1)
        assert len(os.listdir("/proc/%d/fd" % h.listener_pid())) < 100


def test_resets_and_flood_leave_clients_served():
    with Hinetd("echo stream tcp nowait root internal\n"
                "chargen stream tcp nowait root internal\n"
                "7040 stream tcp nowait nobody /bin/echo echo served\n") as h:
        lp = h.listener_pid()
        stop = threading.Event()
        errors = []

        def flood(port):
            linger = struct.pack("ii", 1, 0)
            while not stop.is_set():
                try:
                    s = socket.socket()
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                    s.connect(("127.0.0.1", port))
                    if port == 7:
                        s.send(b"half a request")
                    s.close()            # RST
                except OSError:
                    pass

        threads = [threading.Thread(target=flood, args=(p,)) for p in (7, 19, 7)]
        for t in threads:
            t.start()
        try:
            deadline = time.time() + 3
            while time.time() < deadline:
                try:
                    assert exchange(7, b"normal") == b"normal"
                except Exception as e:   # noqa: BLE001
                    errors.append(e)
        finally:
            stop.set()
            for t in threads:
                t.join()
        assert not errors, errors[:3]
        # A reader that stops reading chargen and resets.
        s = socket.create_connection(("127.0.0.1", 19))
        s.recv(10)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
        assert exchange(7, b"after") == b"after"
        assert h.listener_pid() == lp, "listener restarted"
        # The listener holds no leftover connection.
        time.sleep(0.5)
        assert len(os.listdir("/proc/%d/fd" % lp)) < 50


def test_slow_reader_is_bounded():
    # A client that sends to echo and never reads: the listener stops
    # reading from it (bounded buffer) and keeps serving others.
    with builtins() as h:
        s = socket.create_connection(("127.0.0.1", 7))
        s.setblocking(False)
        sent = 0
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                sent += s.send(b"y" * 65536)
            except BlockingIOError:
                r, w, _ = select.select([], [s], [], 0.5)
                if not w:
                    break
        assert sent > 0
        rss_kb = int(proc_status(h.listener_pid())["VmRSS"].split()[0])
        assert rss_kb < 32 * 1024, rss_kb
        assert exchange(7, b"other") == b"other"
        s.close()


def test_idle_connection_stays_open_briefly():
    # The idle timeout (60 s, docs/limits-and-builtins.md) is longer than
    # any test may run; here: an idle client is not dropped early.
    with builtins():
        s = socket.create_connection(("127.0.0.1", 7))
        time.sleep(2)
        s.sendall(b"later")
        s.settimeout(5)
        assert s.recv(10) == b"later"
        s.close()


# ---- reload: built-in connections survive it -------------------

def listener_pids(h):
    """Every hinetd-listener child of this hinetd (current and retired)."""
    out = []
    for pid in children_of(h.proc.pid):
        try:
            with open("/proc/%d/comm" % pid) as f:
                if f.read().strip().startswith("hinetd-listen"):
                    out.append(pid)
        except OSError:
            pass
    return sorted(out)


def alive(pid):
    """Running (not a zombie, not reaped)."""
    try:
        return proc_status(pid)["State"][0] != "Z"
    except OSError:
        return False


def wait_gone(pid, timeout=5.0):
    """pid ended and was reaped: no /proc entry, so no zombie."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not os.path.exists("/proc/%d/status" % pid):
            return
        time.sleep(0.02)
    raise AssertionError("pid %d still there: %s" % (pid, proc_status(pid)["State"]))


def reload_and_wait(h, conf=None, nth=1):
    """The nth SIGHUP; once the new listener is ready: (old pid, new pid)."""
    old = h.listener_pid()
    if conf is not None:
        h.write("inetd.conf", conf)
    h.proc.send_signal(signal.SIGHUP)
    h.wait_log(r"ready: ", count=nth + 1, timeout=10)
    new = [int(p) for p in re.findall(r"ready: .* listener pid (\d+)", h.log())][-1]
    assert new != old, (old, new)
    return old, new


def echo_once(s, data):
    s.sendall(data)
    got = b""
    while len(got) < len(data):
        chunk = s.recv(65536)
        assert chunk, "connection closed by the server"
        got += chunk
    return got


def test_reload_keeps_echo_connection():
    with builtins() as h:
        s = socket.create_connection(("127.0.0.1", 7), timeout=5)
        assert echo_once(s, b"before\r\n") == b"before\r\n"
        old, new = reload_and_wait(h, ALL + "7050 stream tcp nowait nobody "
                                   "/bin/echo echo added\n")
        # The reload is done (new service served) and the old connection
        # still echoes, served by the retired listener.
        assert exchange(7050, b"") == b"added\n"
        assert echo_once(s, b"after\r\n") == b"after\r\n"
        assert alive(old), "retired listener gone with a connection open"
        h.wait_log(r"listener pid %d retired" % old)
        assert listener_pids(h) == sorted([old, new]), listener_pids(h)
        # New clients go to the new listener only: the old one holds no
        # listening socket any more.
        assert exchange(7, b"new client") == b"new client"
        assert h.log().count("action=allow") >= 3
        # It ends normally (our half-close, then its EOF) ...
        s.shutdown(socket.SHUT_WR)
        assert s.recv(100) == b""
        s.close()
        # ... and the retired listener exits by itself, reaped by privd.
        wait_gone(old)
        h.wait_log(r"retired listener pid %d exited\n" % old)
        assert "retired: no built-in connection left" in h.log()
        assert listener_pids(h) == [new]
        assert h.proc.poll() is None
        assert exchange(7, b"still") == b"still"


def test_reload_keeps_chargen_and_discard_connections():
    with builtins() as h:
        cg = socket.create_connection(("127.0.0.1", 19), timeout=5)
        dc = socket.create_connection(("127.0.0.1", 9), timeout=5)
        assert len(cg.recv(1000)) > 0
        dc.sendall(b"x" * 1000)
        old, new = reload_and_wait(h)
        # chargen goes on: read far past what the socket buffers can hold
        # (a killed listener's last bytes), all valid lines.
        head, total = [], 0
        while total < 32 * 1024 * 1024:
            chunk = cg.recv(65536)
            assert chunk, "chargen connection closed on reload"
            if total < 1024 * 1024:
                head.append(chunk)
            total += len(chunk)
        data = b"".join(head)
        start = data.index(b"\r\n") + 2
        check_chargen_lines(data[start:], 1000)
        # discard still takes input.
        for _ in range(100):
            dc.sendall(b"y" * 65536)
        assert alive(old)
        h.wait_log(r"listener pid %d retired" % old)
        cg.close()
        time.sleep(0.3)
        assert alive(old), "exited with discard still open"
        dc.shutdown(socket.SHUT_WR)
        assert dc.recv(10) == b""
        dc.close()
        wait_gone(old)
        h.wait_log(r"retired listener pid %d exited\n" % old)
        assert listener_pids(h) == [new]


def test_reload_without_connections_leaves_no_retired_listener():
    with builtins() as h:
        assert exchange(7, b"x") == b"x"
        old, new = reload_and_wait(h)
        time.sleep(1)
        assert not os.path.exists("/proc/%d/status" % old)
        assert listener_pids(h) == [new], listener_pids(h)
        assert re.search(r"retired listener pid %d exited\n" % old, h.log()), h.log()
        assert "listener killed" not in h.log() and "killing it" not in h.log()
        assert exchange(7, b"y") == b"y"
        # Again: each reload retires the previous one.
        old2, new2 = reload_and_wait(h, nth=2)
        assert old2 == new
        h.wait_log(r"retired listener pid %d exited\n" % new)
        assert udp(7, b"udp after reloads") == b"udp after reloads"


def test_reload_then_sigterm_stops_retired_listener():
    with builtins() as h:
        s = socket.create_connection(("127.0.0.1", 7), timeout=5)
        assert echo_once(s, b"a") == b"a"
        old, new = reload_and_wait(h)
        assert echo_once(s, b"b") == b"b"
        assert alive(old)
        assert h.stop() == 0, h.log()
        # privd killed and reaped it: no process, no zombie.
        wait_gone(old, timeout=2)
        wait_gone(new, timeout=2)
        s.settimeout(5)
        try:
            assert s.recv(10) == b""
        except ConnectionResetError:
            pass
        s.close()


if __name__ == "__main__":
    Runner().run(globals())
