"""test_core.py: the privilege-separated core, end to end (issue: core).

Runs the real hinetd as root in a private network namespace and checks,
from the running processes themselves, what docs/architecture.md
promises.
"""
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import time

from harness import (Hinetd, Runner, TESTBIN, BIN, HINETD, talk, parse_probe,
                     proc_status, children_of, recv_all)

PROBE = os.path.join(TESTBIN, "probe")
EXPECTED_ENV = {"PATH", "PROTO", "TCPREMOTEIP", "TCPREMOTEPORT", "TCPLOCALIP",
                "TCPLOCALPORT", "REMOTE_ADDR", "REMOTE_PORT"}
ZERO_CAPS = "0000000000000000"


def probe_copy(h):
    """A copy of the probe nobody can execute, in the test's own directory."""
    dst = os.path.join(h.dir, "probe")
    shutil.copy(PROBE, dst)
    os.chmod(dst, 0o755)
    return dst


def probe_service(port, user):
    h = Hinetd()
    h.write("inetd.conf", "%d stream tcp nowait %s %s probe\n" % (port, user, probe_copy(h)))
    return h


def assert_confined(rep, uid):
    """The probe's own report: uid's credentials exactly (its passwd group
    and initgroups' list, nothing of privd's), no capability, no_new_privs,
    seccomp, no signal blocked or ignored."""
    import pwd
    pw = pwd.getpwuid(uid)
    st = rep["status"]
    assert st["Uid"].split() == [str(uid)] * 4, st["Uid"]
    assert st["Gid"].split() == [str(pw.pw_gid)] * 4, st["Gid"]
    assert sorted(int(g) for g in st["Groups"].split()) == \
        sorted(set(os.getgrouplist(pw.pw_name, pw.pw_gid))), st["Groups"]
    for cap in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
        assert st[cap] == ZERO_CAPS, (cap, st[cap])
    assert st["NoNewPrivs"] == "1", st["NoNewPrivs"]
    assert st["Seccomp"] == "2", st["Seccomp"]
    assert st["SigBlk"] == ZERO_CAPS, st["SigBlk"]
    assert st["SigIgn"] == ZERO_CAPS, st["SigIgn"]


def test_fortune_qotd():
    with Hinetd("qotd stream tcp nowait nobody /usr/games/fortune fortune\n") as h:
        out = talk(17)
        assert len(out.strip()) > 0, out
        h.wait_log(r"service=qotd proto=tcp peer=127\.0\.0\.1:\d+ action=exit pid=\d+ status=0")
        assert "action=allow" in h.log() and "action=spawn pid=" in h.log()


def check_child(user, uid):
    h = probe_service(7001, user)
    h.groups = [4, 24]          # privd's own supplementary groups: never a child's
    with h:
        s = socket.create_connection(("127.0.0.1", 7001))
        myport = s.getsockname()[1]
        data = recv_all(s)
        rep = parse_probe(data)
        assert rep.get("end") is not None or "end" in data.decode(), data
        assert_confined(rep, uid)
        # Only 0, 1, 2, all the same connected socket.
        assert sorted(rep["fd"]) == [0, 1, 2], rep["fd"]
        targets = set(rep["fd"].values())
        assert len(targets) == 1 and targets.pop().startswith("socket:["), rep["fd"]
        # The environment, exactly.
        assert set(rep["env"]) == EXPECTED_ENV, sorted(rep["env"])
        env = rep["env"]
        assert env["PATH"] == "/usr/local/bin:/usr/bin:/bin"
        assert env["PROTO"] == "TCP"
        assert env["TCPREMOTEIP"] == env["REMOTE_ADDR"] == "127.0.0.1"
        assert env["TCPREMOTEPORT"] == env["REMOTE_PORT"] == str(myport)
        assert env["TCPLOCALIP"] == "127.0.0.1" and env["TCPLOCALPORT"] == "7001"
        ids = dict(kv.split("=") for kv in rep["ids"].split())
        assert ids["sid"] == ids["pid"], rep["ids"]      # a fresh session
        assert rep["cwd"] == "/", rep["cwd"]


def test_child_confined_as_nobody():
    check_child("nobody", 65534)


def test_child_confined_as_root():
    # uid 0 is not privilege: empty capability sets all the same.
    check_child("root", 0)


def test_live_child_status_from_proc():
    # Read /proc/PID/status of the running child from outside.
    h = Hinetd()
    probe = probe_copy(h)
    h.write("inetd.conf", "7002 stream tcp nowait nobody /usr/bin/sleep sleep 30\n")
    with h:
        s = socket.create_connection(("127.0.0.1", 7002))
        h.wait_log(r"action=spawn pid=(\d+)")
        import re
        pid = int(re.search(r"service=7002 .*action=spawn pid=(\d+)", h.log()).group(1))
        st = proc_status(pid)
        assert st["Uid"].split() == ["65534"] * 4
        for cap in ("CapPrm", "CapEff", "CapBnd", "CapAmb", "CapInh"):
            assert st[cap] == ZERO_CAPS, (cap, st[cap])
        assert st["NoNewPrivs"] == "1" and st["Seccomp"] == "2"
        fds = sorted(int(x) for x in os.listdir("/proc/%d/fd" % pid))
        assert fds == [0, 1, 2], fds
        s.close()
        os.kill(pid, signal.SIGTERM)
        h.wait_log(r"service=7002 .*action=exit pid=%d signal=SIGTERM" % pid)
        del probe


def test_inherited_descriptors_are_closed():
    # A parent's descriptor left open across exec (here a pipe at 200)
    # must not live on in privd, nor reach the listener or a service.
    r, w = os.pipe()
    os.dup2(w, 200)
    os.close(w)
    try:
        with Hinetd("7024 stream tcp nowait nobody /usr/bin/sleep sleep 30\n",
                    pass_fds=(200,)) as h:
            fds = [int(x) for x in os.listdir("/proc/%d/fd" % h.proc.pid)]
            assert 200 not in fds and max(fds) < 64, fds
            lfds = [int(x) for x in os.listdir("/proc/%d/fd" % h.listener_pid())]
            assert 200 not in lfds, lfds
            s = socket.create_connection(("127.0.0.1", 7024))
            h.wait_log(r"service=7024 .*action=spawn pid=(\d+)")
            pid = int(re.search(r"service=7024 .*action=spawn pid=(\d+)",
                                h.log()).group(1))
            assert sorted(int(x) for x in os.listdir("/proc/%d/fd" % pid)) == [0, 1, 2]
            s.close()
            os.kill(pid, signal.SIGTERM)
            h.wait_log(r"service=7024 .*action=exit pid=%d signal=SIGTERM" % pid)
    finally:
        os.close(200)
        os.close(r)


def test_listener_is_confined():
    with Hinetd("7003 stream tcp nowait nobody /bin/true true\n") as h:
        pid = h.listener_pid()
        assert pid, "no listener child"
        st = proc_status(pid)
        # Its own uid: no `hinetd` user here, so the first free uid of the
        # reserved range, never nobody (65534), whom services run as.
        uid = int(st["Uid"].split()[0])
        assert st["Uid"].split() == [str(uid)] * 4, st["Uid"]
        assert 65520 <= uid <= 65533, uid
        import pwd
        try:
            pwd.getpwuid(uid)
            raise AssertionError("listener uid %d has a passwd entry" % uid)
        except KeyError:
            pass
        for cap in ("CapPrm", "CapEff", "CapBnd", "CapAmb", "CapInh"):
            assert st[cap] == ZERO_CAPS, (cap, st[cap])
        assert st["NoNewPrivs"] == "1"
        assert st["Seccomp"] == "2"
        # privd's deny-list plus the listener's own allow-list.
        assert int(st["Seccomp_filters"]) >= 2, st["Seccomp_filters"]
        # Beyond stdio it holds no file open: only sockets (its memfd is closed).
        for fd in os.listdir("/proc/%d/fd" % pid):
            if int(fd) <= 2:
                continue
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            assert target.startswith("socket:") or target.startswith("anon_inode:"), target


def test_no_zombies_after_many_connections():
    with Hinetd("7004 stream tcp nowait nobody /bin/echo echo hi\n") as h:
        for _ in range(150):
            assert talk(7004) == b"hi\n"
        h.wait_log(r"action=exit", count=150, timeout=20)
        time.sleep(0.3)
        lst = h.listener_pid()
        for pid in children_of(h.proc.pid):
            if pid == lst:
                continue
            with open("/proc/%d/stat" % pid) as f:
                assert f.read().rsplit(")", 1)[1].split()[0] != "Z", "zombie %d" % pid


def test_sigterm_pidfile_and_second_instance():
    h = Hinetd("7005 stream tcp nowait nobody /bin/true true\n").start()
    with open(h.pidfile) as f:
        assert int(f.read()) == h.proc.pid
    # A second instance on the same pid file refuses to start.
    other = Hinetd("7006 stream tcp nowait nobody /bin/true true\n")
    other.pidfile = h.pidfile
    other.start(wait_ready=False)
    rc = other.proc.wait(10)
    assert rc == 1, rc
    assert "already running" in other.log(), other.log()
    lst = h.listener_pid()
    assert h.stop() == 0
    assert not os.path.exists(h.pidfile)
    assert not os.path.exists("/proc/%d" % lst) or open("/proc/%d/stat" % lst).read().split()[2] == "Z"


def test_sigint_stops_cleanly():
    h = Hinetd("7007 stream tcp nowait nobody /bin/true true\n").start()
    assert h.stop(signal.SIGINT) == 0
    assert not os.path.exists(h.pidfile)


def test_closed_port_refuses():
    with Hinetd("7008 stream tcp nowait nobody /bin/true true\n"):
        try:
            talk(7009)
        except ConnectionRefusedError:
            return
        raise AssertionError("unconfigured port accepted a connection")


def test_exec_failure_reported_and_service_continues():
    with Hinetd("7010 stream tcp nowait nobody /nonexistent/program prog\n"
                "7011 stream tcp nowait nobody /bin/echo echo ok\n") as h:
        talk(7010)
        h.wait_log(r"service=7010 proto=tcp peer=127\.0\.0\.1:\d+ action=error .*errno=ENOENT")
        talk(7010)
        h.wait_log(r"service=7010 .*errno=ENOENT", count=2)
        assert talk(7011) == b"ok\n"


def test_ipv6_and_dual_stack():
    with Hinetd("[::1]:7012 stream tcp6 nowait nobody /bin/echo echo six\n"
                "7013 stream tcp46 nowait nobody /bin/echo echo both\n") as h:
        assert talk(7012, host="::1", family=socket.AF_INET6) == b"six\n"
        assert talk(7013, host="::1", family=socket.AF_INET6) == b"both\n"
        assert talk(7013) == b"both\n"
        h.wait_log(r"service=7012 proto=tcp6 peer=\[::1\]:\d+ action=spawn")
        h.wait_log(r"service=7013 proto=tcp46 peer=127\.0\.0\.1:\d+ action=spawn")


def test_bad_configuration_exit_1():
    h = Hinetd("7014 stream tcp nowait nobody relative/path prog\n")
    h.start(wait_ready=False)
    assert h.proc.wait(10) == 1
    assert "inetd.conf:1:" in h.log(), h.log()


def test_address_in_use_exit_1():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 7015))
    s.listen()
    h = Hinetd("127.0.0.1:7015 stream tcp nowait nobody /bin/true true\n")
    h.start(wait_ready=False)
    assert h.proc.wait(10) == 1
    assert "cannot bind 127.0.0.1 port 7015" in h.log(), h.log()
    s.close()


def test_usage_exit_2():
    r = subprocess.run([os.path.join(BIN, "hinetd"), "-Z"], capture_output=True)
    assert r.returncode == 2


def test_listener_program_must_be_root_owned_and_not_writable():
    h = Hinetd("7016 stream tcp nowait nobody /bin/true true\n")
    bad = os.path.join(h.dir, "hinetd-listener")
    shutil.copy(os.path.join(BIN, "hinetd-listener"), bad)
    os.chmod(bad, 0o775)
    h.listener = bad
    h.start(wait_ready=False)
    assert h.proc.wait(10) == 1
    assert "refused" in h.log(), h.log()


def test_listener_killed_is_restarted():
    with Hinetd("7017 stream tcp nowait nobody /bin/echo echo back\n") as h:
        first = h.listener_pid()
        os.kill(first, signal.SIGKILL)
        h.wait_log(r"listener killed by SIGKILL")
        h.wait_log(r"ready: ", count=2, timeout=10)
        assert h.listener_pid() != first
        assert talk(7017) == b"back\n"


EVIL = os.path.join(TESTBIN, "evil_listener")


def evil(conf, wait_ready=True):
    """hinetd under the hostile listener; its mode is the first service's port."""
    h = Hinetd()
    probe = probe_copy(h)
    h.write("inetd.conf", conf.replace("PROBE", probe))
    h.listener = EVIL
    return h.start(wait_ready=wait_ready)


def evil_reports(h):
    h.wait_log(r"evil: reports spawned=\d+ failed=\d+", timeout=10)
    m = re.search(r"evil: reports spawned=(\d+) failed=(\d+)", h.log())
    return int(m.group(1)), int(m.group(2))


def bad_lines(log):
    """One line per bad message: framing (privd) or meaning (conn_spawn)."""
    return re.findall(r"bad message from the listener: .*|"
                      r"listener request rejected: .*", log)


def test_hostile_listener_is_contained():
    h = evil("7018 stream tcp nowait nobody PROBE probe\n"
             "7030 dgram udp wait nobody /bin/true true\n")
    h.wait_log(r"evil: waiting-for-client", timeout=10)
    data = talk(7018)
    rep = parse_probe(data)
    # The one valid request ran, under policy, with the name it carried.
    assert_confined(rep, 65534)
    assert rep["env"].get("TCPREMOTEHOST") == "client.example", rep["env"]
    # Nothing else was spawned: privd reported exactly one child.
    spawned, failed = evil_reports(h)
    assert spawned == 1, h.log()
    h.wait_log(r"bad messages .*restarting it", timeout=10)
    log = h.log()
    for why in ("bad version", "wrong size", "type not allowed from the listener",
                "wrong number of descriptors", "socket is listening, not connected",
                "descriptor is not a socket", "socket family differs",
                "no such service (service id 9999,", "stale configuration generation",
                "unterminated string", "a wait service takes no descriptor",
                "not a wait service", "invalid host name"):
        assert why in log, "privd did not reject: %s\n%s" % (why, log)
    # Every semantic refusal was answered, none with a child.
    assert failed == log.count("listener request rejected:"), (failed, log)
    h.wait_log(r"restarting the listener", timeout=10)
    assert h.proc.poll() is None, "privd died"
    h.stop()


def test_hostile_listener_foreign_sockets_and_fields():
    h = evil("7031 stream tcp nowait nobody PROBE probe\n"
             "7039 stream tcp nowait nobody /bin/true true\n")
    h.wait_log(r"evil: waiting-for-client", timeout=10)
    other = socket.create_connection(("127.0.0.1", 7039))
    h.wait_log(r"evil: another-services-connection", timeout=10)
    h.wait_log(r"evil: waiting-for-client", count=2, timeout=10)
    rep = parse_probe(talk(7031))
    other.close()
    assert_confined(rep, 65534)
    spawned, failed = evil_reports(h)
    log = h.log()
    assert spawned == 1, log
    # Eight descriptors: all received (privd has room for as many as a
    # packet can carry, so that none is left to the kernel to close),
    # defused, and refused as too many for the type.
    reasons = ["bad message from the listener: truncated",   # data
               "bad message from the listener: wrong number of descriptors",
               "nonzero padding", "invalid ident answer",
               "host name does not match its state",
               "ident answer does not match its state",
               "no such service (service id 2,",           # the boundary
               "socket's local port differs from the service's",
               "socket's local port differs from the service's",  # 7039's
               "socket type differs from the service's",
               "ready for generation"]
    if "evil: wrong-protocol" in log:
        reasons.append("socket protocol differs from the service's")
    for why in set(reasons):
        assert log.count(why) >= reasons.count(why), \
            "privd did not reject: %s\n%s" % (why, log)
    # Logged once each, and no more than that: fewer than the restart limit.
    assert len(bad_lines(log)) == len(reasons), "\n".join(bad_lines(log))
    assert failed == log.count("listener request rejected:"), (failed, log)
    assert "restarting it" not in log, log
    assert h.proc.poll() is None, "privd died"
    h.stop()


def test_listener_empty_packet_is_bad_and_replaced():
    # recv() of 0 bytes is not always EOF: the listener still runs and
    # holds the sockets, so it must be replaced, not merely ignored.
    h = evil("7032 stream tcp nowait nobody /bin/echo echo hi\n")
    h.wait_log(r"bad message from the listener: empty packet")
    h.wait_log(r"listener sent an empty packet: restarting it")
    h.wait_log(r"listener killed by SIGKILL")
    h.wait_log(r"ready: ", count=2, timeout=10)
    pids = re.findall(r"ready: .* listener pid (\d+)", h.log())
    assert pids[0] != pids[1], pids
    h.stop()


def test_listener_closing_control_socket_is_replaced():
    h = evil("7033 stream tcp nowait nobody /bin/echo echo hi\n")
    h.wait_log(r"evil: holding")
    h.wait_log(r"listener closed its control socket but still runs: restarting it")
    h.wait_log(r"ready: ", count=2, timeout=10)
    h.stop()


def test_listener_burst_then_exit_no_stale_kill():
    # Bad messages still queued when the listener is reaped are logged
    # (one line each) but never make privd signal the reaped pid, nor
    # kill one listener twice.
    h = evil("7034 stream tcp nowait nobody /bin/echo echo hi\n")
    ended = r"listener (exited with status|killed by) "
    h.wait_log(ended, count=2, timeout=15)
    log = h.log()
    deaths = len(re.findall(ended, log))
    kills = len(re.findall(r"restarting it", log))
    assert kills <= deaths, "killed %d times for %d listeners\n%s" % (kills, deaths, log)
    # Each burst is 100 messages, but privd may kill a listener (at 16 bad
    # messages) before it has sent them all: count only what must be there.
    assert log.count("bad message from the listener: type not allowed") >= 16, log
    assert h.proc.poll() is None, "privd died"
    h.stop()


def stop_with_wait_children(h):
    """Stop h after killing every child of privd but its listener (the
    wait service's sleep, a retired hostile listener)."""
    lst = h.listener_pid()
    for pid in children_of(h.proc.pid):
        if pid != lst:
            os.kill(pid, signal.SIGKILL)
    h.stop()


def test_listener_not_reading_reports_is_replaced():
    # Reports are never dropped (they release the listener's counters):
    # queued, and a listener that leaves the queue full is replaced.
    h = evil("7035 dgram udp wait nobody /usr/bin/sleep sleep 10\n")
    try:
        h.wait_log(r"evil: never-reading")
        h.wait_log(r"listener left \d+ reports unread: restarting it", timeout=30)
        h.wait_log(r"restarting the listener in", timeout=10)
        h.wait_log(r"ready: ", count=2, timeout=10)
        assert "report to listener lost" not in h.log()
        assert h.proc.poll() is None, "privd died"
    finally:
        stop_with_wait_children(h)


def test_reload_sends_queued_reports_before_retire():
    # The control socket is full and a few hundred reports wait in privd's
    # queue when SIGHUP comes: every one of them reaches the old listener
    # before IPC_RETIRE (its counters and exit lines depend on them).
    h = evil("7037 dgram udp wait nobody /usr/bin/sleep sleep 30\n")
    try:
        h.wait_log(r"evil: filled", timeout=60)
        lst = int(re.search(r"ready: .*listener pid (\d+)", h.log()).group(1))
        h.proc.send_signal(signal.SIGHUP)
        # privd retires the listener once the new configuration is loaded
        # (milliseconds) and waits up to 1 s for it: read in between.
        h.wait_log(r"reloading configuration", timeout=10)
        time.sleep(0.3)
        os.kill(lst, signal.SIGUSR1)
        h.wait_log(r"evil: retire requests=", timeout=15)
        m = re.search(r"evil: retire requests=(\d+) reports-before=(\d+) "
                      r"after=(\d+) retired=(\d)", h.log())
        n, before, after, retired = map(int, m.groups())
        assert retired == 1, h.log()[-3000:]
        assert before == n, (n, before, after)
        h.wait_log(r"listener pid \d+ retired", timeout=10)
        h.wait_log(r"ready: ", count=2, timeout=10)
        log = h.log()
        assert "reports unread" not in log, log[-3000:]
        assert "report to listener lost" not in log, log[-3000:]
        assert h.proc.poll() is None, "privd died"
    finally:
        stop_with_wait_children(h)


def test_hostile_lingering_descriptors_never_block_privd():
    # Descriptors whose last close would wait for 100000 s: one with a bad
    # service id, eight in one packet, one inside a UNIX socket's queue.
    # privd rejects them all, closes them at once, and goes on: it
    # reloads and stops as asked.
    h = evil("7040 stream tcp nowait nobody /bin/true true\n")
    h.wait_log(r"evil: lingering-sent", timeout=20)
    h.wait_log(r"listener request rejected: no such service", count=2, timeout=5)
    h.wait_log(r"bad message from the listener: wrong number of descriptors",
               timeout=5)
    t0 = time.monotonic()
    h.proc.send_signal(signal.SIGHUP)
    h.wait_log(r"reloaded: ", timeout=5)
    t0 = time.monotonic()
    assert h.stop(timeout=5) == 0
    assert time.monotonic() - t0 < 3


def test_hostile_listener_past_the_limits_and_only_from():
    # privd counts its own children per service and per client, and
    # decides only_from itself: a listener that ignores them gets one
    # child where the limit allows one, and none for a refused client.
    pol = {"limits": "service 7043\n{\n\tper_source = 1\n}\n"
                     "service 7044\n{\n\tonly_from = 10.0.0.0/8\n}\n"}
    h = Hinetd(policy=pol, deny="7050: 127.0.0.1\n7051: bad.example\n")
    h.write("inetd.conf",
            "7041 stream tcp nowait/1 nobody /bin/sleep sleep 5\n"
            "7043 stream tcp nowait nobody /bin/sleep sleep 5\n"
            "7044 stream tcp nowait nobody /bin/echo echo no\n"
            "7050 stream tcp nowait nobody /bin/echo echo no\n"
            "7051 stream tcp nowait nobody /bin/echo echo no\n")
    h.listener = EVIL
    h.start()
    clients = []
    try:
        h.wait_log(r"evil: waiting-for-clients", timeout=10)
        for port, n in ((7041, 5), (7043, 3), (7044, 1), (7050, 1), (7051, 1)):
            for _ in range(n):
                clients.append(socket.create_connection(("127.0.0.1", port)))
        spawned, failed = evil_reports(h)
        log = h.log()
        assert (spawned, failed) == (2, 9), log
        assert log.count("listener request rejected: limit=instances") == 4, log
        assert log.count("listener request rejected: limit=per_source") == 2, log
        assert re.search(r"listener request rejected: listener admitted a "
                         r"client the service's only_from refuses \(\S+:\d+\)",
                         log), log
        # hosts.deny, by address and by the name the listener reported.
        assert log.count("listener request rejected: listener admitted a "
                         "client the access rules deny (%s:1)" % h.deny) == 1, log
        assert log.count("listener request rejected: listener admitted a "
                         "client the access rules deny (%s:2)" % h.deny) == 1, log
    finally:
        for c in clients:
            c.close()
        stop_with_wait_children(h)


def test_reload_ends_spawns_the_retiring_listener_sent():
    # The retiring listener sends a valid request as it is told to retire,
    # and the reload changes the set of seccomp filters: the spawn begun on
    # the old filter thread is ended before that thread is freed (under
    # ASan, a use after free aborted privd here), and the client is served.
    h = evil("7045 stream tcp nowait nobody /bin/echo echo raced\n")
    client = socket.create_connection(("127.0.0.1", 7045))
    client.settimeout(10)
    try:
        h.write("hinetd.d/filter", "service 7045\n{\n\tseccomp_deny += uname\n}\n")
        h.proc.send_signal(signal.SIGHUP)
        h.wait_log(r"evil: request-sent-while-retiring", timeout=10)
        h.wait_log(r"reloaded: ", timeout=10)
        assert recv_all(client) == b"raced\n"
        h.proc.send_signal(signal.SIGHUP)       # and again, with the same set
        h.wait_log(r"reloaded: ", count=2, timeout=10)
        os.unlink(os.path.join(h.dir, "hinetd.d/filter"))
        h.proc.send_signal(signal.SIGHUP)       # and with the first set again
        h.wait_log(r"reloaded: ", count=3, timeout=10)
        assert h.proc.poll() is None, "privd died"
    finally:
        stop_with_wait_children(h)


def test_removed_port_stops_answering_whatever_the_old_listener_does():
    # The retired listener says it retired but keeps accepting on the
    # socket of a service the reload removed: privd shut that socket down,
    # so the port refuses as soon as the reload is done.
    h = evil("7046 stream tcp nowait nobody /bin/echo echo a\n"
             "7047 stream tcp nowait nobody /bin/echo echo b\n")
    try:
        h.write("inetd.conf", "7046 stream tcp nowait nobody /bin/echo echo a\n")
        h.proc.send_signal(signal.SIGHUP)
        h.wait_log(r"evil: retired-but-keeping-sockets", timeout=10)
        h.wait_log(r"reloaded: ", timeout=10)
        try:
            out = talk(7047, timeout=3)
            raise AssertionError("removed port 7047 answered %r" % out)
        except ConnectionRefusedError:
            pass
        h.wait_log(r"evil: kept-socket-is-dead", timeout=5)
    finally:
        stop_with_wait_children(h)


def test_other_users_cannot_bind_the_services_ports():
    # SO_REUSEADDR never on UDP: another user's socket with SO_REUSEADDR
    # cannot share the port (and receive its datagrams); nor a TCP one.
    code = ("import socket,sys\n"
            "for t, p in ((socket.SOCK_DGRAM, 7048), (socket.SOCK_STREAM, 7049)):\n"
            "    s = socket.socket(socket.AF_INET, t)\n"
            "    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
            "    try:\n"
            "        s.bind(('0.0.0.0', p))\n"
            "        print('bound', p)\n"
            "    except OSError as e:\n"
            "        print('refused', p, e.errno)\n")
    with Hinetd("7048 dgram udp wait nobody /bin/true true\n"
                "7049 stream tcp nowait nobody /bin/true true\n"):
        r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534",
                            "--clear-groups", "python3", "-c", code],
                           capture_output=True, text=True, timeout=20)
        assert r.stdout.split("\n")[:2] == ["refused 7048 98", "refused 7049 98"], \
            (r.stdout, r.stderr)


def check(h):
    """hinetd -t on h's files: (exit status, what it printed)."""
    r = subprocess.run(h.args() + ["-t"], capture_output=True, text=True,
                       timeout=20)
    return r.returncode, r.stdout + r.stderr


def test_configuration_root_does_not_control_is_refused():
    # sshd's StrictModes for every file root reads as configuration: the
    # file and every directory above it root's and writable by nobody
    # else (a sticky directory such as /tmp, above these, is allowed).
    import pwd
    nobody = pwd.getpwnam("nobody")
    h = Hinetd("7060 stream tcp nowait nobody /bin/true true\n")
    assert check(h)[0] == 0, check(h)
    # The case from the field: a nobody-owned 0666 file in a 0777
    # directory defining a root service with every guard off.
    open_dir = os.path.join(h.dir, "open")
    os.mkdir(open_dir)
    os.chmod(open_dir, 0o777)
    evil_file = os.path.join(open_dir, "evil")
    with open(evil_file, "w") as f:
        f.write("service evil\n{\n\tport = 7061\n\tsocket_type = stream\n"
                "\twait = no\n\tuser = root\n\tserver = /bin/true\n"
                "\tseccomp = none\n\tno_new_privs = no\n"
                "\tcapabilities = CAP_SYS_ADMIN\n}\n")
    os.chown(evil_file, nobody.pw_uid, nobody.pw_gid)
    os.chmod(evil_file, 0o666)
    h.policy_dir = open_dir
    rc, out = check(h)
    assert rc == 1 and re.search(r"%s: policy directory refused: the directory "
                                 r"is writable by others \(mode 0777\)"
                                 % re.escape(open_dir), out), out
    os.chmod(open_dir, 0o755)
    rc, out = check(h)
    assert rc == 1 and "%s: refused: the file is owned by uid 65534, not by root" \
        % evil_file in out, out
    os.chown(evil_file, 0, 0)
    rc, out = check(h)
    assert rc == 1 and "%s: refused: the file is writable by others (mode 0666)" \
        % evil_file in out, out
    # Started for real: the same refusal, exit 1.
    h.start(wait_ready=False)
    assert h.proc.wait(10) == 1
    assert "refused: the file is writable by others" in h.log(), h.log()
    os.chmod(evil_file, 0o644)
    h.policy_dir = os.path.join(h.dir, "hinetd.d")
    # inetd.conf writable by its group; then in a directory others may
    # write (not sticky).
    os.chmod(h.conf, 0o664)
    rc, out = check(h)
    assert rc == 1 and "refused: the file is writable by its group (mode 0664)" in out, out
    os.chmod(h.conf, 0o644)
    os.chmod(h.dir, 0o757)
    rc, out = check(h)
    assert rc == 1 and "refused: directory %s is writable by others (mode 0757)" \
        % h.dir in out, out
    os.chmod(h.dir, 0o755)
    # hosts.allow a symbolic link to another user's file: the file opened
    # is judged, not the link.
    mine = os.path.join(h.dir, "users-rules")
    with open(mine, "w") as f:
        f.write("ALL: ALL\n")
    os.chown(mine, nobody.pw_uid, nobody.pw_gid)
    os.symlink(mine, h.allow)
    rc, out = check(h)
    assert rc == 1 and "%s: refused: the file is owned by uid 65534" % h.allow in out, out
    os.unlink(h.allow)
    # A list file (/path pattern) of another user's.
    h.write("hosts.allow", "7060: %s\n" % mine)
    rc, out = check(h)
    assert rc == 1 and "%s: refused: the file is owned by uid 65534" % mine in out, out
    os.chown(mine, 0, 0)
    assert check(h)[0] == 0, check(h)


def test_listener_failing_at_start_is_a_startup_error():
    # It exits before READY: exit 1 with its real status, no retry loop.
    h = Hinetd("7036 stream tcp nowait nobody /bin/true true\n")
    h.listener = "/bin/false"
    h.start(wait_ready=False)
    assert h.proc.wait(10) == 1, h.log()
    assert re.search(r"listener \S*false exited with status 1 before it was "
                     r"ready: cannot start", h.log()), h.log()
    assert "status 0" not in h.log(), h.log()
    assert "restarting the listener" not in h.log(), h.log()
    # It cannot even be executed.
    h = Hinetd("7036 stream tcp nowait nobody /bin/true true\n")
    h.listener = h.write("not-a-program", "neither ELF nor #!\n")
    os.chmod(h.listener, 0o755)
    h.start(wait_ready=False)
    assert h.proc.wait(10) == 1, h.log()
    assert re.search(r"cannot start listener .*\(execve\)", h.log()), h.log()
    assert "giving up" in h.log(), h.log()
    assert "status 0" not in h.log(), h.log()


def tcp_listen_socket(port):
    """(inode, backlog length) of the listening TCP socket on port."""
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fld = line.split()
            if fld[3] == "0A" and int(fld[1].split(":")[1], 16) == port:
                return fld[9], int(fld[4].split(":")[1], 16)
    return None, 0


def socket_inodes(pid):
    out = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            t = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if t.startswith("socket:["):
            out.add(t[8:-1])
    return out


def file_mappings(pid):
    """The files mapped into pid's memory."""
    files = set()
    with open("/proc/%d/maps" % pid) as f:
        for line in f:
            fields = line.split(None, 5)
            if len(fields) == 6 and fields[5].startswith("/"):
                files.add(fields[5].strip())
    return files


def test_privd_maps_no_name_service_module():
    # Users, groups and the `user` option are resolved by hinetd-userdb, a
    # helper run around each load: no NSS module ever maps into privd, at
    # start or after a reload, and the answers still reach the services.
    h = Hinetd("7022 stream tcp nowait daemon /usr/bin/id id -u\n",
               allow="ALL: 127.0.0.2 : user nobody\n")
    with h:
        assert talk(7022) == b"1\n"
        assert talk(7022, source="127.0.0.2") == b"65534\n"
        h.write("inetd.conf", "7022 stream tcp nowait nobody.daemon /usr/bin/id id -g\n")
        h.proc.send_signal(signal.SIGHUP)
        h.wait_log(r"ready: ", count=2)
        assert talk(7022) == b"1\n"
        maps = file_mappings(h.proc.pid)
        assert not [m for m in maps if "libnss_" in m], maps
        with open(HINETD, "rb") as f:
            static = b"/ld-linux" not in f.read(4096)
        if static:
            # static-pie (the default build): nothing but hinetd itself.
            assert maps == {os.path.realpath(HINETD)}, maps
        # Every helper was reaped (the retired listener may still be there).
        helpers = []
        for pid in children_of(h.proc.pid):
            try:
                with open("/proc/%d/comm" % pid) as f:
                    if f.read().strip() == "hinetd-userdb":
                        helpers.append(pid)
            except FileNotFoundError:
                pass
        assert helpers == [], helpers


def test_missing_lookup_helper_is_a_startup_error():
    # hinetd alone, without hinetd-userdb beside it, nor installed: an
    # installed libexec directory is hidden under an empty tmpfs (this
    # test's mount namespace is private).
    h = Hinetd("7023 stream tcp nowait nobody /bin/true true\n")
    lone = os.path.join(h.dir, "bin")
    os.mkdir(lone)
    shutil.copy(HINETD, os.path.join(lone, "hinetd"))
    h.listener = os.path.join(BIN, "hinetd-listener")
    libexec = os.environ.get("HINETD_LIBEXECDIR", "")
    hidden = os.path.isdir(libexec)
    if hidden:
        subprocess.run(["mount", "-t", "tmpfs", "tmpfs", libexec], check=True)
    try:
        r = subprocess.run([os.path.join(lone, "hinetd")] + h.args()[1:],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=10)
    finally:
        if hidden:
            subprocess.run(["umount", libexec], check=True)
    assert r.returncode == 1, r.stdout
    assert b"look-up helper" in r.stdout and b"hinetd-userdb" in r.stdout, r.stdout


def test_reload_keeps_sockets_and_swaps_services():
    h = Hinetd("7019 stream tcp nowait nobody /bin/echo echo one\n"
               "7020 stream tcp nowait nobody /bin/echo echo gone\n")
    with h:
        assert talk(7019) == b"one\n"
        inode, _ = tcp_listen_socket(7019)
        assert inode in socket_inodes(h.proc.pid), inode
        # A client the kernel has queued but nobody has accepted yet.
        os.kill(h.listener_pid(), signal.SIGSTOP)
        queued = socket.create_connection(("127.0.0.1", 7019), timeout=10)
        assert tcp_listen_socket(7019)[1] == 1, "not in the backlog"
        h.write("inetd.conf", "7019 stream tcp nowait nobody /bin/echo echo two\n"
                "7021 stream tcp nowait nobody /bin/echo echo new\n")
        h.proc.send_signal(signal.SIGHUP)
        h.wait_log(r"reloaded: 2 services")
        h.wait_log(r"ready: ", count=2)
        # It survived the reload, on the very same socket, and is served.
        out = b""
        while True:
            c = queued.recv(100)
            if not c:
                break
            out += c
        queued.close()
        assert out == b"two\n", out
        assert tcp_listen_socket(7019)[0] == inode
        assert inode in socket_inodes(h.proc.pid)
        assert talk(7019) == b"two\n"
        assert talk(7021) == b"new\n"
        try:
            talk(7020)
            raise AssertionError("removed service still answers")
        except ConnectionRefusedError:
            pass
        # A broken configuration is refused whole; the old one keeps running.
        h.write("inetd.conf", "7019 stream tcp nowait nobody relative prog\n")
        h.proc.send_signal(signal.SIGHUP)
        h.wait_log(r"reload refused")
        assert talk(7019) == b"two\n"
        assert talk(7021) == b"new\n"


def test_bundled_demo_configuration():
    # The README's first command runs exactly these files.
    demo = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "demo")
    h = Hinetd()
    h.conf = os.path.join(demo, "inetd.conf")
    h.policy_dir = os.path.join(demo, "hinetd.d")
    h.allow = os.path.join(demo, "hosts.allow")
    h.deny = os.path.join(demo, "hosts.deny")
    with h:
        assert len(talk(10017).strip()) > 0
        assert talk(10013).endswith(b"\r\n")
        assert talk(10007, b"hello demo\n") == b"hello demo\n"
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(5)
        s.bind(("127.0.0.1", 0))
        s.sendto(b"udp demo", ("127.0.0.1", 10007))
        assert s.recvfrom(100)[0] == b"udp demo"
        s.close()


if __name__ == "__main__":
    Runner().run(globals())
