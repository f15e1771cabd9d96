"""test_lifecycle.py: hinetd as a service manager runs it.

Detaching and serving, syslog (and the syslog daemon going away and coming
back), the sd_notify protocol, the listener's replacement when it dies or
stops answering, its identity of its own, Landlock's signal scoping of
every service, and daytime in the host's local time.  Every test runs in
both harness modes (HINETD_TEST_MODE: debug and syslog); the few that are
about syslog itself say so and pass trivially under -d.
"""
import calendar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time

from harness import Hinetd, Runner, MODE, talk, children_of, proc_status

CONF = ("daytime stream tcp nowait root internal\n"
        "7111 stream tcp nowait nobody /bin/echo echo hello\n")


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_daemon_mode_serves():
    with Hinetd(CONF) as h:
        first = h.listener_pid()
        assert talk(13).endswith(b"\r\n")
        assert talk(7111) == b"hello\n"
        h.wait_log(r"service=daytime proto=tcp peer=127\.0\.0\.1:\d+ action=allow")
        h.wait_log(r"service=7111 proto=tcp peer=127\.0\.0\.1:\d+ action=exit "
                   r"pid=\d+ status=0")
        for _ in range(20):
            assert talk(13).endswith(b"\r\n")
        # The same listener served them all: nothing killed it.
        assert h.listener_pid() == first
        assert "SIGSYS" not in h.log() and "listener killed" not in h.log(), h.log()
        if MODE == "syslog":
            # Detached: not a child of ours by birth; its lines came by
            # syslog, facility daemon (3).
            pri = [int(re.match(r"<(\d+)>", r).group(1)) for r in h.sink.raw]
            assert pri and all(p >> 3 == 3 for p in pri), h.sink.raw[:5]
            assert any("hinetd-listener[" in r for r in h.sink.raw)
            assert os.getsid(h.proc.pid) == h.proc.pid   # its own session


def test_syslog_daemon_restart_reconnects():
    # The syslog daemon stops and comes back: privd and the listener
    # reconnect on their next line (syslog(3) inside the listener's
    # sandbox), nobody dies.
    if MODE != "syslog":
        return
    with Hinetd(CONF) as h:
        first = h.listener_pid()
        talk(13)
        h.wait_log(r"service=daytime .*action=allow", count=1)
        h.sink.stop()
        talk(13)                         # its line is lost: nobody listens
        assert talk(7111) == b"hello\n"
        time.sleep(0.2)
        h.sink.start()
        talk(13)
        h.wait_log(r"service=daytime .*action=allow", count=2)
        assert talk(7111) == b"hello\n"
        h.wait_log(r"service=7111 .*action=exit pid=\d+ status=0", count=1)
        assert h.listener_pid() == first and alive(first)
        # privd's own socket too: a reload is logged by privd.
        h.proc.send_signal(signal.SIGHUP)
        h.wait_log(r"hinetd\[%d\]: reloaded: " % h.proc.pid)
        assert "listener killed" not in h.log(), h.log()


def recv_notify(sock, want, timeout=10.0):
    """Messages until one holding `want`; returns them all."""
    got = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        sock.settimeout(max(0.01, deadline - time.time()))
        try:
            msg = sock.recv(4096).decode()
        except socket.timeout:
            break
        got.append(msg)
        if want in msg.split("\n"):
            return got
    raise AssertionError("no %s in %r" % (want, got))


def test_notify_protocol():
    # As systemd runs it (Type=notify): NOTIFY_SOCKET set, no -d.  It stays
    # in the foreground and says READY=1, RELOADING=1 then READY=1 again,
    # STOPPING=1, with services answering in between.
    h = Hinetd(CONF, mode="syslog")
    path = os.path.join(h.dir, "notify")
    ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    ns.bind(path)
    h.env = {"NOTIFY_SOCKET": path}
    h.start(wait_ready=False)
    try:
        recv_notify(ns, "READY=1")
        assert h.proc.poll() is None, "hinetd left the foreground"
        assert talk(7111) == b"hello\n"
        h.proc.send_signal(signal.SIGHUP)
        got = recv_notify(ns, "RELOADING=1")
        assert re.search(r"MONOTONIC_USEC=\d+", got[-1]), got
        recv_notify(ns, "READY=1")
        assert talk(7111) == b"hello\n" and talk(13).endswith(b"\r\n")
        h.proc.send_signal(signal.SIGTERM)
        recv_notify(ns, "STOPPING=1")
        assert h.proc.wait(10) == 0
    finally:
        ns.close()


def client_loop(port, stop, out):
    """Connect again and again until stop is set: (start, end, ok) each."""
    while not stop.is_set():
        t0 = time.monotonic()
        try:
            ok = talk(port, timeout=5).endswith(b"\r\n")
        except OSError:
            ok = False
        out.append((t0, time.monotonic(), ok))


def test_listener_death_restarts_at_once_then_backs_off():
    with Hinetd(CONF) as h:
        first = h.listener_pid()
        stop, results = threading.Event(), []
        t = threading.Thread(target=client_loop, args=(13, stop, results))
        t.start()
        try:
            time.sleep(0.5)
            t_kill = time.monotonic()
            os.kill(first, signal.SIGKILL)
            h.wait_log(r"listener killed by SIGKILL")
            h.wait_log(r"ready: ", count=2)
            time.sleep(0.5)
        finally:
            stop.set()
            t.join()
        assert "restarting the listener now" in h.log(), h.log()
        after = [r for r in results if r[1] > t_kill]
        failed = [r for r in after if not r[2]]
        # Only a connection the dying listener had already accepted may
        # fail; every one waiting in the kernel's queue is served.
        assert len(failed) <= 1, (len(failed), len(after))
        served = [r for r in after if r[2] and r[0] >= t_kill]
        assert served, results[-5:]
        gap = min(r[1] for r in served) - t_kill
        print("listener killed -> next connection served: %.1f ms "
              "(%d connections before, %d after, %d failed)" %
              (gap * 1000, len(results) - len(after), len(after), len(failed)))
        assert gap < 1.0, gap
        # Dying again soon after its start is a crash loop: back-off.
        second = h.listener_pid()
        os.kill(second, signal.SIGKILL)
        h.wait_log(r"restarting the listener in 1 s")
        h.wait_log(r"ready: ", count=3, timeout=10)
        os.kill(h.listener_pid(), signal.SIGKILL)
        h.wait_log(r"restarting the listener in 2 s")
        # SIGTERM in the middle of a back-off: stopped within a second.
        t0 = time.monotonic()
        assert h.stop() == 0
        assert time.monotonic() - t0 < 1.0, time.monotonic() - t0


def test_stopped_listener_is_replaced():
    with Hinetd(CONF) as h:
        first = h.listener_pid()
        os.kill(first, signal.SIGSTOP)
        t0 = time.monotonic()
        h.wait_log(r"listener pid %d has not answered for \d+ s" % first, timeout=15)
        took = time.monotonic() - t0
        assert took <= 10.5, took
        h.wait_log(r"ready: ", count=2, timeout=5)
        assert h.listener_pid() != first and not alive(first)
        assert talk(13).endswith(b"\r\n") and talk(7111) == b"hello\n"
        print("stopped listener replaced after %.1f s" % took)


def listener_uid(h):
    return int(proc_status(h.listener_pid())["Uid"].split()[0])


def test_listener_identity():
    conf = "7115 stream tcp nowait nobody /bin/true true\n"
    with Hinetd(conf) as h:
        uid = listener_uid(h)
        assert uid != 65534 and 65520 <= uid <= 65533, uid
        h.wait_log(r"listener runs as uid %d gid %d" % (uid, uid))
        r = subprocess.run(h.args() + ["-T"], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert "# listener: uid %d gid %d (reserved, no passwd entry)" % (uid, uid) \
            in r.stdout, r.stdout
        r = subprocess.run(h.args() + ["-T", "-j"], capture_output=True, text=True)
        doc = json.loads(r.stdout)
        assert doc["listener"] == {"uid": uid, "gid": uid, "user": None}, doc["listener"]
    # A service as the listener's user: an error naming file and line.
    h = Hinetd(conf, user="nobody")
    r = subprocess.run(h.args() + ["-t"], capture_output=True, text=True)
    assert r.returncode == 1, r.stderr
    assert re.search(r"inetd\.conf:1: service 7115: user nobody is the listener's",
                     r.stderr), r.stderr
    h.start(wait_ready=False)
    assert h.proc.wait(10) == 1
    assert "user nobody is the listener's" in h.log(), h.log()


KILLER = """#!/bin/sh
for p in $(cat %s); do
    if kill -TERM "$p" 2>/dev/null; then echo "$p signalled"; else echo "$p refused"; fi
done
"""


def test_services_cannot_signal_hinetd():
    # A service as root (privd's uid) and one as nobody (the uid the
    # listener had before it got its own) try to stop privd, the listener
    # and another service's process of the same uid: each is refused
    # (Landlock's signal scope), and hinetd goes on serving.
    h = Hinetd()
    pids = h.write("pids", "")
    killer = h.write("killer.sh", KILLER % pids)
    os.chmod(killer, 0o755)
    h.write("inetd.conf",
            "daytime stream tcp nowait root internal\n"
            "7116 stream tcp nowait root %s killer\n"
            "7117 stream tcp nowait nobody %s killer\n"
            "7118 stream tcp nowait nobody /bin/sleep sleep 20\n" % (killer, killer))
    with h:
        listener = h.listener_pid()
        sleeper_conn = socket.create_connection(("127.0.0.1", 7118))
        h.wait_log(r"service=7118 .*action=spawn pid=(\d+)")
        sleeper = int(re.search(r"service=7118 .*action=spawn pid=(\d+)",
                                h.log()).group(1))
        targets = [h.proc.pid, listener, sleeper]
        with open(pids, "w") as f:
            f.write(" ".join(str(p) for p in targets) + "\n")
        for port in (7116, 7117):
            out = talk(port).decode()
            assert out.split("\n")[:-1] == ["%d refused" % p for p in targets], (port, out)
            h.wait_log(r"service=%d .*action=exit pid=\d+ status=0" % port)
        assert h.proc.poll() is None and alive(listener) and alive(sleeper)
        assert h.listener_pid() == listener
        assert talk(13).endswith(b"\r\n")
        sleeper_conn.close()


def daytime_parts(text):
    text = text.decode()
    assert text.endswith("\r\n"), repr(text)
    body, _, zone = text[:-2].rpartition(" ")
    return calendar.timegm(time.strptime(body, "%a %b %d %H:%M:%S %Y")), zone


def test_daytime_in_local_time():
    # TZ given to hinetd: a zone five and a half hours east of UTC.
    with Hinetd(CONF, env={"TZ": "XYZ-5:30"}):
        wall, zone = daytime_parts(talk(13))
        assert zone == "XYZ", zone
        assert abs(wall - 19800 - time.time()) < 5, wall - time.time()
    # /etc/localtime, read again by the listener of a reload.
    tokyo = "/usr/share/zoneinfo/Asia/Tokyo"
    ny = "/usr/share/zoneinfo/America/New_York"
    if not (os.path.exists(tokyo) and os.path.exists(ny) and
            os.path.exists("/etc/localtime")):
        print("note: no tzdata here: /etc/localtime part not run")
        return
    h = Hinetd(CONF)
    zone_file = os.path.join(h.dir, "localtime")
    shutil.copy(tokyo, zone_file)
    subprocess.run(["mount", "--bind", zone_file, "/etc/localtime"], check=True)
    env_tz = os.environ.pop("TZ", None)
    try:
        with h:
            wall, zone = daytime_parts(talk(13))
            assert zone == "JST", zone
            assert abs(wall - 9 * 3600 - time.time()) < 5
            # Rewritten in place (the daemon's mount namespace sees it).
            with open(ny, "rb") as src, open(zone_file, "wb") as dst:
                dst.write(src.read())
            h.proc.send_signal(signal.SIGHUP)
            h.wait_log(r"ready: ", count=2)
            wall, zone = daytime_parts(talk(13))
            assert zone in ("EST", "EDT"), zone
            off = 4 * 3600 if zone == "EDT" else 5 * 3600
            assert abs(wall + off - time.time()) < 5
    finally:
        subprocess.run(["umount", "/etc/localtime"], check=True)
        if env_tz is not None:
            os.environ["TZ"] = env_tz


if __name__ == "__main__":
    Runner().run(globals())
