#!/bin/bash
# bench/run.sh — hinetd's benchmark, side by side with bare references and
# peer superservers, in one run.  See bench/README.md for what each figure means.
#
#   bench/run.sh [--quick] [--reps N] [--seconds S] [--only LIST] [--no-extras]
#                [--nofile N] [BUILD_DIR]
#
#   BUILD_DIR   CMake build directory holding bin/hinetd and
#               bin/hinetd-listener (default: build/ at the project root).
#               When hinetd is absent or does not start, it is skipped with a
#               message and everything else still runs.
#   --quick     about 2.5-3 minutes: shorter measurements, 10,000 instead of
#               100,000 connections for the privd memory check
#   --reps N    repetitions of the whole matrix (default 5, --quick 3;
#               minimum 1; one or two outlying repetitions do not set a
#               median of 5); the
#               order of the servers rotates from one repetition to the next
#   --seconds S measured seconds per point (default 2.0; --quick 0.7)
#   --only LIST comma-separated server names to run (references are always
#               kept so that ratios exist)
#   --no-extras skip the hinetd-only checks (1000 services, 10,000 idle
#               connections, privd memory)
#   --nofile N  soft RLIMIT_NOFILE for the servers during the matrix
#               (default 1024, the usual service default; the extras run with
#               the soft limit raised to the hard limit)
#
# Must run as root (services switch to "nobody"; the peers need root).
# Loopback only: the measurements run in a private network namespace
# (unshare --net) whose only interface is its own loopback; every server binds
# 127.0.0.1 and every connection goes there.  Ports come from 21000-29999.
# The same run also has a private mount namespace in which /etc/services is
# a private copy (the peers find built-ins like daytime only by service name,
# so the name must map to a private port) and /run is an empty tmpfs
# (openbsd-inetd writes /run/inetd.pid unconditionally): the system's files
# are never touched.  Every process started is killed by pid at the end.
# Peers and tools live in $HINETD_BENCH_CACHE (default /var/tmp/hinetd-bench),
# results in $HINETD_BENCH_CACHE/results/DATE/.
set -u
umask 022

ORIG_ARGS=("$@")
QUICK=0
REPS=
MEAS=""
ONLY=""
EXTRAS=1
NOFILE_MATRIX=1024
BUILD_ARG=""

usage() {
	sed -n '2,/^set -u/p' "$0" | sed -e '/^set -u/d' -e 's/^# \{0,1\}//'
	exit "$1"
}

while [ $# -gt 0 ]; do
	case "$1" in
	--quick) QUICK=1 ;;
	--reps) REPS=${2:?}; shift ;;
	--seconds) MEAS=${2:?}; shift ;;
	--only) ONLY=${2:?}; shift ;;
	--no-extras) EXTRAS=0 ;;
	--nofile) NOFILE_MATRIX=${2:?}; shift ;;
	-h | --help) usage 0 ;;
	-*) echo "run.sh: unknown option $1" >&2; usage 2 ;;
	*) [ -n "$BUILD_ARG" ] && usage 2; BUILD_ARG=$1 ;;
	esac
	shift
done
[ -n "$REPS" ] || REPS=$([ "$QUICK" = 1 ] && echo 3 || echo 5)
case "$REPS" in '' | *[!0-9]* | 0) echo "run.sh: --reps wants a number >= 1" >&2; exit 2 ;; esac

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(dirname "$BENCH_DIR")
CACHE=${HINETD_BENCH_CACHE:-/var/tmp/hinetd-bench}

# --- parameters ---------------------------------------------------------------
if [ "$QUICK" = 1 ]; then
	: "${MEAS:=0.7}"
	WARM=0.2
	PRIVD_CONNS=10000
	HOLD_SECONDS=3
	WATCHDOG=420
else
	: "${MEAS:=2.0}"
	WARM=0.5
	PRIVD_CONNS=100000
	HOLD_SECONDS=5
	WATCHDOG=1200
fi
IDLE_CONNS=10000
CONN_TIMEOUT_MS=3000
CLIENT_COUNTS="8 32"

case "$BUILD_ARG" in
'') BUILD="$ROOT_DIR/build" ;;
/*) BUILD=$BUILD_ARG ;;
*) if [ -d "$BUILD_ARG" ]; then BUILD=$(cd "$BUILD_ARG" && pwd); else BUILD="$ROOT_DIR/$BUILD_ARG"; fi ;;
esac
HINETD="$BUILD/bin/hinetd"

TOOLS="$CACHE/tools"
msg() { echo "bench: $*" >&2; }

build_tools() {
	local need=0 f
	for f in loadgen ref_fork ref_spawn ref_sandbox ref_inline oneline syslog_sink; do
		if [ ! -x "$TOOLS/$f" ] || [ "$BENCH_DIR/$f.c" -nt "$TOOLS/$f" ] ||
		    [ "$BENCH_DIR/ref_common.h" -nt "$TOOLS/$f" ]; then
			need=1
		fi
	done
	[ "$need" = 1 ] || return 0
	msg "building tools into $TOOLS"
	gcc -O2 -Wall -Wextra -o "$TOOLS/loadgen" "$BENCH_DIR/loadgen.c" -lm &&
	gcc -O2 -Wall -Wextra -o "$TOOLS/ref_fork" "$BENCH_DIR/ref_fork.c" &&
	gcc -O2 -Wall -Wextra -o "$TOOLS/ref_spawn" "$BENCH_DIR/ref_spawn.c" &&
	gcc -O2 -Wall -Wextra -o "$TOOLS/ref_sandbox" "$BENCH_DIR/ref_sandbox.c" -lseccomp &&
	gcc -O2 -Wall -Wextra -o "$TOOLS/ref_inline" "$BENCH_DIR/ref_inline.c" &&
	gcc -O2 -Wall -Wextra -o "$TOOLS/syslog_sink" "$BENCH_DIR/syslog_sink.c" &&
	gcc -static -O2 -Wall -Wextra -o "$TOOLS/oneline" "$BENCH_DIR/oneline.c" ||
		{ msg "tool build failed"; exit 1; }
}

# --- outside: build the tools, fetch the peers, then enter the namespaces ----------
# The measurements run in a private network namespace (only its own loopback
# exists: nothing can leave the machine, no port can collide with another
# program's, and the kernel's TCP counters count only this run) and a private
# mount namespace (/etc/services and /run, below).
if [ -z "${HINETD_BENCH_IN_NS:-}" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "run.sh: must run as root" >&2
		exit 1
	fi
	for t in gcc unshare mount awk ip bc; do
		command -v "$t" >/dev/null || { echo "run.sh: $t not found" >&2; exit 1; }
	done
	RUN="$CACHE/results/$(date +%Y%m%d-%H%M%S)"
	mkdir -p "$RUN/logs" "$TOOLS" || exit 1
	build_tools
	# peers.sh needs the network (apt): before unshare --net
	"$BENCH_DIR/peers.sh" "$CACHE" 2>"$RUN/logs/peers-setup.log" ||
		msg "some peers are missing (see $RUN/logs/peers-setup.log); continuing with the others"
	export HINETD_BENCH_IN_NS=1 HINETD_BENCH_RUN="$RUN"
	exec unshare --net --mount --propagation private -- "$BASH" "$0" "${ORIG_ARGS[@]}"
	echo "run.sh: unshare failed" >&2
	exit 1
fi

RUN=$HINETD_BENCH_RUN
WORK="$RUN/work"
LOGS="$RUN/logs"
RAW="$RUN/raw.txt"
REPORT="$RUN/report.txt"
EXTRAS_OUT="$RUN/extras.txt"
mkdir -p "$WORK" "$LOGS" || exit 1
cd "$WORK" || exit 1	# stray files, if any, land here and not in the tree
: >"$RAW"
: >"$EXTRAS_OUT"
ip link set lo up || { msg "cannot bring up the private loopback"; exit 1; }

# --- process tracking and cleanup ---------------------------------------------
declare -A TRACKED=()	# pid -> description
WATCHDOG_PID=""

track() { [ -n "${1:-}" ] && TRACKED[$1]=${2:-process}; }
untrack() { unset "TRACKED[$1]" 2>/dev/null; }

# alive PID: exists and is not a zombie
alive() {
	local line st
	read -r line 2>/dev/null <"/proc/$1/stat" || return 1
	st=${line##*) }
	st=${st%% *}
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# children_of PID -> "pid comm state" lines
children_of() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v P="$1" '{
		c = $0; sub(/^[^(]*\(/, "", c); sub(/\)[^)]*$/, "", c)
		s = $0; sub(/^.*\) /, "", s); split(s, F, " ")
		if (F[2] == P) { split($0, H, " "); print H[1], c, F[1] }
	}'
}

# descendants_of PID -> pids of all its descendants (children first)
descendants_of() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v P="$1" '{
		s = $0; sub(/^.*\) /, "", s); split(s, F, " "); split($0, H, " ")
		kids[F[2]] = kids[F[2]] " " H[1]
	}
	END {
		q[1] = P; n = 1
		for (i = 1; i <= n; i++) {
			m = split(kids[q[i]], K, " ")
			for (j = 1; j <= m; j++) { q[++n] = K[j]; print K[j] }
		}
	}'
}

stop_pid() {	# PID [grace in 20 ms steps]
	local pid=$1 n=${2:-150} i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < n; i++)); do
		alive "$pid" || break
		sleep 0.02
	done
	if alive "$pid"; then
		kill -KILL "$pid" 2>/dev/null
		sleep 0.05
	fi
	wait "$pid" 2>/dev/null
	untrack "$pid"
	return 0
}

cleanup() {
	local pid k f
	trap - EXIT INT TERM
	for pid in "${!TRACKED[@]}"; do
		for k in $(descendants_of "$pid"); do TRACKED[$k]=descendant; done
	done
	for pid in "${!TRACKED[@]}"; do
		alive "$pid" && kill -TERM "$pid" 2>/dev/null
	done
	sleep 0.3
	for pid in "${!TRACKED[@]}"; do
		alive "$pid" && kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	if [ -n "$WATCHDOG_PID" ]; then
		kill -TERM "$WATCHDOG_PID" 2>/dev/null
		wait "$WATCHDOG_PID" 2>/dev/null
	fi
	# keep the logs small: the last 200 lines of each
	for f in "$LOGS"/*.log; do
		[ -f "$f" ] || continue
		if [ "$(wc -l <"$f")" -gt 200 ]; then
			tail -n 200 "$f" >"$f.tmp" && mv "$f.tmp" "$f"
		fi
	done
}
on_signal() {
	msg "interrupted (or the ${WATCHDOG}s watchdog fired): stopping everything"
	[ -s "$RAW" ] && report >&2
	exit 130
}
trap cleanup EXIT
trap on_signal INT TERM

# watchdog: the whole run is bounded; on expiry the main shell gets SIGTERM
(
	trap 'kill $sp 2>/dev/null; exit 0' TERM
	sleep "$WATCHDOG" &
	sp=$!
	wait $sp
	kill -TERM $$ 2>/dev/null
) &
WATCHDOG_PID=$!

# --- tools and peers -------------------------------------------------------------
LOADGEN="$TOOLS/loadgen"
ONELINE="$TOOLS/oneline"
OBSD="$CACHE/root/openbsd-inetd/usr/sbin/inetd"
XINETD="$CACHE/root/xinetd/usr/sbin/xinetd"
IUTILS="$CACHE/root/inetutils-inetd/usr/sbin/inetutils-inetd"
BUSYBOX="$CACHE/bin/busybox"
TCPSERVER="$CACHE/root/ucspi-tcp/usr/bin/tcpserver"
[ -x "$TCPSERVER" ] || TCPSERVER=$(command -v tcpserver || echo /nonexistent)

NOBODY_UID=$(id -u nobody 2>/dev/null || echo 65534)
NOBODY_GID=$(id -g nobody 2>/dev/null || echo 65534)

# --- the private namespace: /etc/services and /run -------------------------------
SERVICES="$WORK/services"
# write_services EXEC_PORT DAYTIME_PORT ECHO_PORT (rewritten in place: same
# inode, so the bind mount shows the new content)
write_services() {
	{
		grep -v -E '^(hb-exec|daytime|echo)[[:space:]]' "$WORK/services.base"
		printf 'hb-exec\t\t%s/tcp\n' "$1"
		printf 'daytime\t\t%s/tcp\ndaytime\t\t%s/udp\n' "$2" "$2"
		printf 'echo\t\t%s/tcp\necho\t\t%s/udp\n' "$3" "$3"
	} >"$SERVICES"
}
cp /etc/services "$WORK/services.base"
: >"$SERVICES"
mount --bind "$SERVICES" /etc/services || { msg "cannot bind-mount a private /etc/services"; exit 1; }
mount -t tmpfs -o size=4m,mode=755 hinetd-bench-run /run || { msg "cannot mount a private /run"; exit 1; }
write_services 1 2 3

# A /dev of this run's own, with a /dev/log: servers run as deployed log to
# syslog, and syslog_sink reads and discards every line (the machine may
# have no syslog daemon, and a real one's cost is not what is measured).
# The machine's device nodes and directories are bound into a tmpfs.
private_dev() {
	local old="$WORK/dev.orig" e name
	mkdir -p "$old"
	mount --rbind /dev "$old" || return 1
	mount -t tmpfs -o size=1m,mode=755 hinetd-bench-dev /dev || return 1
	for e in "$old"/* "$old"/.[!.]*; do
		[ -e "$e" ] || [ -L "$e" ] || continue
		name=${e##*/}
		[ "$name" = log ] && continue
		if [ -L "$e" ]; then
			cp -P "$e" "/dev/$name"
		elif [ -d "$e" ]; then
			mkdir "/dev/$name" && mount --rbind "$e" "/dev/$name"
		else
			: >"/dev/$name" && mount --bind "$e" "/dev/$name"
		fi
	done
}
private_dev || { msg "cannot make a private /dev with a /dev/log"; exit 1; }
setsid "$TOOLS/syslog_sink" /dev/log </dev/null >>"$LOGS/syslog.log" 2>&1 &
SINK_PID=$!
track "$SINK_PID" syslog_sink
for _ in $(seq 50); do [ -S /dev/log ] && break; sleep 0.02; done
[ -S /dev/log ] || { msg "syslog_sink did not start (see $LOGS/syslog.log)"; exit 1; }

# --- ports -----------------------------------------------------------------------
NEXT_PORT=21000
# listening_ports: every TCP port in LISTEN state (any address), one a line.
# ss asks the kernel for listening sockets only; /proc/net/tcp would also
# list the tens of thousands of TIME_WAIT sockets a run leaves behind.
listening_ports() {
	if command -v ss >/dev/null; then
		ss -Hltn 2>/dev/null | awk '{ n = split($4, a, ":"); print a[n] }'
	else
		awk 'function hex(h,   i, v) { v = 0; for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789ABCDEF", substr(h, i, 1)) - 1; return v }
			NR > 1 && $4 == "0A" { split($2, a, ":"); print hex(a[2]) }' \
			/proc/net/tcp /proc/net/tcp6 2>/dev/null
	fi
}
next_port() {
	local used
	used=" $(listening_ports | tr '\n' ' ') "
	while [[ "$used" == *" $NEXT_PORT "* ]]; do NEXT_PORT=$((NEXT_PORT + 1)); done
	PORT=$NEXT_PORT
	NEXT_PORT=$((NEXT_PORT + 1))
	if [ "$NEXT_PORT" -gt 27500 ]; then NEXT_PORT=21000; fi
}
# port_block N -> BLOCK: N consecutive ports in 28000-29999 that nothing listens on
port_block() {
	BLOCK=$(listening_ports | awk -v n="$1" '{ u[$1] = 1 }
		END {
			for (b = 28000; b + n <= 30000; b += 50) {
				for (p = b; p < b + n && !(p in u); p++) ;
				if (p == b + n) { print b; exit }
			}
		}')
	[ -n "$BLOCK" ]
}

# proc_kb PID FILE FIELD: a "FIELD: N kB" line of /proc/PID/FILE.
proc_kb() { awk -v k="$3:" '$1 == k { print $2 }' "/proc/$1/$2" 2>/dev/null; }
rss_kb() { proc_kb "$1" status VmRSS; }
hwm_kb() { proc_kb "$1" status VmHWM; }
# What of a process's resident memory is its own: RssAnon (private data,
# heap, stacks) and Pss (shared library pages divided among their users).
mem_detail() {
	printf 'RssAnon %s KiB, RssFile %s KiB, Pss %s KiB' \
		"$(proc_kb "$1" status RssAnon)" "$(proc_kb "$1" status RssFile)" \
		"$(proc_kb "$1" smaps_rollup Pss)"
}
listener_of() { children_of "$1" | awk '$2 ~ /^hinetd-listen/ { print $1; exit }'; }

# --- servers -----------------------------------------------------------------------
# hinetd runs as deployed (detached, logging every connection to syslog);
# hinetd-d is the same daemon with -d (foreground, log lines on stderr,
# batched), for comparison.  Neither is a peer of the other.
EXEC_SERVERS="ref_fork ref_spawn ref_sandbox hinetd hinetd-d openbsd-inetd xinetd inetutils-inetd busybox-inetd tcpserver"
BUILTIN_SERVERS="ref_inline hinetd hinetd-d openbsd-inetd xinetd inetutils-inetd busybox-inetd"
declare -A SKIP=()	# name -> reason

bin_of() {
	case "$1" in
	ref_fork | ref_spawn | ref_sandbox | ref_inline) echo "$TOOLS/$1" ;;
	hinetd | hinetd-d) echo "$HINETD" ;;
	openbsd-inetd) echo "$OBSD" ;;
	xinetd) echo "$XINETD" ;;
	inetutils-inetd) echo "$IUTILS" ;;
	busybox-inetd) echo "$BUSYBOX" ;;
	tcpserver) echo "$TCPSERVER" ;;
	esac
}

HINETD_POLICY_NOTE="limits: instances/per_source UNLIMITED, cps 1000000 1 (policy defaults)"
hinetd_files() {	# DIR: policy dir, hosts files
	local d=$1
	mkdir -p "$d/policy"
	: >"$d/hosts.allow"
	: >"$d/hosts.deny"
	if [ "${HINETD_NO_DEFAULTS:-0}" = 1 ]; then
		rm -f "$d/policy/00-bench-defaults"
	else
		cat >"$d/policy/00-bench-defaults" <<-'EOF'
		# bench: every rate limiter off, as for the peers
		defaults
		{
			instances	= UNLIMITED
			per_source	= UNLIMITED
			cps		= 1000000 1
		}
		EOF
	fi
}
hinetd_cmd() {	# DIR CONF [-d]
	echo "$HINETD" ${3:-} -f "$2" -s "$1/policy" -A "$1/hosts.allow" -D "$1/hosts.deny" \
		-p "$1/hinetd.pid"
}
# hinetd_launch DIR CONF LOG [-d] -> LAUNCH_PID.  As deployed, hinetd
# detaches and its command returns once it serves (0) or failed; its pid
# is then in the pid file.  With -d it stays in the foreground: started in
# the background, its pid is $!.  Either way in a session of its own.
hinetd_launch() {
	LAUNCH_PID=""
	rm -f "$1/hinetd.pid"
	if [ "${4:-}" = -d ]; then
		setsid $(hinetd_cmd "$1" "$2" -d) </dev/null >>"$3" 2>&1 &
		LAUNCH_PID=$!
	else
		setsid $(hinetd_cmd "$1" "$2") </dev/null >>"$3" 2>&1 || return 1
		LAUNCH_PID=$(cat "$1/hinetd.pid" 2>/dev/null) || return 1
	fi
}

# start_server NAME MODE PORT [full] -> SRV_PID (0 = ready)
# Ready means: the port is in LISTEN state, and for built-ins (or with "full")
# one request was answered.  An exec'd service is not probed with a request:
# inetutils-inetd sleeps one second whenever a child's SIGCHLD interrupts its
# select(), which the probe's child would trigger right before the load.
# Every server starts in a session of its own (setsid), as a daemon does:
# with the kernel's autogroups, a server left in this script's session would
# share one CPU share with the load generator, while the children that make
# sessions of their own (hinetd's, busybox inetd's) get one each, so servers
# would be measured under different scheduling.  (setsid execs in place:
# this script has no job control, so $! is the server.)
start_server() {
	local name=$1 mode=$2 port=$3 full=${4:-} d="$WORK/$1" log="$LOGS/$1.log" i conf
	SRV_PID=""
	mkdir -p "$d"
	echo "=== $(date +%T) start $mode port $port" >>"$log"
	case "$mode" in
	exec) write_services "$port" 1 2 ;;
	*) write_services 1 "$port" 2 ;;
	esac
	case "$name" in
	ref_fork | ref_spawn)
		setsid "$TOOLS/$name" "$port" "$ONELINE" "$NOBODY_UID" "$NOBODY_GID" </dev/null >>"$log" 2>&1 &
		SRV_PID=$! ;;
	ref_sandbox)
		setsid "$TOOLS/ref_sandbox" "$port" "$ONELINE" "$NOBODY_UID" "$NOBODY_GID" \
			"$SANDBOX_DENY" </dev/null >>"$log" 2>&1 &
		SRV_PID=$! ;;
	ref_inline)
		setsid "$TOOLS/ref_inline" "$port" </dev/null >>"$log" 2>&1 &
		SRV_PID=$! ;;
	hinetd | hinetd-d)
		hinetd_files "$d"
		conf="$d/inetd.conf"
		if [ "$mode" = exec ]; then
			echo "127.0.0.1:$port stream tcp nowait nobody $ONELINE oneline" >"$conf"
		else
			echo "127.0.0.1:daytime stream tcp nowait root internal" >"$conf"
		fi
		hinetd_launch "$d" "$conf" "$log" "$([ "$name" = hinetd-d ] && echo -d)" || return 1
		SRV_PID=$LAUNCH_PID ;;
	openbsd-inetd | inetutils-inetd | busybox-inetd)
		conf="$d/inetd.conf"
		if [ "$mode" = exec ]; then
			echo "127.0.0.1:hb-exec stream tcp nowait nobody $ONELINE oneline" >"$conf"
		else
			echo "127.0.0.1:daytime stream tcp nowait root internal" >"$conf"
		fi
		case "$name" in
		openbsd-inetd)
			# -i: foreground; -R: invocations per minute (default 256); -q: backlog
			setsid "$OBSD" -i -R 2000000000 -q 128 "$conf" </dev/null >>"$log" 2>&1 &
			SRV_PID=$! ;;
		busybox-inetd)
			# -f: foreground; -R 0: no per-minute limit; -q: backlog
			setsid "$BUSYBOX" inetd -f -R 0 -q 128 "$conf" </dev/null >>"$log" 2>&1 &
			SRV_PID=$! ;;
		inetutils-inetd)
			# -R: per-minute looping guard (default 1000); no foreground
			# mode without debug output, so it daemonizes: pid from its pid file
			rm -f "$d/pid"
			setsid "$IUTILS" -R 2000000000 --pidfile="$d/pid" "$conf" </dev/null >>"$log" 2>&1
			for ((i = 0; i < 50; i++)); do
				[ -s "$d/pid" ] && break
				sleep 0.05
			done
			SRV_PID=$(cat "$d/pid" 2>/dev/null) ;;
		esac ;;
	xinetd)
		conf="$d/xinetd.conf"
		{
			cat <<-'EOF'
			defaults
			{
				instances	= UNLIMITED
				per_source	= UNLIMITED
				cps		= 1000000 1
			}
			EOF
			if [ "$mode" = exec ]; then
				cat <<-EOF
				service hb-exec
				{
					socket_type	= stream
					protocol	= tcp
					wait		= no
					user		= nobody
					server		= $ONELINE
					bind		= 127.0.0.1
					flags		= NOLIBWRAP
				}
				EOF
			else
				cat <<-'EOF'
				service daytime
				{
					type		= INTERNAL
					id		= daytime-stream
					socket_type	= stream
					protocol	= tcp
					wait		= no
					user		= root
					bind		= 127.0.0.1
					flags		= NOLIBWRAP
				}
				EOF
			fi
		} >"$conf"
		setsid "$XINETD" -dontfork -f "$conf" -pidfile "$d/pid" </dev/null >>"$log" 2>&1 &
		SRV_PID=$! ;;
	tcpserver)
		# -H -R -l0: no DNS, no ident; -b: backlog (default 20); -c: concurrency (default 40)
		setsid "$TCPSERVER" -HRl0 -b 128 -c 100000 -u "$NOBODY_UID" -g "$NOBODY_GID" \
			127.0.0.1 "$port" "$ONELINE" </dev/null >>"$log" 2>&1 &
		SRV_PID=$! ;;
	esac
	[ -n "$SRV_PID" ] || { echo "no pid" >>"$log"; return 1; }
	track "$SRV_PID" "$name"
	if [ "$mode" = exec ] && [ -z "$full" ]; then
		if ! "$LOADGEN" --probe --listen "$port-$port" --listen-only -p "$port" -t 5 >>"$log" 2>&1; then
			echo "=== not listening on port $port" >>"$log"
			return 1
		fi
	elif ! "$LOADGEN" --probe -p "$port" -t 5 >>"$log" 2>&1; then
		echo "=== not answering on port $port" >>"$log"
		return 1
	fi
	alive "$SRV_PID" || { echo "=== exited" >>"$log"; return 1; }
	return 0
}

# stop_server NAME: SIGTERM the server; then its descendants still alive
# (hinetd's listener, services still running) by pid
stop_server() {
	local kids k
	[ -n "${SRV_PID:-}" ] || return 0
	kids=$(descendants_of "$SRV_PID")
	for k in $kids; do track "$k" "$1 descendant"; done
	stop_pid "$SRV_PID"
	for k in $kids; do
		alive "$k" && stop_pid "$k" 25
		untrack "$k"
	done
	SRV_PID=""
}

# --- hinetd: present and starting? ------------------------------------------------------
HINETD_OK=0
check_hinetd() {
	local d="$WORK/hinetd-check" conf out
	if [ ! -x "$HINETD" ]; then
		SKIP[hinetd]="binary $HINETD not found (build it: cmake -B build && cmake --build build; or pass the build dir)"
		return
	fi
	hinetd_files "$d"
	conf="$d/inetd.conf"
	echo "127.0.0.1:daytime stream tcp nowait root internal" >"$conf"
	if ! out=$(timeout 10 $(hinetd_cmd "$d" "$conf") -t 2>&1); then
		echo "$out" >"$LOGS/hinetd-check.log"
		HINETD_NO_DEFAULTS=1
		hinetd_files "$d"
		if timeout 10 $(hinetd_cmd "$d" "$conf") -t >>"$LOGS/hinetd-check.log" 2>&1; then
			HINETD_POLICY_NOTE="policy defaults file refused by hinetd -t (see logs/hinetd-check.log); run with hinetd's built-in limit defaults"
		else
			HINETD_NO_DEFAULTS=0
			msg "hinetd -t fails even without the policy file (see $LOGS/hinetd-check.log); trying to start anyway"
		fi
	fi
	next_port
	if ! start_server hinetd exec "$PORT" full; then
		stop_server hinetd
		SKIP[hinetd]="failed to start or to answer (see $LOGS/hinetd.log): $(tail -n 3 "$LOGS/hinetd.log" | tr '\n' ' ' | cut -c1-300)"
		return
	fi
	stop_server hinetd
	HINETD_OK=1
	next_port
	if ! start_server hinetd builtin "$PORT"; then
		SKIP[hinetd:builtin]="built-in daytime does not answer (see $LOGS/hinetd.log): $(grep -m1 'daytime' "$LOGS/hinetd.log" | cut -c1-200)"
	fi
	stop_server hinetd
}
export HINETD_NO_DEFAULTS=0

for s in $EXEC_SERVERS $BUILTIN_SERVERS; do
	[ -n "${SKIP[$s]:-}" ] && continue
	b=$(bin_of "$s")
	if [ "$s" != hinetd ] && [ "$s" != hinetd-d ] && [ ! -x "$b" ]; then
		SKIP[$s]="not available ($b missing; see $LOGS/peers-setup.log)"
	fi
	if [ -n "$ONLY" ] && [[ ",$ONLY,ref_fork,ref_spawn,ref_sandbox,ref_inline," != *",$s,"* ]]; then
		SKIP[$s]="not selected (--only)"
	fi
done
[ -z "${SKIP[hinetd]:-}" ] && check_hinetd
[ -n "${SKIP[hinetd]:-}" ] && [ -z "${SKIP[hinetd-d]:-}" ] && SKIP[hinetd-d]=${SKIP[hinetd]}

# ref_sandbox denies what hinetd's default seccomp profile denies, read from
# `hinetd -T -j` for the exec'd service (so the two filters match).
SANDBOX_DENY="$WORK/ref_sandbox.deny"
sandbox_deny_list() {
	local d="$WORK/hinetd-deny" conf
	[ -x "$HINETD" ] || return 1
	hinetd_files "$d"
	conf="$d/inetd.conf"
	echo "127.0.0.1:9 stream tcp nowait nobody $ONELINE oneline" >"$conf"
	$(hinetd_cmd "$d" "$conf") -T -j 2>>"$LOGS/ref_sandbox.log" | python3 -c '
import json, sys
sc = json.load(sys.stdin)["services"][0]["sandbox"]["seccomp"]
for n in sc["denied_syscalls"]:
    print(n.split(" ")[0])
for n in sc["enosys_syscalls"]:
    print("enosys", n)' >"$SANDBOX_DENY" 2>>"$LOGS/ref_sandbox.log" && [ -s "$SANDBOX_DENY" ]
}
if [ -z "${SKIP[ref_sandbox]:-}" ] && ! sandbox_deny_list; then
	SKIP[ref_sandbox]="no deny list from hinetd -T -j (see $LOGS/ref_sandbox.log)"
fi
for s in "${!SKIP[@]}"; do msg "skipping $s: ${SKIP[$s]}"; done

# --- the matrix ----------------------------------------------------------------------
rotate() {	# N WORDS... -> words rotated left by N
	local n=$1
	shift
	local a=("$@") k=${#a[@]} i
	for ((i = 0; i < k; i++)); do printf '%s ' "${a[$(((i + n) % k))]}"; done
}

measure() {	# REP MODE CLIENTS NAME
	local rep=$1 mode=$2 c=$3 name=$4 out
	next_port
	if ! start_server "$name" "$mode" "$PORT"; then
		stop_server "$name"
		echo "$rep $mode $c $name FAILED start" >>"$RAW"
		msg "  $mode c=$c $name: did not start (see $LOGS/$name.log)"
		return
	fi
	out=$("$LOADGEN" -p "$PORT" -c "$c" -t "$MEAS" -w "$WARM" -T "$CONN_TIMEOUT_MS" -l "$name" 2>>"$LOGS/$name.log")
	stop_server "$name"
	if [ -z "$out" ]; then
		echo "$rep $mode $c $name FAILED loadgen" >>"$RAW"
		return
	fi
	echo "$rep $mode $c $name $out" >>"$RAW"
	echo "$out" | awk -v m="$mode" -v c="$c" -v n="$name" '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		e = v["refused"] + v["reset"] + v["timeout"] + v["short"] + v["other"]
		printf "bench:   %-7s c=%-2s %-16s %9.1f conns/s  p50 %7.2f ms  p99 %8.2f ms  errors %d  drops %d\n",
			m, c, n, v["cps"], v["p50_ms"], v["p99_ms"], e, v["listen_drops"] }' >&2
}

# report: medians per (mode, clients, server) with ratios.  A ratio is the
# median over the repetitions of (server / reference in the same
# repetition), which resists slow drifts of the machine's speed better than a
# ratio of medians; "spread" is (max - min) / median of the server's conns/s.
report() {
	awk -v exec_order="$EXEC_SERVERS" -v builtin_order="$BUILTIN_SERVERS" \
	    -v counts="$CLIENT_COUNTS" '
	function median(arr, nn,   i, j, t, a) {
		for (i = 1; i <= nn; i++) a[i] = arr[i]
		for (i = 2; i <= nn; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
		if (nn == 0) return 0
		if (nn % 2) return a[(nn + 1) / 2]
		return (a[nn / 2] + a[nn / 2 + 1]) / 2
	}
	function med(what, k,   i, n, arr) {
		n = 0
		for (i = 1; i <= N[k]; i++) arr[++n] = V[what, k, i]
		return median(arr, n)
	}
	function spread(k,   i, lo, hi, m) {
		lo = hi = V["cps", k, 1]
		for (i = 2; i <= N[k]; i++) { if (V["cps", k, i] < lo) lo = V["cps", k, i]; if (V["cps", k, i] > hi) hi = V["cps", k, i] }
		m = med("cps", k)
		return m > 0 ? 100 * (hi - lo) / m : 0
	}
	# median over repetitions of cps(server) / cps(reference), same repetition
	function ratio(mode, c, s, ref,   i, n, r, arr, k, kr) {
		k = mode SUBSEP c SUBSEP s; kr = mode SUBSEP c SUBSEP ref; n = 0
		for (r in REPS) if ((k, r) in CPS && (kr, r) in CPS && CPS[kr, r] > 0) arr[++n] = CPS[k, r] / CPS[kr, r]
		return n ? median(arr, n) : -1
	}
	function fmt(x) { return x < 0 ? "-" : sprintf("%.2f", x) }
	$5 == "FAILED" { FAIL[$2, $3, $4]++; next }
	{
		k = $2 SUBSEP $3 SUBSEP $4
		delete v
		for (i = 5; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		n = ++N[k]
		V["cps", k, n] = v["cps"]; V["p50", k, n] = v["p50_ms"]; V["p99", k, n] = v["p99_ms"]
		CPS[k, $1] = v["cps"]; REPS[$1] = 1
		REF[k] += v["refused"]; RST[k] += v["reset"]; TMO[k] += v["timeout"]
		SHO[k] += v["short"]; OTH[k] += v["other"]; UNF[k] += v["unfinished"]; DRP[k] += v["listen_drops"]
	}
	function table(mode, c, order, title,   names, nn, i, s, k, r1, r2, r3, e, nerr) {
		nn = split(order, names, " ")
		printf "\n%s, %d concurrent clients\n", title, c
		printf "%-16s %9s %7s %8s %8s %9s %8s %8s  %-21s %5s %4s\n", "server", "conns/s", "spread",
			(mode == "exec" ? "x spawn" : "x inline"), (mode == "exec" ? "x fork" : ""),
			(mode == "exec" ? "x sandbox" : ""),
			"p50 ms", "p99 ms", "err ref/rst/tmo/sh/o", "drops", "reps"
		for (i = 1; i <= nn; i++) {
			s = names[i]; k = mode SUBSEP c SUBSEP s
			if (!N[k]) {
				if (FAIL[k]) printf "%-16s %9s\n", s, "failed"
				continue
			}
			r1 = ratio(mode, c, s, mode == "exec" ? "ref_spawn" : "ref_inline")
			r2 = mode == "exec" ? ratio(mode, c, s, "ref_fork") : -2
			r3 = mode == "exec" ? ratio(mode, c, s, "ref_sandbox") : -2
			e = sprintf("%d/%d/%d/%d/%d", REF[k], RST[k], TMO[k], SHO[k], OTH[k])
			nerr = REF[k] + RST[k] + TMO[k] + SHO[k] + OTH[k]
			printf "%-16s %9.1f %6.0f%% %8s %8s %9s %8.2f %8.2f  %-21s %5d %4d%s\n", s, med("cps", k), spread(k),
				fmt(r1), (r2 == -2 ? "" : fmt(r2)), (r3 == -2 ? "" : fmt(r3)), med("p50", k), med("p99", k), e, DRP[k], N[k],
				FAIL[k] ? " (" FAIL[k] " failed)" : ""
			if (nerr + UNF[k] + DRP[k] > 0 || med("p99", k) >= 900)
				LOST[c] = LOST[c] "\n    " s " (" mode ": " nerr " errors, " DRP[k] " listen drops" \
					(med("p99", k) >= 900 ? ", p99 " sprintf("%.0f", med("p99", k)) " ms: SYN retransmits" : "") ")"
			if (s == "hinetd") {
				if (mode == "exec") {
					CHK = CHK sprintf("  exec'\''d, %2d clients: %sx ref_spawn (target >= 0.95): %s\n", c, fmt(r1), r1 >= 0.95 ? "PASS" : "FAIL")
					HEXEC[c] = r1
					if (r3 >= 0)
						CHK = CHK sprintf("  exec'\''d, %2d clients: %sx ref_sandbox (the same sandbox without privilege separation; for information)\n", c, fmt(r3))
				} else
					CHK = CHK sprintf("  built-in, %2d clients: %sx ref_inline (target >= 0.95): %s\n", c, fmt(r1), r1 >= 0.95 ? "PASS" : "FAIL")
			} else if (mode == "exec" && s !~ /^ref_/ && s !~ /^hinetd/ && r1 > BEST[c]) { BEST[c] = r1; BESTNAME[c] = s }
		}
	}
	END {
		nc = split(counts, C, " ")
		for (j = 1; j <= nc; j++) table("exec", C[j], exec_order, "exec'\''d service (static one-line program, nowait stream)")
		for (j = 1; j <= nc; j++) table("builtin", C[j], builtin_order, "built-in daytime")
		printf "\nconns/s, p50, p99: medians over the repetitions.  spread: (max - min) / median of conns/s.\n"
		printf "x spawn / x fork / x sandbox / x inline: median over the repetitions of conns/s divided\n"
		printf "  by that of ref_spawn / ref_fork / ref_sandbox / ref_inline in the same repetition.\n"
		printf "err: refused/reset/timeout/short read/other, summed over the repetitions;\n"
		printf "drops: increase of the kernel'\''s TcpExt ListenDrops (full accept queue) during the points.\n"
		printf "\nConnections lost (errors, listen-queue drops or p99 >= 0.9 s):\n"
		for (j = nc; j >= 1; j--) printf "  at %d clients:%s\n", C[j], (LOST[C[j]] == "" ? " none" : LOST[C[j]])
		if (CHK != "") {
			printf "\nhinetd against its targets:\n%s", CHK
			for (j = 1; j <= nc; j++) if ((C[j] in HEXEC) && (C[j] in BEST))
				printf "  exec'\''d, %2d clients: above every peer (best peer: %s at %.2fx ref_spawn): %s\n", C[j], BESTNAME[C[j]], BEST[C[j]], (HEXEC[C[j]] > BEST[C[j]] ? "PASS" : "FAIL")
			# The same question asked of each repetition on its own: how
			# often hinetd was faster than each peer in the same repetition.
			for (j = 1; j <= nc; j++) if (C[j] in HEXEC) {
				line = ""
				np = split(exec_order, P, " ")
				for (i = 1; i <= np; i++) {
					if (P[i] ~ /^ref_/ || P[i] ~ /^hinetd/) continue
					kh = "exec" SUBSEP C[j] SUBSEP "hinetd"; kp = "exec" SUBSEP C[j] SUBSEP P[i]
					won = tot = 0
					for (r in REPS) if ((kh, r) in CPS && (kp, r) in CPS) { tot++; if (CPS[kh, r] > CPS[kp, r]) won++ }
					if (tot) line = line sprintf(" %s %d/%d", P[i], won, tot)
				}
				if (line != "")
					printf "  exec'\''d, %2d clients: repetitions in which hinetd beat each peer:%s\n", C[j], line
			}
		}
	}' "$RAW"
}

# --- hinetd-only checks ---------------------------------------------------------------------
extra() { echo "$*" | tee -a "$EXTRAS_OUT" >&2; }

# start hinetd with CONF in DIR (all limits raised); sets HPID
start_hinetd_raw() {	# DIR CONF LOG
	hinetd_files "$1"
	HPID=0
	hinetd_launch "$1" "$2" "$3" || return 1
	HPID=$LAUNCH_PID
	track "$HPID" hinetd
}
stop_hinetd_raw() {
	SRV_PID=$HPID
	stop_server hinetd
}

extras_services_1000() {
	local d="$WORK/hinetd-1000" log="$LOGS/hinetd-1000.log" conf p last newp out t0 t1 done_ns lg l1 l2
	local lgout="$WORK/hinetd-1000.reload-load.txt"
	mkdir -p "$d"
	if ! port_block 1001; then extra "1000 services: no block of 1001 free ports in 28000-29999; skipped"; return; fi
	conf="$d/inetd.conf"
	last=$((BLOCK + 999))
	newp=$((BLOCK + 1000))
	for ((p = BLOCK; p <= last; p++)); do
		echo "127.0.0.1:$p stream tcp nowait nobody $ONELINE oneline"
	done >"$conf"
	t0=$(date +%s%N)
	start_hinetd_raw "$d" "$conf" "$log"
	out=$("$LOADGEN" --probe --listen "$BLOCK-$last" -p "$last" -t 20)
	done_ns=$(echo "$out" | sed -n 's/.*done_realtime_ns=\([0-9]*\).*/\1/p')
	if [ -z "$done_ns" ]; then
		extra "1000 services: start-up: not ready within 20 s ($out); see $log"
		stop_hinetd_raw
		return
	fi
	extra "$(printf '1000 services: start-up %.1f ms (hinetd started -> all 1000 ports listening and the last one served)' \
		"$(echo "($done_ns - $t0) / 1000000" | bc -l)")"
	l1=$(listener_of "$HPID")
	# reload: same 1000 services plus one new; load on an unchanged one meanwhile
	{ cat "$conf"; echo "127.0.0.1:$newp stream tcp nowait nobody $ONELINE oneline"; } >"$conf.new"
	mv "$conf.new" "$conf"
	"$LOADGEN" -p "$BLOCK" -c 8 -t 4 -w 0 -T "$CONN_TIMEOUT_MS" -l reload-unchanged >"$lgout" 2>&1 &
	lg=$!
	track "$lg" loadgen
	sleep 1
	t1=$(date +%s%N)
	kill -HUP "$HPID"
	out=$("$LOADGEN" --probe --listen "$newp-$newp" -p "$newp" -t 20)
	done_ns=$(echo "$out" | sed -n 's/.*done_realtime_ns=\([0-9]*\).*/\1/p')
	wait "$lg"
	untrack "$lg"
	l2=$(listener_of "$HPID")
	if [ -z "$done_ns" ]; then
		extra "1000 services: reload: new service not served within 20 s ($out); see $log"
	else
		extra "$(printf '1000 services: reload %.1f ms (SIGHUP -> the added service listening and served); listener pid %s -> %s' \
			"$(echo "($done_ns - $t1) / 1000000" | bc -l)" "${l1:-?}" "${l2:-?}")"
	fi
	extra "$(awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "1000 services: during the reload, load on an unchanged service (8 clients, 4 s): %d ok, refused %d, reset %d, timeout %d, short %d, other %d, listen drops %d -> %s",
			v["ok"], v["refused"], v["reset"], v["timeout"], v["short"], v["other"], v["listen_drops"],
			(v["refused"] == 0 ? "no connection refused" : "CONNECTIONS REFUSED") }' "$lgout")"
	alive "$HPID" || extra "1000 services: hinetd exited during the test; see $log"
	stop_hinetd_raw
}

extras_idle() {
	local d="$WORK/hinetd-idle" log="$LOGS/hinetd-idle.log" conf out hold l rss0 rss1 prss lim i lg n
	mkdir -p "$d"
	if [ -n "${SKIP[hinetd:builtin]:-}" ]; then
		extra "idle: $IDLE_CONNS idle connections to the built-in echo: skipped, hinetd's ${SKIP[hinetd:builtin]}"
		return
	fi
	n=$IDLE_CONNS
	lim=$(ulimit -Hn)
	if [ "$lim" != unlimited ] && [ "$lim" -lt $((n + 64)) ]; then
		extra "idle: RLIMIT_NOFILE hard limit $lim < $((n + 64)) (no CAP_SYS_RESOURCE to raise it): holding $((lim - 64)) instead of $n"
		n=$((lim - 64))
	fi
	next_port
	write_services 1 2 "$PORT"
	conf="$d/inetd.conf"
	echo "127.0.0.1:echo stream tcp nowait root internal" >"$conf"
	start_hinetd_raw "$d" "$conf" "$log"
	if ! "$LOADGEN" --probe -p "$PORT" -t 5 -m 0 >/dev/null 2>&1; then :; fi
	sleep 0.3
	l=$(listener_of "$HPID")
	if [ -z "$l" ] || ! alive "$HPID"; then
		extra "idle: hinetd or its listener not running; see $log"
		stop_hinetd_raw
		return
	fi
	rss0=$(rss_kb "$l")
	extra "idle: listener $l: open-files limit $(awk '/^Max open files/ { print $4 " soft / " $5 " hard" }' "/proc/$l/limits")"
	hold="$WORK/idle-hold.txt"
	"$LOADGEN" --hold "$n" -p "$PORT" -t "$HOLD_SECONDS" >"$hold" 2>&1 &
	lg=$!
	track "$lg" loadgen
	for ((i = 0; i < 900; i++)); do
		grep -q '^phase=' "$hold" && break
		alive "$lg" || break
		sleep 0.1
	done
	rss1=$(rss_kb "$l")
	prss=$(rss_kb "$HPID")
	wait "$lg"
	untrack "$lg"
	extra "idle: $(grep '^phase=done' "$hold" || cat "$hold")"
	if [ -n "$rss0" ] && [ -n "$rss1" ]; then
		extra "$(printf 'idle: listener VmRSS %d KiB before, %d KiB holding them (%.2f KiB per connection); privd VmRSS %s KiB' \
			"$rss0" "$rss1" "$(echo "($rss1 - $rss0) / $n" | bc -l)" "${prss:-?}")"
	fi
	alive "$HPID" || extra "idle: hinetd exited during the test; see $log"
	stop_hinetd_raw
}

extras_privd_memory() {
	local d="$WORK/hinetd-mem" log="$LOGS/hinetd-mem.log" conf r0 r1 r2 m0 m2 h out zombies warm=1000
	mkdir -p "$d"
	next_port
	conf="$d/inetd.conf"
	echo "127.0.0.1:$PORT stream tcp nowait nobody $ONELINE oneline" >"$conf"
	start_hinetd_raw "$d" "$conf" "$log"
	if ! "$LOADGEN" --probe -p "$PORT" -t 5 >/dev/null; then
		extra "privd memory: hinetd not answering; see $log"
		stop_hinetd_raw
		return
	fi
	r0=$(rss_kb "$HPID")
	m0=$(mem_detail "$HPID")
	"$LOADGEN" -p "$PORT" -c 32 -n "$warm" -t 60 -w 0 -l warm >/dev/null
	r1=$(rss_kb "$HPID")
	out=$("$LOADGEN" -p "$PORT" -c 32 -n "$((PRIVD_CONNS - warm))" -t 400 -w 0 -l privd-mem)
	sleep 0.5
	r2=$(rss_kb "$HPID")
	m2=$(mem_detail "$HPID")
	h=$(hwm_kb "$HPID")
	zombies=$(children_of "$HPID" | awk '$3 == "Z"' | wc -l)
	extra "privd memory: $(echo "$out" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "%d connections at 32 clients (%.1f conns/s, errors %d)", v["ok_total"] + '"$warm"', v["cps"],
			v["refused"] + v["reset"] + v["timeout"] + v["short"] + v["other"] }')"
	if [ -n "$r0" ] && [ -n "$r2" ]; then
		extra "$(printf 'privd memory: VmRSS %d KiB after start, %d KiB after %d connections, %d KiB after %d (growth %+d KiB), VmHWM %s KiB; target <= 2048 KiB: %s; flat (growth <= 64 KiB after warm-up): %s; zombie children: %s' \
			"$r0" "$r1" "$warm" "$r2" "$PRIVD_CONNS" "$((r2 - r1))" "${h:-?}" \
			"$([ "$h" -le 2048 ] 2>/dev/null && echo PASS || echo FAIL)" \
			"$([ $((r2 - r1)) -le 64 ] && echo yes || echo NO)" "$zombies")"
		extra "privd memory: after start $m0; after $PRIVD_CONNS $m2"
	fi
	alive "$HPID" || extra "privd memory: hinetd exited during the test; see $log"
	stop_hinetd_raw
}

# --- run -----------------------------------------------------------------------------------------
{
	echo "hinetd benchmark  $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "machine: $(nproc) CPUs, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "mode: $([ "$QUICK" = 1 ] && echo quick || echo default), $REPS repetitions, ${MEAS}s measured + ${WARM}s warm-up per point, clients: $CLIENT_COUNTS"
	echo "servers' RLIMIT_NOFILE soft limit during the matrix: $NOFILE_MATRIX"
	awk -v n="$(nproc)" '{ if ($1 > 0.5 * n) printf "WARNING: the machine is busy (load average %s on %d CPUs): expect noisy figures\n", $1, n }' /proc/loadavg
	echo "hinetd: $([ "$HINETD_OK" = 1 ] && echo "$HINETD ($HINETD_POLICY_NOTE)" || echo "SKIPPED: ${SKIP[hinetd]:-}")"
	for s in "${!SKIP[@]}"; do [ "$s" = hinetd ] || echo "skipped: $s: ${SKIP[$s]}"; done
	echo "NOTE: every server is started afresh for every point, on its own port."
	echo "peers:"
	sed 's/^/  /' "$CACHE/peers.status" 2>/dev/null
} >"$RUN/header.txt"
cat "$RUN/header.txt" >&2

T_START=$(date +%s)
ORIG_NOFILE=$(ulimit -Sn)
ulimit -Sn "$NOFILE_MATRIX" 2>/dev/null || msg "cannot set the soft open-files limit to $NOFILE_MATRIX"
for ((rep = 1; rep <= REPS; rep++)); do
	msg "repetition $rep/$REPS"
	for c in $CLIENT_COUNTS; do
		for mode in exec builtin; do
			if [ "$mode" = exec ]; then list=$EXEC_SERVERS; else list=$BUILTIN_SERVERS; fi
			# shellcheck disable=SC2086
			for s in $(rotate $((rep - 1)) $list); do
				[ -n "${SKIP[$s]:-}" ] && continue
				[ -n "${SKIP[$s:$mode]:-}" ] && continue
				measure "$rep" "$mode" "$c" "$s"
			done
		done
	done
done
ulimit -Sn "$ORIG_NOFILE" 2>/dev/null
MATRIX_S=$(($(date +%s) - T_START))

# What each confinement step costs a child (ref_sandbox's own steps, the
# same as hinetd's, timed inside the child): where the sandbox's share of
# every exec'd connection goes.
extras_sandbox_cost() {
	if [ -n "${SKIP[ref_sandbox]:-}" ]; then
		extra "sandbox cost: skipped, ${SKIP[ref_sandbox]}"
		return
	fi
	extra "$("$TOOLS/ref_sandbox" --cost 1000 "$NOBODY_UID" "$NOBODY_GID" \
	    "$SANDBOX_DENY" 2>>"$LOGS/ref_sandbox.log" || echo "sandbox cost: ref_sandbox --cost failed")"
}

if [ "$EXTRAS" = 0 ]; then
	extra "skipped (--no-extras)"
elif [ "$EXTRAS" = 1 ]; then
	extras_sandbox_cost
	if [ "$HINETD_OK" = 1 ]; then
		# the extras need many descriptors: soft limit = hard limit
		ulimit -Sn "$(ulimit -Hn)" 2>/dev/null
		msg "hinetd extras (open-files limit $(ulimit -Sn))"
		extras_services_1000
		extras_idle
		extras_privd_memory
	else
		extra "hinetd extras (1000 services start/reload, $IDLE_CONNS idle connections, privd memory over $PRIVD_CONNS connections): skipped, hinetd ${SKIP[hinetd]:-not running}"
	fi
fi

{
	cat "$RUN/header.txt"
	report
	echo
	echo "hinetd extras:"
	sed 's/^/  /' "$EXTRAS_OUT"
	echo
	echo "matrix ${MATRIX_S}s, total $(($(date +%s) - T_START))s; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "raw results: $RAW; logs: $LOGS"
} >"$REPORT"
echo
cat "$REPORT"
