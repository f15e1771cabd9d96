"""harness.py: start the real hinetd in this private network namespace.

Every integration test runs as root under `unshare --net --mount` (see
integration.cmake), brings up its own loopback, writes temporary
configuration files, starts hinetd on them, talks to it over real sockets
and stops it by pid.  Nothing here touches the machine's own
configuration, network or resolver.

Two modes, chosen by HINETD_TEST_MODE, run the same tests:

  debug   `hinetd -d`: foreground, log lines on standard error.
  syslog  hinetd as deployed: no -d, so it detaches (the harness is the
          subreaper that reaps it) and logs with syslog(3) to /dev/log.
          /dev here is a tmpfs holding the machine's devices and a /dev/log
          that leads into a directory each daemon's own mount namespace
          binds over, so every daemon has a syslog socket of its own,
          drained by the harness (SyslogSink).

Either way the daemon's log lines end up in one file, in the form
"PROGRAM[PID]: MESSAGE", read by Hinetd.log() and wait_log().
"""
import ctypes
import errno
import os
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

BIN = os.environ.get("HINETD_BIN", os.path.join(os.path.dirname(__file__), "../../build/bin"))
TESTBIN = os.environ.get("HINETD_TESTBIN", os.path.join(BIN, "..", "tests"))
HINETD = os.path.join(BIN, "hinetd")
SKIP = 77
MODE = os.environ.get("HINETD_TEST_MODE", "debug")
if MODE not in ("debug", "syslog"):
    raise SystemExit("HINETD_TEST_MODE must be debug or syslog, not %r" % MODE)

_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNS = 0x00020000
MS_BIND, MS_REC, MS_PRIVATE = 0x1000, 0x4000, 0x40000
PR_SET_CHILD_SUBREAPER = 36
DEVLOG_DIR = "/dev/.hinetd-log"      # /dev/log -> .hinetd-log/log


def _check(rc, what):
    if rc != 0:
        e = ctypes.get_errno()
        raise OSError(e, "%s: %s" % (what, os.strerror(e)))


def mount(src, target, fstype=None, flags=0, data=None):
    _check(_libc.mount(src and src.encode(), target.encode(),
                       fstype and fstype.encode(), ctypes.c_ulong(flags),
                       data and data.encode()), "mount %s" % target)


def _private_dev():
    """A /dev of this namespace's own: the machine's device nodes and
    directories bound in, and /dev/log a symbolic link into DEVLOG_DIR."""
    old = os.open("/dev", os.O_PATH | os.O_DIRECTORY)
    names = os.listdir("/dev")
    mount("tmpfs", "/dev", "tmpfs", 0, "mode=755")
    for name in names:
        if name in ("log", os.path.basename(DEVLOG_DIR)):
            continue
        src = "/proc/self/fd/%d/%s" % (old, name)
        dst = os.path.join("/dev", name)
        if os.path.islink(src):
            os.symlink(os.readlink(src), dst)
        elif os.path.isdir(src):
            os.mkdir(dst)
            mount(src, dst, None, MS_BIND | MS_REC)
        else:
            open(dst, "w").close()
            mount(src, dst, None, MS_BIND)
    os.close(old)
    os.mkdir(DEVLOG_DIR)
    os.symlink(os.path.basename(DEVLOG_DIR) + "/log", "/dev/log")
    # As on a host whose systemd set it (sysctl.d/50-default.conf): a
    # syslog(3) caller waits only when 512 lines are queued, not 10.
    with open("/proc/sys/net/unix/max_dgram_qlen", "w") as f:
        f.write("512\n")


class SyslogSink:
    """A syslog daemon for one hinetd: a datagram socket at DIR/log, read
    by a thread; each message goes to the log file as "PROG[PID]: MSG"
    and, whole with its priority, to .raw."""

    LINE = re.compile(r"^<(\d+)>(?:[A-Z][a-z][a-z] [ \d]\d \d\d:\d\d:\d\d )?(.*)$", re.S)

    def __init__(self, directory, out_path):
        self.dir = directory
        self.path = os.path.join(directory, "log")
        self.out_path = out_path
        self.raw = []
        self.lock = threading.Lock()
        self.sock = None
        self.thread = None
        self.running = False

    def start(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        os.chmod(self.path, 0o666)
        self.sock.setblocking(False)
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            select.select([self.sock], [], [], 0.05)
            self.drain()

    def drain(self):
        with self.lock:
            if self.sock is None:
                return
            lines = []
            while True:
                try:
                    data = self.sock.recv(65536)
                except BlockingIOError:
                    break
                text = data.decode(errors="replace").rstrip("\n\0")
                self.raw.append(text)
                m = self.LINE.match(text)
                lines.append((m.group(2) if m else text) + "\n")
            if lines:
                with open(self.out_path, "a") as f:
                    f.write("".join(lines))

    def stop(self):
        """The syslog daemon goes away (its socket with it)."""
        self.running = False
        if self.thread is not None:
            self.thread.join()
        self.drain()
        with self.lock:
            if self.sock is not None:
                self.sock.close()
                self.sock = None
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


class DaemonProc:
    """A detached hinetd, reaped by this process (the subreaper), with the
    part of subprocess.Popen's interface the tests use."""

    def __init__(self, pid):
        self.pid = pid
        self.returncode = None

    def poll(self):
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.returncode = -1      # not ours: gone
                return self.returncode
            if pid == self.pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout=None):
        deadline = None if timeout is None else time.time() + timeout
        while self.poll() is None:
            if deadline is not None and time.time() > deadline:
                raise subprocess.TimeoutExpired(["hinetd"], timeout)
            time.sleep(0.01)
        return self.returncode

    def send_signal(self, sig):
        if self.poll() is None:
            os.kill(self.pid, sig)

    def terminate(self):
        self.send_signal(signal.SIGTERM)

    def kill(self):
        self.send_signal(signal.SIGKILL)


def setup_namespace():
    """Refuse to run outside a private namespace; bring loopback up."""
    if os.geteuid() != 0:
        print("SKIP: integration tests run as root")
        sys.exit(SKIP)
    if os.environ.get("HINETD_IN_NETNS") != "1":
        print("SKIP: run through ctest (needs a private network namespace)")
        sys.exit(SKIP)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    # A detached daemon is re-parented to us, and reaped by us (DaemonProc).
    _check(_libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), "PR_SET_CHILD_SUBREAPER")
    # Always: a test may run one daemon as deployed in either mode.
    _private_dev()


def _die_with_parent():
    """In the child before exec: SIGTERM when the test process dies."""
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG


STARTED = []     # every daemon a test started, stopped by the runner after it


class Hinetd:
    def __init__(self, inetd_conf="", policy=None, allow=None, deny=None,
                 user=None, extra=None, listener=None, nofile=None,
                 pass_fds=(), env=None, mode=None):
        self.dir = tempfile.mkdtemp(prefix="hinetd-test-")
        os.chmod(self.dir, 0o755)
        self.conf = self.write("inetd.conf", inetd_conf)
        self.policy_dir = os.path.join(self.dir, "hinetd.d")
        os.mkdir(self.policy_dir)
        for name, text in (policy or {}).items():
            self.write(os.path.join("hinetd.d", name), text)
        self.allow = os.path.join(self.dir, "hosts.allow")
        self.deny = os.path.join(self.dir, "hosts.deny")
        if allow is not None:
            self.write("hosts.allow", allow)
        if deny is not None:
            self.write("hosts.deny", deny)
        self.pidfile = os.path.join(self.dir, "hinetd.pid")
        self.logpath = os.path.join(self.dir, "log")
        self.user = user
        self.extra = extra or []
        self.listener = listener
        self.nofile = nofile      # RLIMIT_NOFILE (soft and hard) for the daemon
        self.pass_fds = tuple(pass_fds)   # left open across the daemon's exec
        self.env = env            # extra environment for the daemon
        self.groups = None        # supplementary groups the daemon starts with
        self.mode = mode or MODE
        self.sink = None
        self.proc = None

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def args(self):
        a = [HINETD] + (["-d"] if self.mode == "debug" else []) + [
             "-f", self.conf, "-s", self.policy_dir,
             "-A", self.allow, "-D", self.deny, "-p", self.pidfile]
        if self.user:
            a += ["-u", self.user]
        if self.listener:
            a += ["-L", self.listener]
        return a + self.extra

    def detaches(self):
        """Without -d hinetd detaches, unless a service manager runs it."""
        return self.mode == "syslog" and "NOTIFY_SOCKET" not in (self.env or {})

    def start(self, wait_ready=True):
        open(self.logpath, "a").close()
        # Appending: the daemon's stderr and the syslog sink share the file.
        self.logf = open(self.logpath, "a")
        argv = self.args()
        if self.mode == "syslog":
            # A mount namespace of the daemon's own, where /dev/log leads
            # to this daemon's sink; unshare execs, so the pid is hinetd's.
            self.syslog_dir = os.path.join(self.dir, "syslog")
            os.makedirs(self.syslog_dir, exist_ok=True)
            self.sink = SyslogSink(self.syslog_dir, self.logpath)
            self.sink.start()
            argv = ["unshare", "--mount", "--propagation", "private", "--",
                    "sh", "-c", 'mount --bind "$0" %s && exec "$@"' % DEVLOG_DIR,
                    self.syslog_dir] + argv
        env = None
        if self.env:
            env = dict(os.environ)
            env.update(self.env)
        self.proc = subprocess.Popen(argv, stdout=self.logf,
                                     stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL,
                                     pass_fds=self.pass_fds,
                                     preexec_fn=self._preexec, env=env)
        STARTED.append(self)
        if self.detaches():
            # The parent returns once the daemon serves (0) or failed.
            try:
                rc = self.proc.wait(15)
            except subprocess.TimeoutExpired:
                raise AssertionError("hinetd did not detach:\n" + self.log())
            if rc == 0:
                with open(self.pidfile) as f:
                    self.proc = DaemonProc(int(f.read()))
        if wait_ready:
            self.wait_log(r"ready: ", timeout=10)
        return self

    def _preexec(self):
        _die_with_parent()
        if self.groups is not None:
            os.setgroups(self.groups)
        if self.nofile is not None:
            import resource
            # Lowered, never raised (the listener lifts its soft limit
            # to the hard one, so both are set).
            resource.setrlimit(resource.RLIMIT_NOFILE, (self.nofile, self.nofile))

    def log(self):
        if self.sink is not None:
            self.sink.drain()
        with open(self.logpath) as f:
            return f.read()

    def wait_log(self, pattern, timeout=5.0, count=1):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if len(re.findall(pattern, self.log())) >= count:
                return True
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise AssertionError("log never matched %r (x%d):\n%s" % (pattern, count, self.log()))

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.proc is None or self.proc.poll() is not None:
            self._sink_stop()
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("hinetd did not stop on signal %d" % sig)
        finally:
            self._sink_stop()

    def _sink_stop(self):
        if self.sink is not None:
            time.sleep(0.05)       # the last lines are in flight
            self.sink.drain()

    def listener_pid(self):
        """The hinetd-listener child of this hinetd."""
        for pid in children_of(self.proc.pid):
            try:
                with open("/proc/%d/comm" % pid) as f:
                    if f.read().strip().startswith("hinetd-listen"):
                        return pid
            except OSError:
                pass
        return None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        if exc[0] is not None:
            sys.stderr.write("---- hinetd log ----\n" + self.log())


def stop_all():
    """Stop, by pid, every daemon this test started and is still running."""
    while STARTED:
        h = STARTED.pop()
        if h.proc is not None and h.proc.poll() is None:
            h.proc.terminate()
            try:
                h.proc.wait(5)
            except subprocess.TimeoutExpired:
                h.proc.kill()
                h.proc.wait()
        if h.sink is not None:
            h.sink.stop()


def children_of(pid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                out.append(int(d))
        except (OSError, IndexError):
            pass
    return out


def proc_status(pid):
    status = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            status[k] = v.strip()
    return status


def recv_all(s):
    """Read s to EOF, close it, return the bytes."""
    out = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        out += chunk
    s.close()
    return out


def talk(port, data=b"", host="127.0.0.1", timeout=5.0, family=socket.AF_INET,
         source=None):
    """Connect, send data, half-close, read to EOF."""
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if source:
        s.bind((source, 0))
    s.connect((host, port))
    if data:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
    return recv_all(s)


def parse_probe(text):
    """The probe helper's report as a dict of lists."""
    rep = {"status": {}, "fd": {}, "env": {}, "limit": []}
    for line in text.decode(errors="replace").splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "status":
            k, _, v = rest.partition(":")
            rep["status"][k] = v.strip()
        elif kind == "fd":
            n, _, target = rest.partition(" ")
            rep["fd"][int(n)] = target
        elif kind == "env":
            k, _, v = rest.partition("=")
            rep["env"][k] = v
        elif kind == "limit":
            rep["limit"].append(rest)
        else:
            rep[kind] = rest
    return rep


class Runner:
    """Tiny test runner: each test_* function, a line per result."""

    def __init__(self):
        self.passed = self.failed = 0

    def run(self, module_globals):
        setup_namespace()
        names = sorted(n for n in module_globals if n.startswith("test_"))
        only = os.environ.get("HINETD_TEST_ONLY")
        for n in names:
            if only and only not in n:
                continue
            t0 = time.time()
            try:
                module_globals[n]()
                self.passed += 1
                print("ok   %s (%.2fs)" % (n, time.time() - t0), flush=True)
            except Exception as e:   # noqa: BLE001 - report every failure
                self.failed += 1
                import traceback
                traceback.print_exc()
                for h in STARTED:
                    sys.stdout.write("---- log of %s ----\n%s" % (h.dir, h.log()))
                print("FAIL %s: %s" % (n, e), flush=True)
            finally:
                stop_all()
        print("%d passed, %d failed" % (self.passed, self.failed))
        sys.exit(1 if self.failed else 0)
