"""test_access.py: access checks in the listener, end to end.

Real connections from different loopback sources (127.0.0.x) against
hosts.allow/hosts.deny, only_from/no_access and NOLIBWRAP.  Name rules use
a fake DNS server on this namespace's 127.0.0.1:53 and an ident server on
127.0.0.x:113; /etc/resolv.conf and /etc/hosts are bind-mounted over with
temporary files first (the mount namespace is private to this test), so
no query ever reaches the machine's resolver.
"""
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time

from harness import Hinetd, Runner, TESTBIN, talk, parse_probe, recv_all

PROBE = os.path.join(TESTBIN, "probe")
EX = "example.test"

# PTR answers (address -> name) and A answers (name -> address).
PTR = {
    "127.0.0.2": "host2." + EX,
    "127.0.0.4": "liar." + EX,                  # A says 127.0.0.9: PARANOID
    "127.0.0.6": "a;rm -rf $(x)`y`." + EX,      # hostile: invalid name
    "127.0.0.7": "host7." + EX,
}
A = {"host2." + EX: "127.0.0.2", "liar." + EX: "127.0.0.9",
     "host7." + EX: "127.0.0.7"}
SILENT = {"127.0.0.5"}                          # never answered


def ptr_name(addr):
    return ".".join(reversed(addr.split("."))) + ".in-addr.arpa"


class FakeDNS(threading.Thread):
    """A UDP DNS responder for PTR and A queries, from the tables above."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 53))
        self.queries = []

    @staticmethod
    def qname(pkt, off):
        labels = []
        while pkt[off] != 0:
            n = pkt[off]
            labels.append(pkt[off + 1:off + 1 + n])
            off += 1 + n
        return labels, off + 1

    @staticmethod
    def encode(name):
        out = b""
        for label in name.encode().split(b"."):
            out += bytes([len(label)]) + label
        return out + b"\0"

    def run(self):
        while True:
            try:
                pkt, src = self.sock.recvfrom(4096)
            except OSError:
                return
            try:
                self.answer(pkt, src)
            except Exception:       # noqa: BLE001 - a bad query: no answer
                pass

    def answer(self, pkt, src):
        qid, flags = struct.unpack("!HH", pkt[:4])
        labels, off = self.qname(pkt, 12)
        qtype, _ = struct.unpack("!HH", pkt[off:off + 4])
        name = b".".join(labels).decode(errors="replace").lower()
        self.queries.append((name, qtype))
        question = pkt[12:off + 4]
        rr = b""
        if qtype == 12:
            for addr, target in PTR.items():
                if ptr_name(addr) == name:
                    if addr in SILENT:
                        return
                    data = self.encode(target)
                    rr = b"\xc0\x0c" + struct.pack("!HHIH", 12, 1, 60, len(data)) + data
            for addr in SILENT:
                if ptr_name(addr) == name:
                    return
        elif qtype == 1 and name in A:
            data = socket.inet_aton(A[name])
            rr = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + data
        rcode = 0 if rr or name in A else 3
        hdr = struct.pack("!HHHHHH", qid, 0x8180 | rcode, 1, 1 if rr else 0, 0, 0)
        self.sock.sendto(hdr + question + rr, src)


MOUNTED = []


def private_resolver():
    """Our own resolv.conf and hosts, in this mount namespace only."""
    d = tempfile.mkdtemp(prefix="hinetd-resolv-")
    os.chmod(d, 0o755)
    files = {"/etc/resolv.conf": "nameserver 127.0.0.1\noptions attempts:1\n",
             "/etc/hosts": "127.0.0.1 localhost\n"}
    for target, text in files.items():
        src = os.path.join(d, os.path.basename(target))
        with open(src, "w") as f:
            f.write(text)
        os.chmod(src, 0o644)
        if not os.path.exists(target):
            raise RuntimeError("%s missing: cannot bind over it" % target)
        subprocess.run(["mount", "--bind", src, target], check=True)
        MOUNTED.append(target)
    with open("/etc/resolv.conf") as f:
        assert "127.0.0.1" in f.read()
    return d


def add_addresses():
    for i in range(2, 10):
        subprocess.run(["ip", "addr", "add", "127.0.0.%d/8" % i, "dev", "lo"],
                       stderr=subprocess.DEVNULL)


def probe_copy(h):
    dst = os.path.join(h.dir, "probe")
    shutil.copy(PROBE, dst)
    os.chmod(dst, 0o755)
    return dst


def served(port, source, data=b"x\n"):
    """Connect from source; the reply (b"" when closed at once)."""
    try:
        return talk(port, data, source=source, timeout=8)
    except (ConnectionResetError, BrokenPipeError, OSError):
        return b""


def probe_env(port, source):
    out = served(port, source, b"")
    return parse_probe(out)["env"] if out else None


def probe_h(port, allow=None, deny=None, policy=None):
    h = Hinetd("", allow=allow, deny=deny, policy=policy)
    h.write("inetd.conf", "%d stream tcp nowait nobody %s probe\n" % (port, probe_copy(h)))
    return h


# ---- Addresses -------------------------------------------------------

def test_allow_and_deny():
    with probe_h(7401, deny="# nothing\nALL: 127.0.0.2\n") as h:
        assert probe_env(7401, "127.0.0.3") is not None
        assert served(7401, "127.0.0.2") == b""
        h.wait_log(r"service=7401 proto=tcp peer=127\.0\.0\.2:\d+ action=deny "
                   r"rule=%s:2" % h.deny)
        spawned = [l for l in h.log().splitlines() if "action=spawn" in l]
        assert all("127.0.0.2" not in l for l in spawned), spawned


def test_allow_first_match_grants():
    with probe_h(7402, allow="ALL: 127.0.0.2\n", deny="ALL: ALL\n") as h:
        assert probe_env(7402, "127.0.0.2") is not None
        assert served(7402, "127.0.0.3") == b""
        h.wait_log(r"peer=127\.0\.0\.3:\d+ action=deny rule=%s:1" % h.deny)


def test_except():
    with probe_h(7403, deny="ALL: 127.0.0.0/8 EXCEPT 127.0.0.3\n") as h:
        assert probe_env(7403, "127.0.0.3") is not None
        assert served(7403, "127.0.0.4") == b""
        h.wait_log(r"peer=127\.0\.0\.4:\d+ action=deny rule=%s:1" % h.deny)


def test_tcpd_line():
    h = Hinetd("7404 stream tcp nowait nobody /usr/sbin/tcpd /bin/echo echo hi\n",
               deny="cat: ALL\necho: 127.0.0.2\n")
    with h:
        out = served(7404, "127.0.0.3", b"")
        assert out == b"echo hi\n", out     # argv[0] is /bin/echo
        assert served(7404, "127.0.0.2", b"") == b""
        h.wait_log(r"service=7404 .*peer=127\.0\.0\.2:\d+ action=deny rule=%s:2" % h.deny)


def test_builtin_checked():
    h = Hinetd("echo stream tcp nowait root internal\n", deny="echo: 127.0.0.2\n")
    with h:
        assert served(7, "127.0.0.3", b"ping\n") == b"ping\n"
        assert served(7, "127.0.0.2", b"ping\n") == b""
        h.wait_log(r"service=echo proto=tcp peer=127\.0\.0\.2:\d+ action=deny "
                   r"rule=%s:1" % h.deny)


def test_nolibwrap():
    with probe_h(7405, deny="ALL: ALL\n",
                 policy={"p": "service 7405 {\n\tflags = NOLIBWRAP\n}\n"}) as h:
        assert probe_env(7405, "127.0.0.2") is not None
        assert "action=deny" not in h.log()


def test_only_from_no_access():
    pol = ("service 7406 {\n\tonly_from = 127.0.0.2 127.0.0.4/31\n"
           "\tno_access = 127.0.0.5\n}\n")
    with probe_h(7406, policy={"p": pol}) as h:
        pf = os.path.join(h.policy_dir, "p")
        assert probe_env(7406, "127.0.0.2") is not None
        assert probe_env(7406, "127.0.0.4") is not None
        assert served(7406, "127.0.0.3") == b""
        h.wait_log(r"peer=127\.0\.0\.3:\d+ action=deny rule=%s:2" % pf)
        assert served(7406, "127.0.0.5") == b""
        h.wait_log(r"peer=127\.0\.0\.5:\d+ action=deny rule=%s:3" % pf)


def test_only_from_after_hosts_allow():
    # hosts.allow grants, only_from still refuses: both must admit.
    with probe_h(7407, allow="ALL: ALL\n",
                 policy={"p": "service 7407 {\n\tonly_from = 127.0.0.2\n}\n"}) as h:
        assert served(7407, "127.0.0.3") == b""
        h.wait_log(r"peer=127\.0\.0\.3:\d+ action=deny rule=%s:2"
                   % os.path.join(h.policy_dir, "p"))


# ---- Names -----------------------------------------------------------

def test_name_rule_and_remotehost():
    with probe_h(7410, deny="ALL: .example.test EXCEPT host7.example.test\n") as h:
        assert served(7410, "127.0.0.2") == b""
        h.wait_log(r"peer=127\.0\.0\.2:\d+ action=deny rule=%s:1" % h.deny)
        env = probe_env(7410, "127.0.0.7")
        assert env is not None and env.get("TCPREMOTEHOST") == "host7." + EX, env
        env = probe_env(7410, "127.0.0.3")          # no PTR: unknown
        assert env is not None and "TCPREMOTEHOST" not in env, env


def test_paranoid():
    with probe_h(7411, deny="ALL: PARANOID\n") as h:
        assert served(7411, "127.0.0.4") == b""
        h.wait_log(r"peer=127\.0\.0\.4:\d+ action=deny rule=%s:1" % h.deny)
        assert probe_env(7411, "127.0.0.2") is not None
    # PARANOID is UNKNOWN for names: a .domain rule does not match it.
    with probe_h(7412, deny="ALL: .example.test\n") as h:
        env = probe_env(7412, "127.0.0.4")
        assert env is not None and "TCPREMOTEHOST" not in env, env


def test_silent_dns_stalls_nobody():
    h = Hinetd("echo stream tcp nowait root internal\n",
               deny="probe: .example.test\n")
    h.write("inetd.conf", "echo stream tcp nowait root internal\n"
            "7413 stream tcp nowait nobody %s probe\n" % probe_copy(h))
    with h:
        slow = socket.socket()
        slow.bind(("127.0.0.5", 0))
        slow.settimeout(30)
        slow.connect(("127.0.0.1", 7413))
        time.sleep(0.3)
        for _ in range(3):
            t0 = time.time()
            assert served(7, "127.0.0.3", b"ping\n") == b"ping\n"
            assert time.time() - t0 < 1.0
        # Another client of the same service whose name is in the hosts file.
        t0 = time.time()
        assert probe_env(7413, "127.0.0.1") is not None
        assert time.time() - t0 < 1.0
        # The silent client is decided once the look-up times out: unknown.
        env = parse_probe(recv_all(slow))["env"]
        assert "TCPREMOTEHOST" not in env, env


def test_reset_while_parked():
    with probe_h(7414, deny="ALL: .example.test\n") as h:
        for _ in range(5):
            s = socket.socket()
            s.bind(("127.0.0.5", 0))
            s.connect(("127.0.0.1", 7414))
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()       # RST
        h.wait_log(r"peer=127\.0\.0\.5:\d+ action=error reason=client-gone", count=5)
        assert "action=spawn" not in h.log()
        assert probe_env(7414, "127.0.0.3") is not None


def test_reload_drops_parked():
    # A connection parked on a look-up cannot be handed to privd by a
    # retired listener: closed and logged; the retired one then exits.
    with probe_h(7416, deny="ALL: .example.test\n") as h:
        slow = socket.socket()
        slow.bind(("127.0.0.5", 0))         # PTR never answered: parked
        slow.settimeout(10)
        slow.connect(("127.0.0.1", 7416))
        time.sleep(0.3)
        old = int(re.findall(r"ready: .* listener pid (\d+)", h.log())[0])
        h.proc.send_signal(signal.SIGHUP)
        h.wait_log(r"ready: ", count=2, timeout=10)
        h.wait_log(r"peer=127\.0\.0\.5:\d+ action=error reason=reload")
        try:
            assert slow.recv(100) == b""
        except ConnectionResetError:
            pass
        slow.close()
        h.wait_log(r"retired listener pid %d exited\n" % old)
        assert not os.path.exists("/proc/%d/status" % old)
        assert "action=spawn" not in h.log()
        assert probe_env(7416, "127.0.0.3") is not None


def test_hostile_ptr():
    with probe_h(7415, deny="ALL: .example.test\n") as h:
        env = probe_env(7415, "127.0.0.6")
        assert env is not None, "hostile name is unknown, not denied"
        assert "TCPREMOTEHOST" not in env, env
        assert "rm -rf" not in h.log() and "$(x)" not in h.log()


# ---- daemon@host: the server's name reaches privd's re-check ----------

def test_daemon_at_host():
    # 127.0.0.1 is "localhost" in the bind-mounted /etc/hosts; 127.0.0.2 is
    # host2.example.test (fake DNS).  privd must see the same server name
    # the listener matched, or it refuses the spawn and, after 16 of those,
    # restarts the listener as hostile.
    with probe_h(7416, allow="ALL@localhost: ALL : setenv WHERE at-%N\n",
                 deny="ALL: ALL\n") as h:
        for i in range(20):
            env = probe_env(7416, "127.0.0.%d" % (3 + i % 2))
            assert env is not None, "connection %d not served" % i
            assert env.get("WHERE") == "at-localhost", env
        s = socket.socket()
        s.settimeout(8)
        s.bind(("127.0.0.3", 0))
        s.connect(("127.0.0.2", 7416))           # server name host2...: denied
        assert s.recv(100) == b""
        s.close()
        h.wait_log(r"peer=127\.0\.0\.3:\d+ action=deny rule=%s:1" % h.deny)
        # A reply may reach the client before the listener logs its spawn
        # report: wait for all 20 exits, which privd reports after each spawn.
        h.wait_log(r"service=7416 .*action=exit pid=\d+", count=20)
        log = h.log()
        assert "rejected" not in log, log
        assert "restarting" not in log, log
        assert len(re.findall(r"service=7416 .*action=spawn", log)) == 20, log


def test_server_address_bound_and_wildcard():
    # A service bound to one address takes its local address from its own
    # configuration (no getsockname); a wildcard one asks the kernel.  Both
    # must give the address privd finds on the socket, for the rule and %A.
    h = Hinetd("", allow="ALL@127.0.0.2 : ALL : setenv WHERE at-%A\n",
               deny="ALL: ALL\n")
    probe = probe_copy(h)
    h.write("inetd.conf", "127.0.0.2:7441 stream tcp nowait nobody %s probe\n"
            "7442 stream tcp nowait nobody %s probe\n" % (probe, probe))
    with h:
        for port in (7441, 7442):
            out = talk(port, b"", host="127.0.0.2", source="127.0.0.3", timeout=8)
            env = parse_probe(out)["env"]
            assert env.get("WHERE") == "at-127.0.0.2", (port, env)
            assert env.get("TCPLOCALIP") == "127.0.0.2", (port, env)
        assert served(7442, "127.0.0.3") == b""     # to 127.0.0.1: denied
        h.wait_log(r"service=7442 .*action=deny rule=%s:1" % h.deny)
        assert "rejected" not in h.log(), h.log()


def test_daemon_at_host_except():
    # The daemon@host rule must pick the same rule in privd: with the
    # server name unknown there, the second rule would match instead.
    with probe_h(7417, allow="probe@localhost: ALL : setenv RULE first\n"
                 "ALL: ALL : setenv RULE second\n") as h:
        env = probe_env(7417, "127.0.0.3")
        assert env is not None and env.get("RULE") == "first", env
        assert "rejected" not in h.log(), h.log()


# ---- Ident -----------------------------------------------------------

def test_ident():
    good, bad = Ident("127.0.0.3", "alice"), Ident("127.0.0.2", "mallory")
    good.start()
    bad.start()
    try:
        with probe_h(7420, allow="ALL: ALL@127.0.0.3 : rfc931\n",
                     deny="ALL: mallory@ALL\n") as h:
            env = probe_env(7420, "127.0.0.3")
            assert env is not None and env.get("TCPREMOTEINFO") == "alice", env
            assert served(7420, "127.0.0.2") == b""
            h.wait_log(r"peer=127\.0\.0\.2:\d+ action=deny rule=%s:1" % h.deny)
    finally:
        good.close()
        bad.close()


def test_log_userid():
    # xinetd's log_on_success / log_on_failure USERID: an ident look-up
    # for the log line, also with no rule asking for one.
    good, odd = Ident("127.0.0.3", "alice"), Ident("127.0.0.4", "ev=il x")
    good.start()
    odd.start()
    pol = {"log": "service 7425\n{\n\tlog_on_success += USERID\n"
                  "\tlog_on_failure += USERID\n}\n"}
    try:
        with probe_h(7425, deny="ALL: 127.0.0.4 127.0.0.5\n", policy=pol) as h:
            env = probe_env(7425, "127.0.0.3")
            assert env is not None and env.get("TCPREMOTEINFO") == "alice", env
            h.wait_log(r"service=7425 proto=tcp peer=127\.0\.0\.3:\d+ "
                       r"action=allow user=alice\n")
            assert served(7425, "127.0.0.4") == b""
            # An answer no user name can be counts as unknown, as for rules.
            h.wait_log(r"peer=127\.0\.0\.4:\d+ action=deny rule=%s:1 "
                       r"user=-\n" % re.escape(h.deny))
            assert served(7425, "127.0.0.5") == b""      # no ident server
            h.wait_log(r"peer=127\.0\.0\.5:\d+ action=deny rule=%s:1 user=-\n"
                       % re.escape(h.deny), timeout=15)
    finally:
        good.close()
        odd.close()
    # Without USERID nothing is looked up and the lines have no user=.
    with probe_h(7426, deny="ALL: 127.0.0.4\n") as h:
        assert probe_env(7426, "127.0.0.3") is not None
        assert served(7426, "127.0.0.4") == b""
        h.wait_log(r"peer=127\.0\.0\.4:\d+ action=deny rule=%s:1\n" % re.escape(h.deny))
        assert " user=" not in h.log()


class IdentRaw(threading.Thread):
    """A misbehaving RFC 1413 server on ADDR:113: reply(a, b) gives the
    bytes to send, None to stay silent, "drip" to send a byte at a time
    without ever ending the line."""

    def __init__(self, addr, reply):
        super().__init__(daemon=True)
        self.reply = reply
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((addr, 113))
        self.sock.listen(8)
        self.held = []

    def run(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(c,), daemon=True).start()

    def serve(self, c):
        try:
            c.settimeout(30)
            q = c.recv(256).decode().strip()
            a, b = [x.strip() for x in q.split(",")]
            r = self.reply(a, b)
            if r is None:
                self.held.append(c)         # silent: keep it open
                return
            if r == "drip":
                self.held.append(c)
                for _ in range(100):
                    c.send(b"1")
                    time.sleep(0.2)
                return
            c.sendall(r)
        except Exception:       # noqa: BLE001
            pass
        c.close()

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)    # wakes accept()
        except OSError:
            pass
        self.sock.close()
        self.join(5)
        for c in self.held:
            c.close()


def Ident(addr, user):
    """An RFC 1413 server on ADDR:113 answering USERID user."""
    return IdentRaw(addr, lambda a, b: (
        "%s , %s : USERID : UNIX : %s\r\n" % (a, b, user)).encode())


def test_ident_silent_or_slow_stalls_nobody():
    silent = IdentRaw("127.0.0.5", lambda a, b: None)
    drip = IdentRaw("127.0.0.8", lambda a, b: "drip")
    silent.start()
    drip.start()
    h = probe_h(7421, allow="ALL: ALL : rfc931 2\n")
    h.write("inetd.conf", "7421 stream tcp nowait nobody %s probe\n"
            "echo stream tcp nowait root internal\n" % os.path.join(h.dir, "probe"))
    try:
        with h:
            slow = []
            for src in ("127.0.0.5", "127.0.0.8"):
                for port in (7421, 7):
                    s = socket.socket()
                    s.settimeout(30)
                    s.bind((src, 0))
                    s.connect(("127.0.0.1", port))
                    slow.append(s)
            t0 = time.time()
            time.sleep(0.3)
            for _ in range(3):
                t1 = time.time()
                assert served(7, "127.0.0.3", b"ping\n") == b"ping\n"
                env = probe_env(7421, "127.0.0.3")  # no ident server: refused
                assert env is not None and "TCPREMOTEINFO" not in env, env
                assert time.time() - t1 < 1.0
            # The stalled ones are decided at `rfc931 2`'s timeout (not the
            # 10 s default): the user is unknown.
            for s in slow:
                if s.getpeername()[1] == 7:
                    s.sendall(b"late\n")
                    s.shutdown(socket.SHUT_WR)
                out = recv_all(s)
                if out.startswith(b"status "):
                    assert "TCPREMOTEINFO" not in parse_probe(out)["env"], out
                else:
                    assert out == b"late\n", out
            elapsed = time.time() - t0
            assert 1.5 < elapsed < 6.0, elapsed
    finally:
        silent.close()
        drip.close()


HOSTILE = [
    b"%s , %s : USERID : UNIX : ev\x1b[31mil\x07\r\n",          # control characters
    b"%s , %s : USERID : UNIX : $(reboot)`id`;rm\r\n",          # shell
    b"%s , %s : USERID : UNIX : " + b"a" * 300 + b"\r\n",      # overlong user
    b"%s , %s : USERID : UNIX : " + b"b" * 2000,                # no end of line
    b"%s , %s : USERID : UNIX : \xff\xfe\xc0\x80root\r\n",     # not text
    b"1 , 2 : USERID : UNIX : alice\r\n",                     # other ports
]


def test_ident_hostile_answers():
    for i, tmpl in enumerate(HOSTILE):
        srv = IdentRaw("127.0.0.4", lambda a, b, t=tmpl: t.replace(
            b"%s", a.encode(), 1).replace(b"%s", b.encode(), 1))
        srv.start()
        try:
            with probe_h(7422, allow="ALL: ALL : rfc931 3 : setenv WHO u-%u\n",
                         deny="ALL: root@ALL\n") as h:
                env = probe_env(7422, "127.0.0.4")
                assert env is not None, "answer %d: not served" % i
                assert "TCPREMOTEINFO" not in env, (i, env)
                assert env.get("WHO") == "u-unknown", (i, env)
                log = h.log()
                for bad in ("\x1b", "\x07", "$(reboot)", "`id`", "a" * 64, "b" * 64,
                            "\ufffd", "alice"):
                    assert bad not in log, (i, bad, log)
                assert "rejected" not in log, log
        finally:
            srv.close()
    # The same server with a valid answer: it is believed.
    srv = IdentRaw("127.0.0.4", lambda a, b: ("%s , %s : USERID : UNIX,UTF-8 : "
                                             "carol\r\n" % (a, b)).encode())
    srv.start()
    try:
        with probe_h(7423, allow="ALL: ALL : rfc931 3 : setenv WHO u-%u\n") as h:
            env = probe_env(7423, "127.0.0.4")
            assert env is not None and env.get("TCPREMOTEINFO") == "carol", env
            assert env.get("WHO") == "u-carol", env
    finally:
        srv.close()


# ---- Load-time refusals and UDP ----------------------------------------

def test_banners_load_checks():
    # Supported now: read by privd at load, never refused as such.
    h = probe_h(7430, allow=None)
    bdir = os.path.join(h.dir, "banners")
    os.mkdir(bdir)
    h.write("hosts.allow", "ALL: ALL : banners %s\n" % bdir)
    r = subprocess.run(h.args() + ["-t"], capture_output=True, text=True)
    assert r.returncode == 0, r                 # no file for "probe": no banner
    assert "banners" not in r.stderr, r.stderr
    h.write("banners/probe", "x" * 4097)
    r = subprocess.run(h.args() + ["-t"], capture_output=True, text=True)
    assert r.returncode == 1, r
    assert "%s:1: banners: %s/probe: banner larger than 4096 bytes" % (h.allow, bdir) \
        in r.stderr, r.stderr
    os.unlink(os.path.join(bdir, "probe"))
    os.mkfifo(os.path.join(bdir, "probe"))      # must not block privd
    r = subprocess.run(h.args() + ["-t"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 1 and "not a regular file" in r.stderr, r
    h.write("hosts.allow", "ALL: ALL : banners %s/missing\n" % bdir)
    r = subprocess.run(h.args() + ["-t"], capture_output=True, text=True)
    assert r.returncode == 0, r                 # tcpd warns, hinetd too
    assert "warning: banners directory %s/missing" % bdir in r.stderr, r.stderr
    h.write("hosts.allow", "ALL: ALL : banners relative/dir\n")
    r = subprocess.run(h.args() + ["-t"], capture_output=True, text=True)
    assert r.returncode == 1 and "must be an absolute path" in r.stderr, r


def banners_h(port, allow=None, deny=None, files=None):
    h = probe_h(port)
    bdir = os.path.join(h.dir, "banners")
    os.mkdir(bdir)
    for name, data in (files or {}).items():
        with open(os.path.join(bdir, name), "wb") as f:
            f.write(data)
    if allow is not None:
        h.write("hosts.allow", allow.replace("BDIR", bdir))
    if deny is not None:
        h.write("hosts.deny", deny.replace("BDIR", bdir))
    return h


def read_all(port, source, timeout=8):
    """Connect without sending (a denial then closes cleanly); read to EOF."""
    return talk(port, b"", source=source, timeout=timeout)


BANNER = b"Hello %a (%h) to %d, %c\nno %z here, 100%\nlast"


def test_banner_on_allow():
    with banners_h(7437, allow="ALL: 127.0.0.2 127.0.0.6 : banners BDIR\n",
                   files={"probe": BANNER, "other": b"not mine\n"}) as h:
        out = read_all(7437, "127.0.0.2")
        # As tcpd: an unknown %z is nothing, and "100%" + CR LF eats the CR.
        want = b"Hello 127.0.0.2 (127.0.0.2) to probe, 127.0.0.2\r\nno  here, 100\nlast"
        assert out.startswith(want), out[:200]
        rep = parse_probe(out[len(want):])
        assert rep["env"].get("TCPREMOTEIP") == "127.0.0.2", rep
        # A client-controlled name is made shell-safe; unknown here (invalid).
        out = read_all(7437, "127.0.0.6")
        assert out.startswith(b"Hello 127.0.0.6 (127.0.0.6) to probe"), out[:200]
        out = read_all(7437, "127.0.0.3")       # another rule: no banner
        assert out.startswith(b"status "), out[:100]
        assert "rejected" not in h.log(), h.log()


def test_banner_on_deny():
    with banners_h(7438, deny="ALL: 127.0.0.2 : banners BDIR\n",
                   files={"probe": b"\0\0go away %a\n%n\n"}) as h:
        out = read_all(7438, "127.0.0.2")
        # Leading NULs as tcpd sends them; %n: the name looked up for it.
        assert out == b"\0\0go away 127.0.0.2\r\nhost2.example.test\r\n", out
        h.wait_log(r"peer=127\.0\.0\.2:\d+ action=deny rule=%s:1" % h.deny)
        assert "action=spawn" not in h.log()
        assert read_all(7438, "127.0.0.3").startswith(b"status "), "others served"


def test_banner_builtin_and_missing_file():
    h = Hinetd("echo stream tcp nowait root internal\n"
               "daytime stream tcp nowait root internal\n")
    bdir = os.path.join(h.dir, "banners")
    os.mkdir(bdir)
    with open(os.path.join(bdir, "echo"), "w") as f:
        f.write("echo here\n")
    h.write("hosts.deny", "echo daytime: 127.0.0.2 : banners %s\n" % bdir)
    with h:
        assert read_all(7, "127.0.0.2") == b"echo here\r\n"
        assert read_all(13, "127.0.0.2") == b""      # no file: no banner
        assert served(7, "127.0.0.3", b"ping\n") == b"ping\n"


def test_banner_to_client_that_does_not_read():
    # A 4 KiB banner to clients that never read, with tiny receive
    # buffers: the listener never waits for them.
    big = (b"y" * 99 + b"\n") * 40
    h = banners_h(7439, deny="ALL: 127.0.0.2 : banners BDIR\n",
                  files={"probe": big, "echo": big})
    h.write("inetd.conf", "7439 stream tcp nowait nobody %s probe\n"
            "echo stream tcp nowait root internal\n" % os.path.join(h.dir, "probe"))
    h.write("hosts.allow", "echo: 127.0.0.2 : banners %s\n" % os.path.join(h.dir, "banners"))
    with h:
        idle = []
        for port in [7439] * 20 + [7] * 20:
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
            s.bind(("127.0.0.2", 0))
            s.connect(("127.0.0.1", port))
            idle.append(s)
        t0 = time.time()
        assert read_all(7439, "127.0.0.3").startswith(b"status ")
        assert served(7, "127.0.0.3", b"ping\n") == b"ping\n"
        assert time.time() - t0 < 2.0
        for s in idle:
            s.close()


def test_setenv_refusals_at_load():
    for rule, msg in (("setenv TCPREMOTEIP 1.2.3.4", "setenv may not replace TCPREMOTEIP"),
                      (" : ".join(["setenv V%d x" % i for i in range(9)]),
                       "more than 8 setenv options")):
        h = probe_h(7431, allow="ALL: ALL : %s\n" % rule)
        r = subprocess.run(h.args() + ["-t"], capture_output=True, text=True)
        assert r.returncode == 1, r
        assert msg in r.stderr, r.stderr


# ---- Process options, carried out by privd -----------------------------

def test_option_setenv():
    with probe_h(7432, allow="ALL: 127.0.0.2 : setenv GREETING hi-%a\n") as h:
        env = probe_env(7432, "127.0.0.2")
        assert env is not None and env.get("GREETING") == "hi-127.0.0.2", env
        assert env.get("TCPREMOTEIP") == "127.0.0.2", env
        env = probe_env(7432, "127.0.0.3")          # another rule: none
        assert env is not None and "GREETING" not in env, env
        assert "rejected" not in h.log(), h.log()


def probe_rep(port, source):
    out = served(port, source, b"")
    return parse_probe(out) if out else None


def test_option_umask_nice():
    with probe_h(7433, allow="ALL: 127.0.0.2 : umask 077 : nice 5\n"):
        rep = probe_rep(7433, "127.0.0.2")
        assert rep is not None, rep
        assert rep["status"]["Umask"] == "0077", rep["status"]
        assert rep["nice"] == "5", rep


def test_option_user():
    with probe_h(7434, allow="ALL: 127.0.0.2 : user daemon\n"):
        rep = probe_rep(7434, "127.0.0.2")
        assert rep is not None, rep
        assert rep["status"]["Uid"].split()[0] == "1", rep["status"]
        assert rep["status"]["Gid"].split()[0] == "1", rep["status"]
        rep = probe_rep(7434, "127.0.0.3")          # the service's own user
        assert rep["status"]["Uid"].split()[0] == "65534", rep["status"]


def test_option_twist():
    with probe_h(7435, allow="ALL: 127.0.0.2 : twist /bin/echo twisted %d\n") as h:
        got = served(7435, "127.0.0.2", b"")     # data unread: a reset
        assert got == b"twisted probe\n", got
        h.wait_log(r"service=7435 proto=tcp peer=127\.0\.0\.2:\d+ action=exit "
                   r"pid=\d+ status=0")
        assert probe_env(7435, "127.0.0.3") is not None


def test_option_spawn():
    h = probe_h(7436, allow=None)
    out = os.path.join(h.dir, "spawned")
    os.mkdir(out)
    os.chmod(out, 0o777)                            # the service user's
    flag = os.path.join(out, "flag")
    h.write("hosts.allow", "ALL: 127.0.0.2 : spawn /bin/sh -c \"echo spawned-%%a > %s\"\n"
            % flag)
    with h:
        env = probe_env(7436, "127.0.0.2")
        assert env is not None, "the service did not run"
        h.wait_log(r"service=7436 proto=tcp peer=127\.0\.0\.2:\d+ action=spawn "
                   r"pid=\d+ reason=spawn-option")
        h.wait_log(r"service=7436 .*action=exit pid=\d+ status=0 reason=spawn-option")
        with open(flag) as f:
            assert f.read() == "spawned-127.0.0.2\n"


def test_udp_builtin_checked():
    h = Hinetd("echo dgram udp wait root internal\n", deny="echo: 127.0.0.2\n")
    with h:
        for src, want in (("127.0.0.3", True), ("127.0.0.2", False)):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((src, 40000))
            s.settimeout(1.0)
            s.sendto(b"ping", ("127.0.0.1", 7))
            try:
                got = s.recv(100) == b"ping"
            except socket.timeout:
                got = False
            s.close()
            assert got == want, (src, got)


if __name__ == "__main__":
    import harness
    harness.setup_namespace()
    add_addresses()
    rdir = private_resolver()
    dns = FakeDNS()
    dns.start()
    try:
        Runner().run(globals())
    finally:
        for t in reversed(MOUNTED):
            subprocess.run(["umount", t])
        shutil.rmtree(rdir, ignore_errors=True)
