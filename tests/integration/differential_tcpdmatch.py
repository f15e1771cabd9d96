#!/usr/bin/env python3
"""differential_tcpdmatch.py: hinetd-match against the real tcpdmatch(8).

Generates random hosts.allow / hosts.deny pairs from the hosts_access(5)
grammar and random clients, runs `tcpdmatch -d` and `hinetd-match -A -D` on
each, and compares everything they print: client and server lines, the
matched FILE line N, each option (expanded) and the verdict.  Zero
disagreements are required.

Service names: hinetd-match reads an inetd.conf (INETD_CONF) and matches a
service's service name as well as its process name; tcpdmatch knows only
process names.  What is comparable: rules name a service with a
placeholder, written as the service name for hinetd-match and as its
process name for tcpdmatch, and hinetd-match is asked about the service
(or its process) while tcpdmatch is asked about the process.  No other
daemon pattern of the generator can match a service name without
matching its process name too (ALL and KNOWN match both; `in.*` and `*d`
match neither service name), so the two rule sets are equivalent exactly
when hinetd applies "process name or service name" word by word.  The
`server: service` line hinetd-match adds is checked against inetd.conf and
left out of the comparison.

IPv4-mapped IPv6 clients (::ffff:a.b.c.d): tcpdmatch takes them and
matches them as IPv4 clients (verified: `10.0.1.`, `10.0.1.0/24` match
::ffff:10.0.1.1, `[::]/0` does not); it shows the address as typed where
hinetd-match shows the IPv4 form (documented in docs/access-control.md),
so that spelling alone is normalised before comparing.

Runs as root, in a private network and mount namespace (it re-executes
itself under `unshare --net --mount`): /etc/hosts, /etc/resolv.conf
(nameserver 127.0.0.1) and /etc/nsswitch.conf (hosts: files dns) are
bind-mounted private copies, nscd's socket directory is hidden, and a
small DNS server in this process answers on 127.0.0.1:53 inside the empty
namespace -- no query can reach the machine's resolver.  tcpdmatch prints
"matched:" and "option:" lines through syslog(3): a private /dev (tmpfs)
holds a /dev/log socket this process reads.

A second family of cases checks the constructs hinetd refuses at load time
while tcpd silently never matches them (bad net/mask, [IPv4] in brackets,
missing list file, ...): hinetd-match must exit 2 with FILE:LINE, and
tcpdmatch must decide exactly as if the construct were a pattern that
matches nothing.

Usage: differential_tcpdmatch.py [--seed N] [--count N] [--keep]
Environment: HINETD_BIN (directory with hinetd-match).  Exit 77 = skipped.
"""

import argparse
import fcntl
import ipaddress
import os
import random
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------- names ---

ETC_HOSTS = """\
127.0.0.1 localhost
10.0.0.1 alpha.example.com alpha
10.0.0.2 beta.example.com
10.0.0.3 gamma
10.0.0.4 Delta.Example.COM
10.0.0.7 alpha.example.com
10.0.0.9 dual.example.com
fd00::9 dual.example.com
"""

ZONE = {}


def rr(name, rtype, value):
    ZONE.setdefault(name.lower(), []).append((rtype, value))


def ptr(addr, name):
    rr(ipaddress.ip_address(addr).reverse_pointer, 'PTR', name)


def build_zone():
    rr('good.example.net', 'A', '10.0.1.1'); ptr('10.0.1.1', 'good.example.net')
    ptr('10.0.1.2', 'liar.example.net'); rr('liar.example.net', 'A', '10.0.1.99')
    ptr('10.0.1.3', 'alias.example.net')
    rr('alias.example.net', 'CNAME', 'canon.example.net')
    rr('canon.example.net', 'A', '10.0.1.3')
    ptr('10.0.1.4', 'noforward.example.net')
    ptr('10.0.1.5', 'MiXed.Example.NET'); rr('mixed.example.net', 'A', '10.0.1.5')
    ptr('fd00:1::1', 'six.example.net'); rr('six.example.net', 'AAAA', 'fd00:1::1')
    ptr('fd00:1::2', 'sixlie.example.net')
    rr('sixlie.example.net', 'AAAA', 'fd00:1::99')
    ptr('10.0.1.6', 'v4name6.example.net')
    rr('v4name6.example.net', 'AAAA', '::ffff:10.0.1.6')
    ptr('10.0.1.7', 'both.example.net'); ptr('fd00:1::7', 'both.example.net')
    rr('both.example.net', 'A', '10.0.1.7'); rr('both.example.net', 'AAAA', 'fd00:1::7')
    ptr('10.0.1.8', 'trail.example.net.'); rr('trail.example.net', 'A', '10.0.1.8')
    ptr('10.0.1.9', 'local9'); rr('local9', 'A', '10.0.1.9')
    rr('multi.example.net', 'A', '10.0.1.10'); rr('multi.example.net', 'A', '10.0.1.11')
    ptr('10.0.1.10', 'multi.example.net'); ptr('10.0.1.11', 'liar.example.net')
    ptr('10.0.1.12', 'bad_name!.example.net')
    ptr('10.0.2.1', 'www.corp.example.org'); rr('www.corp.example.org', 'A', '10.0.2.1')
    ptr('10.0.2.2', 'mail.corp.example.org'); rr('mail.corp.example.org', 'A', '10.0.2.2')
    ptr('fd00:2::5', 'v6.corp.example.org'); rr('v6.corp.example.org', 'AAAA', 'fd00:2::5')
    ptr('192.168.7.7', 'srv.example.com'); rr('srv.example.com', 'A', '192.168.7.7')
    # Handles: one address each, whatever its reverse name is.
    for i, a in enumerate(HANDLE_ADDRS):
        rr('h%d.handle.test' % i, 'AAAA' if ':' in a else 'A', a)


HANDLE_ADDRS = ['10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.1.4', '10.0.1.5',
                'fd00:1::1', 'fd00:1::2', '10.0.1.6', '10.0.1.8', '10.0.1.9',
                '10.0.1.12', '10.0.1.20', 'fd00:1::20', '10.0.2.1', '10.0.2.2',
                'fd00:2::5', '10.0.0.3', '10.0.0.4', '127.0.0.1', '10.0.1.11']

NAMED_CLIENTS = ['alpha.example.com', 'beta.example.com', 'gamma', 'dual.example.com',
                 'good.example.net', 'both.example.net', 'multi.example.net',
                 'localhost', 'mixed.example.net', 'www.corp.example.org']
NUMERIC_CLIENTS = ['10.0.0.1', '10.0.1.1', '10.0.1.77', '10.0.2.2', '10.1.2.3',
                   '192.168.7.7', '127.0.0.1', '172.16.5.4', 'fd00:1::1',
                   'fd00:1::99', 'fd00:2::5', '2001:db8::1', '::1', '10.255.255.254']
# IPv4-mapped clients, as a dual-stack socket reports IPv4 peers.
MAPPED_CLIENTS = ['::ffff:10.0.0.1', '::ffff:10.0.1.1', '::ffff:10.0.1.5',
                  '::ffff:127.0.0.1', '::ffff:192.168.7.7', '::ffff:10.0.2.2',
                  '::ffff:172.16.5.4', '::ffff:10.0.1.7']

# The service table hinetd-match reads: service name -> process name.
INETD_CONF = """\
telnet stream tcp nowait root /usr/sbin/tcpd /usr/sbin/in.telnetd
ftp stream tcp nowait root /usr/sbin/tcpd /usr/sbin/in.ftpd -l -a
finger stream tcp nowait nobody /usr/sbin/in.fingerd in.fingerd
"""
SERVICES = {'telnet': 'in.telnetd', 'ftp': 'in.ftpd', 'finger': 'in.fingerd'}
PROCESS_SERVICE = {v: k for k, v in SERVICES.items()}
SVC_MARK = '\x01'          # SVC_MARK + index + SVC_MARK: a service-name word
SERVERS = ['10.0.0.2', '192.168.7.7', '10.0.1.1', 'fd00:2::5', '10.9.9.9',
           'beta.example.com', 'srv.example.com', 'unknown', 'paranoid']


class DNS(threading.Thread):
    """A minimal authoritative DNS server for ZONE on 127.0.0.1:53."""

    TYPES = {'A': 1, 'AAAA': 28, 'CNAME': 5, 'PTR': 12}

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(('127.0.0.1', 53))

    @staticmethod
    def enc(name):
        out = b''
        for label in name.rstrip('.').split('.'):
            out += bytes([len(label)]) + label.encode()
        return out + b'\0'

    def rr(self, owner, rtype, value):
        if rtype == 'A':
            data = socket.inet_pton(socket.AF_INET, value)
        elif rtype == 'AAAA':
            data = socket.inet_pton(socket.AF_INET6, value)
        else:
            data = self.enc(value)
        return self.enc(owner) + struct.pack('!HHIH', self.TYPES[rtype], 1, 60,
                                             len(data)) + data

    def answer(self, pkt):
        qid, = struct.unpack('!H', pkt[:2])
        i, labels = 12, []
        while pkt[i]:
            labels.append(pkt[i + 1:i + 1 + pkt[i]].decode('latin1'))
            i += 1 + pkt[i]
        qtype, = struct.unpack('!H', pkt[i + 1:i + 3])
        question = pkt[12:i + 5]
        want = {1: 'A', 28: 'AAAA', 12: 'PTR', 5: 'CNAME'}.get(qtype)
        owner = '.'.join(labels)
        name = owner.lower()
        exists = name in ZONE
        answers = []
        for _ in range(8):
            recs = ZONE.get(name, [])
            cname = [v for t, v in recs if t == 'CNAME']
            if cname and want != 'CNAME':
                answers.append(self.rr(owner, 'CNAME', cname[0]))
                owner, name = cname[0], cname[0].lower()
                continue
            answers += [self.rr(owner, t, v) for t, v in recs if t == want]
            break
        hdr = struct.pack('!HHHHHH', qid, 0x8580 | (0 if exists else 3), 1,
                          len(answers), 0, 0)
        return hdr + question + b''.join(answers)

    def run(self):
        while True:
            pkt, peer = self.sock.recvfrom(4096)
            try:
                self.sock.sendto(self.answer(pkt), peer)
            except Exception:           # malformed query: ignore
                pass


# ------------------------------------------------------------ namespace ---

def mount(*args):
    subprocess.run(['mount'] + list(args), check=True)


def setup_namespace(work):
    """Private /etc files, /dev with a /dev/log we own, lo up, nscd hidden."""
    old_dev = os.path.join(work, 'olddev')
    os.mkdir(old_dev)
    mount('--bind', '/dev', old_dev)
    mount('-t', 'tmpfs', 'hinetd-dev', '/dev')
    for node in ('null', 'zero', 'urandom', 'random', 'tty'):
        if os.path.exists(os.path.join(old_dev, node)):
            open('/dev/' + node, 'w').close()
            mount('--bind', os.path.join(old_dev, node), '/dev/' + node)
    # Never leave the real /dev mounted inside the work directory: its
    # removal at the end would recurse into the machine's /dev.
    subprocess.run(['umount', '-l', old_dev], check=True)
    os.rmdir(old_dev)
    for d in ('/run/nscd', '/var/run/nscd', '/run/systemd/resolve'):
        if os.path.isdir(d) and not os.path.islink(d):
            mount('-t', 'tmpfs', 'hinetd-empty', d)
    files = {
        '/etc/hosts': ETC_HOSTS,
        '/etc/resolv.conf': 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n',
        '/etc/nsswitch.conf': 'hosts: files dns\nnetgroup: files\n',
    }
    for path, text in files.items():
        copy = os.path.join(work, os.path.basename(path))
        with open(copy, 'w') as f:
            f.write(text)
        mount('--bind', copy, path)
    # lo up (SIOCGIFFLAGS / SIOCSIFFLAGS), without needing ip(8).
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ifr = struct.pack('16sH14s', b'lo', 0, b'')
    flags = struct.unpack('16sH14s', fcntl.ioctl(s, 0x8913, ifr))[1]
    fcntl.ioctl(s, 0x8914, struct.pack('16sH14s', b'lo', flags | 1, b''))
    s.close()


class Syslog:
    def __init__(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind('/dev/log')
        self.sock.setblocking(False)

    def drain(self):
        out = []
        while True:
            try:
                msg = self.sock.recv(65536).decode('utf-8', 'replace')
            except BlockingIOError:
                return out
            if 'tcpdmatch: ' in msg:
                out.append(msg.split('tcpdmatch: ', 1)[1].rstrip('\n'))


# ------------------------------------------------------------ generator ---

def rcase(rng, s):
    """Random letter case (tcpd compares case-blind)."""
    r = rng.random()
    if r < 0.6:
        return s
    if r < 0.75:
        return s.upper()
    if r < 0.85:
        return s.lower()
    return ''.join(c.upper() if rng.random() < 0.5 else c.lower() for c in s)


HOST_NAMES = ['alpha.example.com', 'alpha', 'beta.example.com', 'gamma',
              'delta.example.com', 'dual.example.com', 'good.example.net',
              'canon.example.net', 'alias.example.net', 'liar.example.net',
              'mixed.example.net', 'six.example.net', 'both.example.net',
              'trail.example.net', 'local9', 'multi.example.net', 'localhost',
              'www.corp.example.org', 'v6.corp.example.org', 'srv.example.com']
SUFFIXES = ['.example.com', '.example.net', '.net', '.com', '.corp.example.org',
            '.org', '.example.org', '.ample.net', '.0.1.1', '.1']
PREFIXES = ['10.', '10.0.', '10.0.1.', '10.0.0.', '127.', '192.168.', '10.0.2.',
            '172.', 'good.', 'alpha.', 'www.', '10.0.1.1', 'fd00:1::.']
ADDRS = ['10.0.0.1', '10.0.1.1', '10.0.1.2', '10.0.1.5', '10.0.1.7', '10.0.2.2',
         '127.0.0.1', '192.168.7.7', '10.1.2.3', '10.0.0.3', '10.0.1.11']
V6 = ['[fd00:1::1]', '[fd00:1::7]', '[fd00:2::5]', '[::1]', '[FD00:1::2]',
      '[fd00:1:0::1]', '[2001:db8::1]', '[fd00::9]']
NETS = ['10.0.0.0/8', '10.0.1.0/24', '10.0.1.0/255.255.255.0', '10.0.0.0/255.255.0.0',
        '10.0.1.0/255.255.255.252', '10.0.1.4/30', '0.0.0.0/0.0.0.0', '127.0.0.0/8',
        '192.168.0.0/16', '10.0.2.0/255.255.255.254', '10.0.1.1/32', '172.16.0.0/12',
        '[fd00::]/16', '[fd00:1::]/64', '[fd00:1::]/127', '[fd00:2::]/32', '[::]/0',
        '[fd00:1::1]/128', '[::1]/128', '[2001:db8::]/32', '012.0.0.0/255.0.0.0',
        '10.0.1.0/255.0.255.0', '10.0.1.0/255.255.255.0']
WILDS = ['*.example.net', '10.0.1.?', '?ood.*', '*', 'g*', '*.EXAMPLE.*', '10.0.*',
         'unk*', 'par*', '*x*', '*.com', 'a?pha*', '*9', 'fd00:*', '1*.1', '?']
KEYWORDS = ['ALL', 'LOCAL', 'KNOWN', 'UNKNOWN', 'PARANOID']
DAEMONS = ['in.telnetd', 'in.ftpd', 'sshd', 'in.fingerd', 'in.talkd']
SVC_NAMES = sorted(SERVICES)


def render(text, for_tcpd):
    """A table with its service-name placeholders written out: the service
    name (random case) for hinetd-match, its process name for tcpdmatch."""
    parts = text.split(SVC_MARK)
    out = parts[0]
    for i in range(1, len(parts), 2):
        name, case = parts[i].split('/')
        out += SERVICES[name] if for_tcpd else case
        out += parts[i + 1]
    return out
USERS = ['bob', 'alice', 'root', 'nobody']


class Gen:
    def __init__(self, rng, listdir):
        self.rng = rng
        self.listdir = listdir
        self.files = []

    def host(self, allow_files=True):
        while True:
            h = self.host1(allow_files)
            # An unbracketed IPv6 word would split the rule at its ':';
            # such words appear only in list files.
            if not allow_files or ':' not in h or h.startswith('['):
                return h

    def host1(self, allow_files):
        r = self.rng.random()
        if r < 0.12:
            return rcase(self.rng, self.rng.choice(KEYWORDS))
        if r < 0.30:
            return rcase(self.rng, self.rng.choice(HOST_NAMES))
        if r < 0.38:
            return rcase(self.rng, self.rng.choice(SUFFIXES))
        if r < 0.48:
            return rcase(self.rng, self.rng.choice(PREFIXES))
        if r < 0.58:
            return self.rng.choice(ADDRS)
        if r < 0.64:
            return self.rng.choice(V6)
        if r < 0.78:
            return self.rng.choice(NETS)
        if r < 0.88:
            return rcase(self.rng, self.rng.choice(WILDS))
        if r < 0.91:
            return '@' + self.rng.choice(['trusted', 'netgrp'])
        if r < 0.97 and allow_files and self.files:
            return self.rng.choice(self.files)
        return rcase(self.rng, self.rng.choice(KEYWORDS))

    def make_files(self, n):
        """Pattern list files (words separated by white space)."""
        for i in range(n):
            words = [self.host(allow_files=False)
                     for _ in range(self.rng.randint(0, 5))]
            if i > 0 and self.rng.random() < 0.3:
                words.append(self.files[0])          # nested list
            if self.rng.random() < 0.3:
                words.insert(self.rng.randint(0, len(words)), '#')
            path = os.path.join(self.listdir, 'list%d' % i)
            with open(path, 'w') as f:
                f.write(''.join(w + self.rng.choice([' ', '\n', '\t', '  \n'])
                                for w in words))
            self.files.append(path)

    def client_item(self):
        h = self.host()
        if self.rng.random() < 0.12:
            u = self.rng.choice(USERS + ['KNOWN', 'UNKNOWN', 'ALL', 'b*', 'ALICE'])
            return rcase(self.rng, u) + '@' + h
        return h

    def daemon_item(self, with_server):
        if self.rng.random() < 0.25:
            name = self.rng.choice(SVC_NAMES)
            d = SVC_MARK + name + '/' + rcase(self.rng, name) + SVC_MARK
        else:
            d = rcase(self.rng, self.rng.choice(DAEMONS + ['ALL', 'ALL', 'in.*',
                                                           '*d', 'KNOWN', 'ALL']))
        if with_server and self.rng.random() < 0.3:
            return d + '@' + self.host()
        return d

    def lst(self, item, depth=0):
        words = [item() for _ in range(self.rng.choice([1, 1, 1, 2, 2, 3]))]
        if depth < 2 and self.rng.random() < 0.22:
            words += [rcase(self.rng, 'EXCEPT')] + self.lst(item, depth + 1)
        return words

    def join(self, words):
        out = words[0]
        for w in words[1:]:
            out += self.rng.choice([' ', ', ', ',', '\t', ' , '])
            if self.rng.random() < 0.08:
                out += '\\\n'                           # continuation line
            out += w
        return out

    def options(self, last):
        opts = []
        for _ in range(self.rng.choice([0, 0, 1, 1, 2])):
            opts.append(self.rng.choice([
                'spawn echo %a %c %d %h %n %s %u %H %A %N %%',
                'spawn (/bin/true %h) \\: x &', 'severity auth.notice',
                'severity=info', 'setenv FOO bar %c', 'umask 027', 'nice',
                'nice 5', 'keepalive', 'linger 10', 'setenv X  %n  y',
                'spawn = echo %d@%h', 'rfc931', 'rfc931 3']))
        if last and self.rng.random() < 0.5:
            opts.append(self.rng.choice(['allow', 'deny', 'ALLOW', 'DENY',
                                         'twist /bin/echo %a 421',
                                         'twist echo %u']))
        return opts

    def rule(self, with_server):
        text = self.join(self.lst(lambda: self.daemon_item(with_server)))
        text += self.rng.choice([':', ' : ', ': ', ' :'])
        text += self.join(self.lst(self.client_item))
        if self.rng.random() < 0.05:
            text += ' # not a comment'
        if self.rng.random() < 0.05:
            text = self.rng.choice([' ', '\t', ' # ']) + text
        opts = self.options(True)
        if opts:
            text += ' : ' + ' : '.join(opts)
        return text

    def table(self, with_server):
        lines = []
        for _ in range(self.rng.randint(0, 6)):
            r = self.rng.random()
            if r < 0.1:
                lines.append('# ' + self.rule(with_server).replace('\n', ' '))
            elif r < 0.15:
                lines.append('')
            else:
                lines.append(self.rule(with_server))
        return ''.join(l + ('\r\n' if self.rng.random() < 0.05 and
                            not l.endswith('\\') else '\n') for l in lines)

    def client(self):
        r = self.rng.random()
        if r < 0.08:
            c = rcase(self.rng, self.rng.choice(MAPPED_CLIENTS))
        elif r < 0.35:
            c = self.rng.choice(NUMERIC_CLIENTS)
        elif r < 0.65:
            c = 'h%d.handle.test' % self.rng.randrange(len(HANDLE_ADDRS))
        elif r < 0.92:
            c = self.rng.choice(NAMED_CLIENTS)
        else:
            c = self.rng.choice(['unknown', 'paranoid'])
        if self.rng.random() < 0.25:
            c = self.rng.choice(USERS) + '@' + c
        return c

    def query(self):
        """A daemon to ask about: a service name, a process name with or
        without a service."""
        return self.rng.choice(DAEMONS + SVC_NAMES)

    def daemon(self):
        d = self.query()
        if self.rng.random() < 0.3:
            d += '@' + self.rng.choice(SERVERS)
        return d


# Constructs tcpd accepts but can never match (it skips them, perhaps with
# a syslog warning); hinetd refuses them at load time.
NEVER_MATCH = ['10.0.1.1/24', '10.0.0.0/0', '10.0.0.0/33', '10.0.1.1/255.255.255.255',
               '10/8', '[10.0.0.1]', '[fd00:1::1/64]', '[::ffff:10.0.1.1]',
               '[fd00::]/129', '/nonexistent/list', '10.0.0.0/255.0.0.0.0',
               '[fd00::1].', '1.2.3.4.5/8']
NEUTRAL = 'nomatch.invalid'


# --------------------------------------------------------------- runner ---

def tcpd_daemon(daemon):
    """tcpdmatch's DAEMON for hinetd-match's: the process of a service."""
    d, at, server = daemon.partition('@')
    return SERVICES.get(d, d) + at + server


def unmap(text, client):
    """tcpdmatch's spelling of an IPv4-mapped client, as hinetd-match's."""
    addr = client.rpartition('@')[2]
    if not addr.lower().startswith('::ffff:'):
        return text
    return text.replace(addr, addr[7:])


def run_tcpdmatch(casedir, daemon, client, syslog):
    syslog.drain()
    p = subprocess.run(['tcpdmatch', '-d', tcpd_daemon(daemon), client], cwd=casedir,
                       capture_output=True, text=True, timeout=60)
    logged = [unmap(l, client) for l in syslog.drain()
              if l.startswith('matched:') or l.startswith('option:')]
    return p.returncode, unmap(p.stdout, client), logged


def run_match(binary, casedir, daemon, client):
    p = subprocess.run([binary, '-f', 'inetd.conf', '-s', 'policy.d',
                        '-A', 'hosts.allow', '-D', 'hosts.deny', daemon, client],
                       cwd=casedir, capture_output=True, text=True, timeout=60)
    extra = [l for l in p.stdout.splitlines()
             if l.startswith('matched:') or l.startswith('option:')]
    # The service line has no tcpdmatch counterpart: checked, then left out.
    d = daemon.partition('@')[0]
    svc = d if d in SERVICES else PROCESS_SERVICE.get(d)
    lines = [l for l in p.stdout.splitlines() if l.startswith('server:   service')]
    nverdicts = sum(1 for l in p.stdout.splitlines() if l.startswith('access:'))
    err = p.stderr
    if p.returncode != 2 and lines != ([] if svc is None else
                                       ['server:   service  %s' % svc] * nverdicts):
        err += 'wrong service line for %s: %r\n' % (daemon, lines)
        return 3, p.stdout, extra, err
    rest = ''.join(l + '\n' for l in p.stdout.splitlines()
                   if not (l.startswith('matched:') or l.startswith('option:') or
                           l.startswith('server:   service')))
    return p.returncode, rest, extra, err


def norm_opt(line):
    # tcpdmatch prints %p (its pid); neither side may differ on anything else.
    return line


def write_case(casedir, allow, deny, for_tcpd):
    with open(os.path.join(casedir, 'hosts.allow'), 'w') as f:
        f.write(render(allow, for_tcpd))
    with open(os.path.join(casedir, 'hosts.deny'), 'w') as f:
        f.write(render(deny, for_tcpd))


def main_in_namespace(args):
    binary = os.path.join(os.environ.get('HINETD_BIN', ''), 'hinetd-match')
    if not os.access(binary, os.X_OK):
        print('hinetd-match not found (set HINETD_BIN)', file=sys.stderr)
        return 1
    work = tempfile.mkdtemp(prefix='hinetd-diff-')
    build_zone()
    setup_namespace(work)
    DNS().start()
    syslog = Syslog()
    casedir = os.path.join(work, 'case')
    os.mkdir(casedir)
    os.mkdir(os.path.join(casedir, 'policy.d'))
    with open(os.path.join(casedir, 'inetd.conf'), 'w') as f:
        f.write(INETD_CONF)
    rng = random.Random(args.seed)
    gen = Gen(rng, work)
    gen.make_files(6)

    stats = {'cases': 0, 'predictions': 0, 'granted': 0, 'denied': 0,
             'delegated': 0, 'matched': 0, 'refused': 0, 'mapped': 0,
             'service': 0, 'svcword': 0}
    failures = []

    def fail(kind, allow, deny, daemon, client, detail):
        failures.append('--- %s: hinetd-match %s %s\nhosts.allow:\n%shosts.deny:\n%s%s'
                        % (kind, daemon, client, render(allow, False),
                           render(deny, False), detail))

    # Fixed cases first: every client kind against a catch-all rule.
    fixed = [('', 'ALL: ALL\n', d, c) for d in ('in.telnetd',)
             for c in NAMED_CLIENTS + NUMERIC_CLIENTS + MAPPED_CLIENTS +
             ['h%d.handle.test' % i for i in range(len(HANDLE_ADDRS))] +
             ['unknown', 'paranoid', 'bob@10.0.0.1']]
    fixed += [('ALL: PARANOID : allow\nALL: LOCAL\n', 'ALL: UNKNOWN\nALL: KNOWN : spawn %n\n',
               d, c) for d in ('sshd@10.0.0.2', 'sshd@unknown', 'sshd')
              for c in ['h%d.handle.test' % i for i in range(len(HANDLE_ADDRS))]]
    # Service and process names, mapped clients, against rules naming both.
    mark = lambda name, case: SVC_MARK + name + '/' + case + SVC_MARK
    svc_rules = ('%s %s@10.0.0.2: 10.0.0.0/8 : spawn %%d %%s %%a %%c\n'
                 'ALL EXCEPT %s: 10.0.1. : twist echo %%a\n'
                 % (mark('ftp', 'FTP'), mark('telnet', 'telnet'),
                    mark('finger', 'Finger')))
    fixed += [(svc_rules, 'ALL: ALL\n', d, c)
              for d in SVC_NAMES + sorted(PROCESS_SERVICE) + ['sshd', 'ftp@10.0.0.2']
              for c in ['10.0.0.1', '::ffff:10.0.0.1', '::FFFF:10.0.1.5',
                        'bob@::ffff:10.0.1.1', '::ffff:127.0.0.1']]

    cases = list(fixed)
    while len(cases) < args.count:
        with_server = rng.random() < 0.3
        cases.append((gen.table(with_server), gen.table(with_server),
                      gen.daemon() if with_server else gen.query(),
                      gen.client()))

    for allow, deny, daemon, client in cases:
        stats['cases'] += 1
        write_case(casedir, allow, deny, True)
        trc, tout, tlog = run_tcpdmatch(casedir, daemon, client, syslog)
        write_case(casedir, allow, deny, False)
        mrc, mout, mlog, merr = run_match(binary, casedir, daemon, client)
        if trc != 0:
            # tcpdmatch could not set the request up (host not found...).
            if mrc != 2:
                fail('tcpdmatch failed, hinetd-match did not', allow, deny,
                     daemon, client, 'tcpdmatch rc %d; hinetd-match rc %d\n%s'
                     % (trc, mrc, mout))
            continue
        verdicts = [l.split()[1] for l in tout.splitlines() if l.startswith('access:')]
        stats['predictions'] += len(verdicts)
        if client.rpartition('@')[2].lower().startswith('::ffff:'):
            stats['mapped'] += len(verdicts)
        if daemon.partition('@')[0] in SERVICES:
            stats['service'] += len(verdicts)
        if SVC_MARK in allow + deny:
            stats['svcword'] += len(verdicts)
        for v in verdicts:
            stats[v] = stats.get(v, 0) + 1
        stats['matched'] += sum(1 for l in tlog if l.startswith('matched:'))
        want_rc = 1 if 'denied' in verdicts else 0
        if mrc == 2:
            fail('hinetd-match refused', allow, deny, daemon, client, merr)
        elif tout != mout or tlog != [norm_opt(l) for l in mlog] or mrc != want_rc:
            fail('disagreement', allow, deny, daemon, client,
                 'tcpdmatch:\n%s%s\nhinetd-match (rc %d):\n%s%s\n%s'
                 % (tout, '\n'.join(tlog), mrc, mout, '\n'.join(mlog), merr))

    # Refused constructs: hinetd errors out; tcpd treats them as no match.
    for _ in range(max(20, args.count // 8)):
        with_server = rng.random() < 0.3
        allow, deny = gen.table(with_server), gen.table(with_server)
        bad = rng.choice(NEVER_MATCH)
        which = rng.random() < 0.5
        line = 'ALL : %s %s %s\n' % (gen.host(), bad,
                                     rng.choice(['', 'EXCEPT ' + gen.host()]))
        phys = (allow if which else deny).splitlines(True)
        pos = rng.choice([i for i in range(len(phys) + 1)
                          if i == 0 or not phys[i - 1].rstrip('\r\n').endswith('\\')])
        def insert(text, l):
            lines = text.splitlines(True)
            return ''.join(lines[:pos] + [l] + lines[pos:])
        if which:
            allow_bad, allow_ok, deny_bad, deny_ok = (insert(allow, line),
                insert(allow, line.replace(bad, NEUTRAL)), deny, deny)
        else:
            allow_bad, allow_ok, deny_bad, deny_ok = (allow, allow,
                insert(deny, line), insert(deny, line.replace(bad, NEUTRAL)))
        daemon = gen.daemon() if with_server else gen.query()
        client = gen.client()
        stats['refused'] += 1
        write_case(casedir, allow_bad, deny_bad, False)
        mrc, mout, mlog, merr = run_match(binary, casedir, daemon, client)
        fname = 'hosts.allow' if which else 'hosts.deny'
        if mrc != 2 or ('%s:%d:' % (fname, pos + 1)) not in merr:
            fail('not refused', allow_bad, deny_bad, daemon, client,
                 'hinetd-match rc %d, wanted 2 with %s:%d:\n%s'
                 % (mrc, fname, pos + 1, merr))
            continue
        write_case(casedir, allow_bad, deny_bad, True)
        trc, tout, tlog = run_tcpdmatch(casedir, daemon, client, syslog)
        write_case(casedir, allow_ok, deny_ok, True)
        trc2, tout2, tlog2 = run_tcpdmatch(casedir, daemon, client, syslog)
        if (trc, tout, tlog) != (trc2, tout2, tlog2):
            fail('tcpd matched a refused construct', allow_bad, deny_bad, daemon,
                 client, 'with %s:\n%s%s\nwith %s:\n%s%s'
                 % (bad, tout, tlog, NEUTRAL, tout2, tlog2))

    for f in failures[:25]:
        print(f)
    print('differential: seed %d: %d cases, %d predictions (%d granted, %d denied, '
          '%d delegated, %d matched a rule; %d for IPv4-mapped clients, %d asked '
          'by service name, %d with rules naming services), %d refused-construct '
          'cases, %d disagreements'
          % (args.seed, stats['cases'], stats['predictions'], stats['granted'],
             stats['denied'], stats['delegated'], stats['matched'],
             stats['mapped'], stats['service'], stats['svcword'],
             stats['refused'], len(failures)))
    if args.keep:
        print('work directory kept:', work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seed', type=int, default=20240607)
    ap.add_argument('--count', type=int, default=400)
    ap.add_argument('--keep', action='store_true')
    args = ap.parse_args()
    if os.geteuid() != 0:
        print('differential_tcpdmatch: needs root (namespaces); skipped')
        return SKIP
    if shutil.which('tcpdmatch') is None and not os.path.exists('/usr/sbin/tcpdmatch'):
        print('differential_tcpdmatch: tcpdmatch (package tcpd) not installed; skipped')
        return SKIP
    os.environ['PATH'] = os.environ.get('PATH', '') + ':/usr/sbin:/sbin'
    if os.environ.get('HINETD_DIFF_NS') != '1':
        unshare = shutil.which('unshare')
        if unshare is None:
            print('differential_tcpdmatch: unshare(1) missing; skipped')
            return SKIP
        env = dict(os.environ, HINETD_DIFF_NS='1')
        p = subprocess.run([unshare, '--net', '--mount', '--propagation', 'private',
                            sys.executable, os.path.abspath(__file__)] + sys.argv[1:],
                           env=env)
        return p.returncode
    return main_in_namespace(args)


if __name__ == '__main__':
    sys.exit(main())
