"""test_sandbox.py: the per-service sandbox policy (issue: policy files),
read from the running children, never from the parser: capabilities kept
as ambient, bounding set, umask, supplementary groups, rlimits, nice,
chroot, seccomp errno/kill actions and the strict profile, env/passenv,
and the audit views (-t, -T, -T -j) on the same files.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile

from harness import Hinetd, Runner, TESTBIN, BIN, talk, parse_probe, recv_all

PROBE = os.path.join(TESTBIN, "probe")
PROBE_STATIC = os.path.join(TESTBIN, "probe_static")
HINETD = os.path.join(BIN, "hinetd")
CAP_NET_BIND_SERVICE = 1 << 10


def with_probe(policy_body, port, user="nobody", extra_policy=""):
    h = Hinetd()
    probe = os.path.join(h.dir, "probe")
    shutil.copy(PROBE, probe)
    os.chmod(probe, 0o755)
    h.write(os.path.join("hinetd.d", "probe"),
            "service probe\n{\n\tsocket_type = stream\n\tprotocol = tcp\n"
            "\twait = no\n\tuser = %s\n\tserver = %s\n\tport = %d\n"
            "\ttype = UNLISTED\n%s}\n%s" % (user, probe, port, policy_body, extra_policy))
    return h


def probe_report(policy_body, port, user="nobody"):
    with with_probe(policy_body, port, user) as h:
        return parse_probe(talk(port)), h.log()


def test_capabilities_kept_as_ambient_and_nothing_else():
    rep, _ = probe_report("\tcapabilities = CAP_NET_BIND_SERVICE\n", 7101)
    st = rep["status"]
    for cap in ("CapAmb", "CapEff", "CapPrm", "CapBnd", "CapInh"):
        assert int(st[cap], 16) == CAP_NET_BIND_SERVICE, (cap, st[cap])
    assert st["Uid"].split() == ["65534"] * 4


def test_bounding_set_emptied_beside_a_service_granted_one():
    # privd's threads keep in their bounding set what some service is
    # granted (CAP_NET_BIND_SERVICE here); the child of a service granted
    # nothing drops it: its bounding set is empty.
    h = with_probe("\tcapabilities = CAP_NET_BIND_SERVICE\n", 7122,
                   extra_policy="service probe2\n{\n\tsocket_type = stream\n"
                   "\tprotocol = tcp\n\twait = no\n\tuser = nobody\n"
                   "\tserver = PROBE\n\tport = 7123\n\ttype = UNLISTED\n}\n")
    pol = os.path.join(h.policy_dir, "probe")
    with open(pol) as f:
        text = f.read()
    with open(pol, "w") as f:
        f.write(text.replace("PROBE", os.path.join(h.dir, "probe")))
    with h:
        granted = parse_probe(talk(7122))["status"]
        plain = parse_probe(talk(7123))["status"]
        assert int(granted["CapBnd"], 16) == CAP_NET_BIND_SERVICE, granted["CapBnd"]
        assert int(plain["CapBnd"], 16) == 0, plain["CapBnd"]


def test_root_service_gets_no_capabilities_and_locked_securebits():
    rep, _ = probe_report("", 7102, user="root")
    st = rep["status"]
    assert st["Uid"].split() == ["0"] * 4
    for cap in ("CapAmb", "CapEff", "CapPrm", "CapBnd", "CapInh"):
        assert int(st[cap], 16) == 0, (cap, st[cap])
    # SECBIT_NOROOT, NO_SETUID_FIXUP and KEEP_CAPS off, each locked: exec
    # can never hand uid 0 its capabilities back.
    bits = int(rep["securebits"], 16)
    want = 0x01 | 0x02 | 0x04 | 0x08 | 0x20
    assert bits & want == want, hex(bits)
    assert not bits & 0x10, hex(bits)               # SECBIT_KEEP_CAPS


def test_umask_nice_rlimits():
    rep, _ = probe_report("\tumask = 027\n\tnice = 7\n\trlimit_files = 64\n"
                          "\trlimit_cpu = 30\n", 7103)
    assert rep["status"]["Umask"] == "0027", rep["status"]
    assert rep["nice"] == "7", rep["nice"]
    raw = "\n".join(rep["limit"])
    assert re.search(r"Max open files\s+64\s+64", raw), raw
    assert re.search(r"Max cpu time\s+30\s+30", raw), raw


def test_groups_no_gives_no_supplementary_groups():
    rep, _ = probe_report("\tgroups = no\n", 7104, user="root")
    assert rep["status"]["Groups"] == "", rep["status"]["Groups"]


def test_groups_as_bsd_inetd():
    # USER.GROUP: the gid is GROUP and the supplementary groups are
    # initgroups(USER, GROUP): GROUP and the groups that list USER, never
    # the passwd primary group GROUP replaced.  Without GROUP: the primary
    # group and those that list the user.  With a user and groups of this
    # test's own (its own /etc/passwd and /etc/group, bound over the
    # machine's in this test's mount namespace), and hinetd itself started
    # with supplementary groups (adm, cdrom) that no child may keep.
    etc = tempfile.mkdtemp(prefix="hinetd-etc-")
    os.chmod(etc, 0o755)
    extra = {"passwd": "hinetdt:x:7070:7070::/nonexistent:/usr/sbin/nologin\n",
             "group": "hinetdt:x:7070:\ntgrpa:x:7071:hinetdt\ntgrpb:x:7072:\n"}
    mounted = []
    try:
        for name, lines in extra.items():
            path = os.path.join(etc, name)
            shutil.copy("/etc/" + name, path)
            with open(path, "a") as f:
                f.write(lines)
            os.chmod(path, 0o644)
            subprocess.run(["mount", "--bind", path, "/etc/" + name], check=True)
            mounted.append("/etc/" + name)
        h = Hinetd()
        probe = os.path.join(h.dir, "probe")
        shutil.copy(PROBE, probe)
        os.chmod(probe, 0o755)
        h.write("inetd.conf",
                "7110 stream tcp nowait hinetdt %s probe\n"
                "7111 stream tcp nowait hinetdt.tgrpb %s probe\n"
                "7112 stream tcp nowait nobody.tty %s probe\n" % (probe, probe, probe))
        h.groups = [4, 24]
        with h:
            for port, gid, groups in ((7110, "7070", ["7070", "7071"]),
                                      (7111, "7072", ["7071", "7072"]),
                                      (7112, "5", ["5"])):
                st = parse_probe(talk(port))["status"]
                assert st["Uid"].split()[0] in ("7070", "65534"), st["Uid"]
                assert st["Gid"].split() == [gid] * 4, (port, st["Gid"])
                assert sorted(st["Groups"].split()) == groups, (port, st["Groups"])
    finally:
        for m in mounted:
            subprocess.run(["umount", m], check=True)
        shutil.rmtree(etc, ignore_errors=True)


def test_seccomp_deny_errno_gives_eperm():
    rep, _ = probe_report("\tseccomp_deny = getppid\n", 7105)
    assert rep["getppid"] == "-1 EPERM", rep["getppid"]
    assert rep["status"]["Seccomp"] == "2"


def test_seccomp_kill_is_logged_as_sigsys():
    with with_probe("\tseccomp_deny = getppid\n\tseccomp_action = kill\n", 7106) as h:
        out = talk(7106).decode()
        assert "getppid" not in out, out       # killed at the call
        h.wait_log(r"service=probe proto=tcp peer=127\.0\.0\.1:\d+ action=exit "
                   r"pid=\d+ signal=SIGSYS")


def test_strict_profile_runs_fortune_and_cat():
    h = Hinetd("")
    h.write(os.path.join("hinetd.d", "svc"),
            "defaults\n{\n\tseccomp = strict\n\tseccomp_action = kill\n}\n"
            "service fortune\n{\n\tsocket_type = stream\n\twait = no\n"
            "\tuser = nobody\n\tserver = /usr/games/fortune\n\tport = 7107\n"
            "\ttype = UNLISTED\n}\n"
            "service cat\n{\n\tsocket_type = stream\n\twait = no\n"
            "\tuser = nobody\n\tserver = /bin/cat\n\tport = 7108\n"
            "\ttype = UNLISTED\n}\n")
    with h:
        assert len(talk(7107).strip()) > 0
        assert talk(7108, b"hello strict\n") == b"hello strict\n"
        h.wait_log(r"service=cat .*action=exit pid=\d+ status=0")
        h.wait_log(r"service=fortune .*action=exit pid=\d+ status=0")
        assert "SIGSYS" not in h.log(), h.log()


def test_chroot():
    h = Hinetd("")
    root = os.path.join(h.dir, "jail")
    os.mkdir(root)
    shutil.copy(PROBE_STATIC, os.path.join(root, "probe"))
    os.chmod(os.path.join(root, "probe"), 0o755)
    h.write(os.path.join("hinetd.d", "jailed"),
            "service jailed\n{\n\tsocket_type = stream\n\twait = no\n"
            "\tuser = nobody\n\tserver = /probe\n\tport = 7109\n"
            "\ttype = UNLISTED\n\tchroot = %s\n\tenv = PROBE_LINGER=1\n}\n" % root)
    with h:
        s = socket.create_connection(("127.0.0.1", 7109))
        data = b""
        while not data.endswith(b"end\n"):
            chunk = s.recv(65536)
            assert chunk, data
            data += chunk
        rep = parse_probe(data)
        assert rep["cwd"] == "/", rep["cwd"]
        pid = int(rep["ids"].split()[0].split("=")[1])
        # Seen from outside: the child's root is the jail.
        assert os.readlink("/proc/%d/root" % pid) == root
        s.close()


def test_landlock_paths():
    h = Hinetd("")
    allowed = h.write("allowed.txt", "inside the sandbox\n")
    secret = h.write("secret.txt", "must not be read\n")
    os.chmod(allowed, 0o644)
    os.chmod(secret, 0o644)
    paths = "/lib /usr/lib /lib64 /etc/ld.so.cache %s" % allowed
    for name, port, target in (("reads_allowed", 7113, allowed),
                               ("reads_secret", 7114, secret)):
        h.write(os.path.join("hinetd.d", name),
                "service %s\n{\n\tsocket_type = stream\n\twait = no\n"
                "\tuser = nobody\n\tserver = /bin/cat\n\tserver_args = %s\n"
                "\tport = %d\n\ttype = UNLISTED\n\tlandlock_paths = %s\n}\n"
                % (name, target, port, paths))
    with h:
        assert talk(7113) == b"inside the sandbox\n"
        out = talk(7114)        # stderr is the socket too
        assert b"must not be read" not in out, "read outside landlock_paths"
        assert b"Permission denied" in out, out
        # cat could not open it: EACCES, exit status 1.
        h.wait_log(r"service=reads_secret .*action=exit pid=\d+ status=1")
        h.wait_log(r"service=reads_allowed .*action=exit pid=\d+ status=0")


def test_env_and_passenv():
    rep, _ = probe_report("\tenv = GREETING=hello LANG=C\n", 7110)
    assert rep["env"]["GREETING"] == "hello" and rep["env"]["LANG"] == "C"
    assert rep["env"]["TCPLOCALPORT"] == "7110"


def test_overlay_on_inetd_conf_service():
    h = Hinetd()
    probe = os.path.join(h.dir, "probe")
    shutil.copy(PROBE, probe)
    os.chmod(probe, 0o755)
    h.write("inetd.conf", "7111 stream tcp nowait nobody %s probe\n" % probe)
    h.write(os.path.join("hinetd.d", "overlay"),
            "service 7111\n{\n\tumask = 077\n\tseccomp_deny = getppid\n}\n")
    with h:
        rep = parse_probe(talk(7111))
        assert rep["status"]["Umask"] == "0077", rep["status"]
        assert rep["getppid"] == "-1 EPERM"


def run_hinetd(h, *args):
    return subprocess.run([HINETD] + list(args) + ["-f", h.conf, "-s", h.policy_dir,
                                                   "-A", h.allow, "-D", h.deny],
                          capture_output=True, text=True)


def test_check_and_explain_views():
    h = Hinetd("7112 stream tcp nowait root /bin/cat cat\n")
    h.write(os.path.join("hinetd.d", "o"),
            "service 7112\n{\n\tcapabilities = CAP_NET_BIND_SERVICE\n}\n")
    r = run_hinetd(h, "-t")
    assert r.returncode == 0, r.stderr
    assert "root" in r.stderr and "capabilit" in r.stderr, r.stderr
    r = run_hinetd(h, "-T")
    assert r.returncode == 0 and "7112" in r.stdout, r.stdout
    assert "inetd.conf:1" in r.stdout, r.stdout
    r = run_hinetd(h, "-T", "-j")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert "7112" in json.dumps(doc)
    h.write(os.path.join("hinetd.d", "bad"), "service x\n{\n\tredirect = 1.2.3.4 5\n}\n")
    r = run_hinetd(h, "-t")
    assert r.returncode == 1, r.stderr
    assert re.search(r"hinetd\.d/bad:3: .*redirect", r.stderr), r.stderr


CAP_NET_RAW = 1 << 13


def main_thread_bset(pid):
    with open("/proc/%d/task/%d/status" % (pid, pid)) as f:
        for line in f:
            if line.startswith("CapBnd:"):
                return int(line.split()[1], 16)
    raise AssertionError("no CapBnd")


def test_bounding_set_narrowed_and_reload_grants_more():
    """privd's main thread keeps in its bounding set only what the running
    configuration grants (a child has nothing else to drop), and a reload
    may still grant a capability it has dropped: such a child is cloned
    by the thread that keeps the whole set, with exactly that capability."""
    h = with_probe("\tcapabilities = CAP_NET_BIND_SERVICE\n", 7113)
    with h:
        assert main_thread_bset(h.proc.pid) == CAP_NET_BIND_SERVICE
        st = parse_probe(talk(7113))["status"]
        for cap in ("CapAmb", "CapEff", "CapPrm", "CapBnd", "CapInh"):
            assert int(st[cap], 16) == CAP_NET_BIND_SERVICE, (cap, st[cap])
        policy = os.path.join(h.dir, "hinetd.d", "probe")
        with open(policy) as f:
            text = f.read()
        h.write(os.path.join("hinetd.d", "probe"),
                text.replace("CAP_NET_BIND_SERVICE", "CAP_NET_RAW"))
        h.proc.send_signal(signal.SIGHUP)
        h.wait_log(r"reloaded: ")
        h.wait_log(r"ready: ", count=2)
        st = parse_probe(talk(7113))["status"]
        for cap in ("CapAmb", "CapEff", "CapPrm", "CapBnd", "CapInh"):
            assert int(st[cap], 16) == CAP_NET_RAW, (cap, st[cap])
        assert st["Uid"].split() == ["65534"] * 4
        # Narrowed again to the new configuration: NET_RAW was dropped
        # before, so nothing is left.
        assert main_thread_bset(h.proc.pid) == 0


def filtered_threads(pid):
    """privd's tasks with a seccomp filter in force (its prefilter threads)."""
    n = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
            if re.search(r"^Seccomp:\s+2$", f.read(), re.M):
                n += 1
    return n


def copy_helper(h, name):
    """A test helper copied where the service's user can reach it."""
    path = os.path.join(h.dir, name)
    shutil.copy(os.path.join(TESTBIN, name), path)
    os.chmod(path, 0o755)
    return path


def probe_service(name, port, body, server):
    return ("service %s\n{\n\tsocket_type = stream\n\twait = no\n"
            "\tuser = nobody\n\tserver = %s\n\tport = %d\n"
            "\ttype = UNLISTED\n%s}\n" % (name, server, port, body))


def test_prefilter_threads_one_per_filter_and_reload():
    """privd installs each distinct filter once, on a thread of its own
    that clones that service's children: two services with the same
    filter share a thread, a third filter gets another, the main thread
    holds none, and a reload to seccomp = none stops them all.  The child
    still runs under exactly one filter, the one its policy asked for."""
    h = Hinetd("")
    probe = copy_helper(h, "probe")
    h.write(os.path.join("hinetd.d", "svc"),
            probe_service("plain_a", 7115, "", probe) +
            probe_service("plain_b", 7116, "", probe) +
            probe_service("no_ppid", 7117, "\tseccomp_deny = getppid\n", probe))
    with h:
        assert filtered_threads(h.proc.pid) == 2
        assert main_thread_seccomp(h.proc.pid) == "0"
        for port in (7115, 7116):
            rep = parse_probe(talk(port))
            assert rep["status"]["Seccomp"] == "2", rep["status"]
            assert rep["status"]["Seccomp_filters"] == "1", rep["status"]
            assert rep["status"]["NoNewPrivs"] == "1", rep["status"]
            assert rep["getppid"].endswith(" ok"), rep["getppid"]
            assert int(rep["status"]["CapEff"], 16) == 0
            assert int(rep["status"]["CapBnd"], 16) == 0
            assert rep["status"]["Uid"].split() == ["65534"] * 4
        rep = parse_probe(talk(7117))
        assert rep["getppid"] == "-1 EPERM", rep["getppid"]
        assert rep["status"]["Seccomp_filters"] == "1", rep["status"]
        h.write(os.path.join("hinetd.d", "svc"),
                probe_service("plain_a", 7115, "\tseccomp = none\n", probe))
        h.proc.send_signal(signal.SIGHUP)
        h.wait_log(r"reloaded: ")
        h.wait_log(r"ready: ", count=2)
        assert filtered_threads(h.proc.pid) == 0
        rep = parse_probe(talk(7115))
        assert rep["status"]["Seccomp"] == "0", rep["status"]


def sched_policy(path):
    """The "policy" of a /proc/.../sched file: 0 SCHED_OTHER, 3 SCHED_BATCH."""
    with open(path) as f:
        return int(re.search(r"^policy\s+:\s+(\d+)$", f.read(), re.M).group(1))


def test_sched_batch_only_in_privd_main_thread():
    """privd's main thread runs SCHED_BATCH (docs/performance.md), and
    nothing else inherits it: privd's other threads, the listener, and
    every service, whether a filter thread cloned it or privd itself (a
    service without a filter), and also after a reload has started a new
    filter thread and a new listener, run SCHED_OTHER."""
    h = Hinetd("")
    probe = copy_helper(h, "probe")
    svc = os.path.join("hinetd.d", "svc")
    h.write(svc, probe_service("filtered", 7119, "", probe) +
            probe_service("unfiltered", 7120, "\tseccomp = none\n", probe))
    with h:
        pid = h.proc.pid
        tids = [int(t) for t in os.listdir("/proc/%d/task" % pid)]
        assert len(tids) >= 2, tids
        for tid in tids:
            pol = sched_policy("/proc/%d/task/%d/sched" % (pid, tid))
            assert pol == (3 if tid == pid else 0), (tid, pol)
        assert sched_policy("/proc/%d/sched" % h.listener_pid()) == 0
        for port in (7119, 7120):
            rep = parse_probe(talk(port))
            assert rep.get("sched") == "0", (port, rep.get("sched"))
        assert parse_probe(talk(7120))["status"]["Seccomp"] == "0"
        # A new filter, so a new filter thread, started by the batch thread.
        h.write(svc, probe_service("filtered", 7119, "", probe) +
                probe_service("other", 7121, "\tseccomp_deny = getppid\n",
                              probe))
        h.proc.send_signal(signal.SIGHUP)
        h.wait_log(r"ready: ", count=2)
        assert filtered_threads(pid) == 2
        # This listener was started by the batch thread.
        lst = re.findall(r"ready: .*listener pid (\d+)", h.log())[-1]
        assert sched_policy("/proc/%s/sched" % lst) == 0
        for port in (7119, 7121):
            rep = parse_probe(talk(port))
            assert rep.get("sched") == "0", (port, rep.get("sched"))
            assert rep["status"]["Seccomp"] == "2", rep["status"]
        for tid in os.listdir("/proc/%d/task" % pid):
            pol = sched_policy("/proc/%d/task/%s/sched" % (pid, tid))
            assert pol == (3 if int(tid) == pid else 0), (tid, pol)


def test_prefilter_burst_each_child_gets_its_own_connection():
    """A burst of connections to a service with a filter thread: privd
    reads and checks the next request while the thread clones the last
    one's child, and ends every spawn it began before it sleeps.  Each
    child must get its own connection (its TCPREMOTEPORT is the client's
    port) under the whole sandbox, and every spawn must be logged, reaped
    and released: afterwards the service still serves, and every child's
    exit is logged with status 0."""
    n = 40
    h = Hinetd("")
    probe = copy_helper(h, "probe")
    h.write(os.path.join("hinetd.d", "svc"),
            probe_service("burst", 7118, "\tinstances = 64\n", probe))
    with h:
        assert filtered_threads(h.proc.pid) == 1
        socks = []
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.settimeout(10)
            s.connect(("127.0.0.1", 7118))
            socks.append(s)
        for s in socks:
            port = s.getsockname()[1]
            rep = parse_probe(recv_all(s))
            assert rep["env"].get("TCPREMOTEPORT") == str(port), rep["env"]
            assert rep["status"]["Seccomp"] == "2", rep["status"]
            assert rep["status"]["Seccomp_filters"] == "1", rep["status"]
            assert rep["status"]["NoNewPrivs"] == "1", rep["status"]
            assert rep["status"]["Uid"].split() == ["65534"] * 4
            assert int(rep["status"]["CapEff"], 16) == 0
        h.wait_log(r"service=burst .*action=exit pid=\d+ status=0", count=n)
        log = h.log()
        pids = re.findall(r"service=burst .*action=spawn pid=(\d+)", log)
        assert len(pids) == n and len(set(pids)) == n, log
        assert "action=error" not in log and "action=limit" not in log, log
        rep = parse_probe(talk(7118))
        assert rep["status"]["Seccomp_filters"] == "1", rep["status"]


def test_prefilter_spawn_reported_while_the_child_runs():
    """privd does not wait for a filter thread's clone before it sleeps;
    it must still enter the child soon after, with nothing else to wake
    it: the spawn is logged and the connection's descriptor closed in privd
    while the child still runs (here it waits for its input to end)."""
    h = Hinetd("")
    probe = copy_helper(h, "probe")
    h.write(os.path.join("hinetd.d", "svc"),
            probe_service("linger", 7119, "\tenv = PROBE_LINGER=1\n", probe))
    with h:
        assert filtered_threads(h.proc.pid) == 1
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect(("127.0.0.1", 7119))
        port = s.getsockname()[1]
        h.wait_log(r"service=linger .*:%d action=spawn pid=\d+" % port,
                   timeout=2)
        assert "action=exit" not in h.log()
        text = b""
        while not text.endswith(b"end\n"):
            chunk = s.recv(65536)
            assert chunk, text
            text += chunk
        rep = parse_probe(text)
        assert rep["env"].get("TCPREMOTEPORT") == str(port), rep["env"]
        conn = rep["fd"][0]
        assert conn.startswith("socket:"), rep["fd"]
        # privd holds no copy of the connection any more: only the child.
        held = [os.readlink("/proc/%d/fd/%s" % (h.proc.pid, fd))
                for fd in os.listdir("/proc/%d/fd" % h.proc.pid)]
        assert conn not in held, (conn, held)
        s.shutdown(socket.SHUT_WR)
        recv_all(s)
        h.wait_log(r"service=linger .*action=exit pid=\d+ status=0")


def main_thread_seccomp(pid):
    with open("/proc/%d/task/%d/status" % (pid, pid)) as f:
        return re.search(r"^Seccomp:\s+(\d+)$", f.read(), re.M).group(1)


# Every call privd's child makes between its clone and its execve, denied
# in turn (with the kill action) in the service's own filter.  Where the
# filter would deny one, the filter must be installed last in the child,
# as without a prefilter thread; were it already in force from the clone,
# the child (or, for clone, privd's thread and so privd) would die of
# SIGSYS.  exit0 makes no call of its own but exit_group, so any death is
# the spawn path's.  futex, close and exit are the thread's own calls.  Not here:
# the calls a child makes after its own filter install too (rt_sigprocmask,
# execve; write and exit_group when a step fails), which a filter denies
# to every child alike.
PREFILTER_DRIFT_CALLS = (
    "clone", "setsid", "fcntl", "dup3", "close_range", "chdir", "setgroups",
    "setresgid", "setresuid", "capset", "prctl", "umask",
    "setpriority", "prlimit64", "landlock_restrict_self", "futex", "close",
    "exit",
)


def test_prefilter_never_runs_a_call_its_filter_denies():
    h = Hinetd("")
    exit0 = copy_helper(h, "exit0")
    text = ""
    for i, call in enumerate(PREFILTER_DRIFT_CALLS):
        text += ("service deny_%s\n{\n\tsocket_type = stream\n\twait = no\n"
                 "\tuser = nobody\n\tserver = %s\n\tport = %d\n"
                 "\ttype = UNLISTED\n\tumask = 027\n\tnice = 3\n"
                 "\trlimit_files = 64\n\tlandlock_paths = %s\n"
                 "\tseccomp_deny = %s\n\tseccomp_action = kill\n}\n"
                 % (call, exit0, 7200 + i, exit0, call))
    # And one the proof admits, so that the test sees a thread at all.
    text += ("service deny_getppid\n{\n\tsocket_type = stream\n\twait = no\n"
             "\tuser = nobody\n\tserver = %s\n\tport = 7199\n"
             "\ttype = UNLISTED\n\tumask = 027\n\tnice = 3\n"
             "\trlimit_files = 64\n\tlandlock_paths = %s\n"
             "\tseccomp_deny = getppid\n\tseccomp_action = kill\n}\n"
             % (exit0, exit0))
    h.write(os.path.join("hinetd.d", "drift"), text)
    with h:
        assert filtered_threads(h.proc.pid) == 1
        for i, call in enumerate(PREFILTER_DRIFT_CALLS):
            talk(7200 + i)
            h.wait_log(r"service=deny_%s .*action=exit pid=\d+ status=0" % call)
        talk(7199)
        h.wait_log(r"service=deny_getppid .*action=exit pid=\d+ status=0")
        assert "SIGSYS" not in h.log(), h.log()
        assert h.proc.poll() is None


def test_prefilter_dropped_for_a_hosts_allow_umask_its_filter_denies():
    """A hosts.allow option adds a call to one connection's spawn path
    (umask here); a filter denying it is then installed in the child."""
    h = Hinetd("", allow="probe : ALL : umask 077\n")
    probe = copy_helper(h, "probe")
    h.write(os.path.join("hinetd.d", "probe"),
            probe_service("probe", 7118,
                          "\tseccomp_deny = umask\n\tseccomp_action = kill\n",
                          probe))
    with h:
        assert filtered_threads(h.proc.pid) == 1
        rep = parse_probe(talk(7118))
        assert rep["status"]["Umask"] == "0077", rep["status"]
        assert rep["status"]["Seccomp_filters"] == "1", rep["status"]
        assert "SIGSYS" not in h.log(), h.log()


if __name__ == "__main__":
    Runner().run(globals())
