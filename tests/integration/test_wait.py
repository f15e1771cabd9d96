"""test_wait.py: wait services, end to end.

The listening socket itself goes to the child; the listener does not watch
it while the child runs; the child gets a blocking socket; a wait service
that exits without consuming its input is paused by the looping guard
(logged `limit=looping`) and retried by itself.
"""
import os
import re
import socket
import time

from harness import Hinetd, Runner, recv_all

# Answers datagrams on fd 0 (recvfrom/sendto) until idle for IDLE seconds.
UDP_SERVER = r"""#!/usr/bin/python3
import fcntl, os, select, socket, sys
IDLE = float(sys.argv[1])
s = socket.socket(fileno=0)
nb = fcntl.fcntl(0, fcntl.F_GETFL) & os.O_NONBLOCK
while True:
    data, addr = s.recvfrom(65536)
    s.sendto(b"pid=%d nonblock=%d got=%s" % (os.getpid(), nb and 1, data), addr)
    if IDLE <= 0 or not select.select([s], [], [], IDLE)[0]:
        break
"""

# Accepts on fd 0 until no client comes for a second.
TCP_SERVER = r"""#!/usr/bin/python3
import fcntl, os, select, socket
s = socket.socket(fileno=0)
nb = fcntl.fcntl(0, fcntl.F_GETFL) & os.O_NONBLOCK
while select.select([s], [], [], 1.0)[0]:
    c, addr = s.accept()
    c.sendall(b"pid=%d nonblock=%d peer=%s\n" % (os.getpid(), nb and 1, addr[0].encode()))
    c.close()
"""

LOOP_SPAWNS_MAX = 256           # listener/limits.h
LOOP_PAUSE_MIN_S = 10


def script(h, name, text):
    path = h.write(name, text)
    os.chmod(path, 0o755)
    return path


def udp_ask(port, data, timeout=5.0):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    s.bind(("127.0.0.1", 0))
    s.sendto(data, ("127.0.0.1", port))
    try:
        return s.recvfrom(65536)[0], s.getsockname()[1]
    finally:
        s.close()


def tcp_read(port, timeout=5.0):
    return recv_all(socket.create_connection(("127.0.0.1", port),
                                             timeout=timeout))


def field(text, name):
    return re.search(rb"%s=(\S+)" % name.encode(), text).group(1).decode()


def test_udp_wait_one_datagram_per_child():
    h = Hinetd()
    srv = script(h, "udp_server.py", UDP_SERVER)
    h.write("inetd.conf", "7100 dgram udp wait nobody %s udp_server 0\n" % srv)
    with h:
        pids = set()
        for i in range(5):
            reply, myport = udp_ask(7100, b"n%d" % i)
            assert field(reply, "got") == "n%d" % i, reply
            assert field(reply, "nonblock") == "0", reply   # a blocking socket
            pids.add(field(reply, "pid"))
            # The spawn line names the client whose datagram woke it.
            h.wait_log(r"service=7100 proto=udp peer=127\.0\.0\.1:%d action=spawn" % myport)
            h.wait_log(r"service=7100 .*action=exit pid=\d+ status=0", count=i + 1)
        assert len(pids) == 5, pids
        assert "limit=" not in h.log()


def test_udp_wait_child_serves_many():
    h = Hinetd()
    srv = script(h, "udp_server.py", UDP_SERVER)
    h.write("inetd.conf", "7101 dgram udp wait nobody %s udp_server 1.0\n" % srv)
    with h:
        pids = set()
        for i in range(5):
            reply, _ = udp_ask(7101, b"m%d" % i)
            assert field(reply, "got") == "m%d" % i
            pids.add(field(reply, "pid"))
        # One child read them all from the shared socket.
        assert len(pids) == 1, pids
        h.wait_log(r"service=7101 .*action=exit pid=%s status=0" % pids.pop(), timeout=5)
        # Not watched while it ran: one wake-up, one spawn.
        assert len(re.findall(r"service=7101 .*action=spawn", h.log())) == 1, h.log()
        # After its exit the socket is watched again.
        reply, _ = udp_ask(7101, b"again")
        assert field(reply, "got") == "again"
        h.wait_log(r"service=7101 .*action=spawn", count=2)


def test_stream_wait_child_accepts():
    h = Hinetd()
    srv = script(h, "tcp_server.py", TCP_SERVER)
    h.write("inetd.conf", "7102 stream tcp wait nobody %s tcp_server\n" % srv)
    with h:
        pids = set()
        for _ in range(4):
            out = tcp_read(7102)
            assert field(out, "nonblock") == "0", out
            assert field(out, "peer") == "127.0.0.1", out
            pids.add(field(out, "pid"))
        assert len(pids) == 1, pids
        h.wait_log(r"service=7102 proto=tcp peer=- action=spawn pid=\d+")
        h.wait_log(r"service=7102 .*action=exit pid=\d+ status=0", timeout=5)
        assert len(re.findall(r"service=7102 .*action=spawn", h.log())) == 1
        # A later client wakes a new child.
        out = tcp_read(7102)
        assert field(out, "pid") not in pids
        h.wait_log(r"service=7102 .*action=spawn", count=2)


def count(h, pattern):
    return len(re.findall(pattern, h.log()))


def test_looping_udp_wait_paused_then_retried():
    h = Hinetd()
    srv = script(h, "udp_server.py", UDP_SERVER)
    # /bin/true exits without reading: the datagram stays queued.
    h.write("inetd.conf", "7103 dgram udp wait nobody /bin/true true\n"
            "7104 dgram udp wait nobody %s udp_server 0\n" % srv)
    with h:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(b"never read", ("127.0.0.1", 7103))
        h.wait_log(r"service=7103 proto=udp peer=127\.0\.0\.1:\d+ action=limit "
                   r"limit=looping spawns=%d window=60s pause=%ds"
                   % (LOOP_SPAWNS_MAX, LOOP_PAUSE_MIN_S), timeout=30)
        t_trip = time.time()
        # Exactly at its bound: that many starts, then the pause.
        h.wait_log(r"service=7103 .*action=exit", count=LOOP_SPAWNS_MAX)
        assert count(h, r"service=7103 .*action=spawn") == LOOP_SPAWNS_MAX
        assert count(h, r"service=7103 .*action=allow") == LOOP_SPAWNS_MAX
        # No spin while paused; other services are served.
        reply, _ = udp_ask(7104, b"meanwhile")
        assert field(reply, "got") == "meanwhile"
        time.sleep(2)
        assert count(h, r"service=7103 .*action=spawn") == LOOP_SPAWNS_MAX
        # The pause ends by itself and the service is tried again.
        h.wait_log(r"service=7103 proto=udp limit=looping: pause over", timeout=LOOP_PAUSE_MIN_S + 5)
        assert time.time() - t_trip >= LOOP_PAUSE_MIN_S - 3
        h.wait_log(r"service=7103 .*action=spawn", count=LOOP_SPAWNS_MAX + 1)
        # Still looping: tripped again, and this pause is longer.
        h.wait_log(r"service=7103 .*limit=looping .*pause=%ds" % (2 * LOOP_PAUSE_MIN_S), timeout=30)
        s.close()


def test_looping_stream_wait_and_exec_failure():
    # A stream wait service that never accepts, and one that cannot run:
    # both would spin without the guard.
    h = Hinetd("7105 stream tcp wait nobody /bin/true true\n"
               "7106 dgram udp wait nobody /nonexistent/server server\n")
    with h:
        c = socket.create_connection(("127.0.0.1", 7105))
        h.wait_log(r"service=7105 proto=tcp peer=- action=limit limit=looping", timeout=30)
        assert count(h, r"service=7105 .*action=allow") == LOOP_SPAWNS_MAX
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(b"x", ("127.0.0.1", 7106))
        h.wait_log(r"service=7106 proto=udp peer=127\.0\.0\.1:\d+ action=limit limit=looping",
                   timeout=30)
        assert count(h, r"service=7106 .*action=allow") == LOOP_SPAWNS_MAX
        # Every failed start released its count (no limit=instances).
        assert count(h, r"service=7106 .*action=error .*errno=ENOENT") >= LOOP_SPAWNS_MAX - 5
        assert "limit=instances" not in h.log()
        c.close()
        s.close()


def test_wait_child_outlives_listener_and_reload():
    import signal
    h = Hinetd()
    srv = script(h, "udp_server.py", UDP_SERVER)
    # The child answers, then lingers 2 s waiting for more.
    h.write("inetd.conf", "7102 dgram udp wait nobody %s udp_server 2.0\n" % srv)
    with h:
        reply, _ = udp_ask(7102, b"first")
        first = field(reply, "pid")
        # The listener dies while the child runs; the new one must not
        # start a second child on the same socket, nor be called hostile.
        os.kill(h.listener_pid(), signal.SIGKILL)
        h.wait_log(r"ready: ", count=2, timeout=10)
        reply, _ = udp_ask(7102, b"second")
        assert field(reply, "pid") == first, reply
        h.proc.send_signal(signal.SIGHUP)       # and a reload meanwhile
        h.wait_log(r"reloaded: ")
        h.wait_log(r"service=7102 .*action=exit pid=%s status=0" % first, timeout=10)
        # Once it ended, the next datagram gets a new child.
        reply, _ = udp_ask(7102, b"third")
        assert field(reply, "got") == "third" and field(reply, "pid") != first
        log = h.log()
        assert "rejected" not in log and "bad message" not in log, log
        assert len(re.findall(r"ready: ", log)) == 3


if __name__ == "__main__":
    Runner().run(globals())
