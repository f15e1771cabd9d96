"""harness.py: start the real hinetd in this private network namespace.

Every integration test runs as root under `unshare --net --mount` (see
integration.cmake), brings up its own loopback, writes temporary
configuration files, starts `hinetd -d` on them, talks to it over real
sockets and stops it by pid.  Nothing here touches the machine's own
configuration, network or resolver.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

BIN = os.environ.get("HINETD_BIN", os.path.join(os.path.dirname(__file__), "../../build/bin"))
TESTBIN = os.environ.get("HINETD_TESTBIN", os.path.join(BIN, "..", "tests"))
HINETD = os.path.join(BIN, "hinetd")
SKIP = 77


def setup_namespace():
    """Refuse to run outside a private namespace; bring loopback up."""
    if os.geteuid() != 0:
        print("SKIP: integration tests run as root")
        sys.exit(SKIP)
    if os.environ.get("HINETD_IN_NETNS") != "1":
        print("SKIP: run through ctest (needs a private network namespace)")
        sys.exit(SKIP)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)


def _die_with_parent():
    """In the child before exec: SIGTERM when the test process dies."""
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG


STARTED = []     # every daemon a test started, stopped by the runner after it


class Hinetd:
    def __init__(self, inetd_conf="", policy=None, allow=None, deny=None,
                 user="nobody", extra=None, listener=None, nofile=None,
                 pass_fds=()):
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
        self.proc = None

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def args(self):
        a = [HINETD, "-d", "-f", self.conf, "-s", self.policy_dir,
             "-A", self.allow, "-D", self.deny, "-p", self.pidfile,
             "-u", self.user]
        if self.listener:
            a += ["-L", self.listener]
        return a + self.extra

    def start(self, wait_ready=True):
        self.logf = open(self.logpath, "w")
        self.proc = subprocess.Popen(self.args(), stdout=self.logf,
                                     stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL,
                                     pass_fds=self.pass_fds,
                                     preexec_fn=self._preexec)
        STARTED.append(self)
        if wait_ready:
            self.wait_log(r"ready: ", timeout=10)
        return self

    def _preexec(self):
        _die_with_parent()
        if self.nofile is not None:
            import resource
            # Lowered, never raised (the listener lifts its soft limit
            # to the hard one, so both are set).
            resource.setrlimit(resource.RLIMIT_NOFILE, (self.nofile, self.nofile))

    def log(self):
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
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("hinetd did not stop on signal %d" % sig)

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
        if h.proc is None or h.proc.poll() is not None:
            continue
        h.proc.terminate()
        try:
            h.proc.wait(5)
        except subprocess.TimeoutExpired:
            h.proc.kill()
            h.proc.wait()


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
