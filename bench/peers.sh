#!/bin/bash
# bench/peers.sh — fetch and build the peer superservers for bench/run.sh.
#
#   bench/peers.sh [CACHE_DIR]        (default: $HINETD_BENCH_CACHE or /var/tmp/hinetd-bench)
#
# Idempotent; everything goes under CACHE_DIR, nothing into the repository and
# nothing is installed system-wide:
#   openbsd-inetd, xinetd, inetutils-inetd, ucspi-tcp (tcpserver)
#       .debs fetched with `apt-get download` and unpacked with `dpkg-deb -x`
#       into CACHE_DIR/root/PACKAGE (the three inetds conflict with each other
#       as packages, and unpacking runs no maintainer script, so no system
#       inetd gets started or configured).
#   busybox inetd
#       Debian's busybox binaries lack the inetd applet, so Debian's busybox
#       source package is fetched (apt-get source, through a private apt
#       configuration with deb-src lines for the mirror this machine already
#       uses; the system's apt sources are not touched) and a busybox with
#       only the inetd applet and its built-ins is compiled into
#       CACHE_DIR/bin/busybox.
# Writes CACHE_DIR/peers.status: one line per peer, "NAME ok|missing HOW".
set -u
CACHE=${1:-${HINETD_BENCH_CACHE:-/var/tmp/hinetd-bench}}
mkdir -p "$CACHE"/debs "$CACHE"/root "$CACHE"/bin "$CACHE"/apt/lists/partial "$CACHE"/src
STATUS="$CACHE/peers.status.new"
: >"$STATUS"
log() { echo "peers: $*" >&2; }

if [ "$(id -u)" != 0 ]; then
	log "must run as root (apt-get download/source)"
	exit 1
fi

# apt-get download writes into the current directory; _apt cannot write
# there, so apt warns and downloads as root: harmless, silenced below.
fetch_deb() {	# PACKAGE -> path of the .deb in CACHE/debs
	local pkg=$1 f
	f=$(ls "$CACHE"/debs/"${pkg}"_*.deb 2>/dev/null | head -1)
	if [ -z "$f" ]; then
		(cd "$CACHE/debs" && apt-get download "$pkg" 2>&1 |
			grep -v -e '^W: Download is performed unsandboxed' -e '^Get:' -e '^Fetched' >&2)
		f=$(ls "$CACHE"/debs/"${pkg}"_*.deb 2>/dev/null | head -1)
	fi
	[ -n "$f" ] && echo "$f"
}

unpack() {	# PACKAGE BINARY-PATH-INSIDE NAME
	local pkg=$1 bin=$2 name=$3 deb
	if [ -x "$CACHE/root/$pkg/$bin" ]; then
		echo "$name ok $(cat "$CACHE/root/$pkg/.from" 2>/dev/null || echo unpacked) -> $CACHE/root/$pkg/$bin" >>"$STATUS"
		return 0
	fi
	deb=$(fetch_deb "$pkg")
	if [ -z "$deb" ]; then
		log "$pkg: apt-get download failed (run apt-get update?)"
		echo "$name missing apt-get-download-failed" >>"$STATUS"
		return 1
	fi
	rm -rf "$CACHE/root/$pkg"
	mkdir -p "$CACHE/root/$pkg"
	if ! dpkg-deb -x "$deb" "$CACHE/root/$pkg"; then
		echo "$name missing dpkg-deb-x-failed" >>"$STATUS"
		return 1
	fi
	echo "apt-get download + dpkg-deb -x of $(basename "$deb")" >"$CACHE/root/$pkg/.from"
	echo "$name ok $(cat "$CACHE/root/$pkg/.from") -> $CACHE/root/$pkg/$bin" >>"$STATUS"
	# libraries they need (libwrap0, libevent, libtirpc...) must be present
	if ldd "$CACHE/root/$pkg/$bin" 2>/dev/null | grep -q 'not found'; then
		log "$pkg: missing shared libraries:"
		ldd "$CACHE/root/$pkg/$bin" | grep 'not found' >&2
	fi
}

unpack openbsd-inetd usr/sbin/inetd openbsd-inetd
unpack xinetd usr/sbin/xinetd xinetd
unpack inetutils-inetd usr/sbin/inetutils-inetd inetutils-inetd
unpack ucspi-tcp usr/bin/tcpserver tcpserver

# --- busybox inetd, built from Debian's source package -----------------------
build_busybox() {
	local bb="$CACHE/bin/busybox" srcdir conf o
	if [ -x "$bb" ] && "$bb" inetd --help 2>&1 | grep -q 'inetd'; then
		echo "busybox-inetd ok $(cat "$CACHE/bin/busybox.from" 2>/dev/null || echo built) -> $bb" >>"$STATUS"
		return 0
	fi
	srcdir=$(ls -d "$CACHE"/src/busybox-*/ 2>/dev/null | head -1)
	if [ -z "$srcdir" ]; then
		# A private apt configuration: deb-src lines for the Debian mirror
		# and suites this machine's own sources use, its own lists dir.
		conf="$CACHE/apt/sources.list"
		{
			# one-line format
			cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
				awk '$1 == "deb" && /debian/ { $1 = "deb-src"; print }'
			# deb822 format
			for f in /etc/apt/sources.list.d/*.sources; do
				[ -f "$f" ] || continue
				awk '
				function flush() {
					if (types ~ /(^| )deb( |$)/ && uris ~ /debian/ && enabled != "no") {
						n = split(uris, U, " "); m = split(suites, S, " ")
						for (i = 1; i <= n; i++) for (j = 1; j <= m; j++)
							print "deb-src " U[i] " " S[j] " " comps
					}
					types = uris = suites = comps = ""; enabled = ""
				}
				/^[ \t]*$/ { flush(); next }
				/^Types:/ { sub(/^Types:[ \t]*/, ""); types = $0 }
				/^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
				/^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
				/^Components:/ { sub(/^Components:[ \t]*/, ""); comps = $0 }
				/^Enabled:/ { sub(/^Enabled:[ \t]*/, ""); enabled = $0 }
				END { flush() }' "$f"
			done
		} | sort -u >"$conf"
		if [ ! -s "$conf" ]; then
			log "busybox: no Debian mirror found in /etc/apt sources"
			echo "busybox-inetd missing no-debian-mirror" >>"$STATUS"
			return 1
		fi
		local APTOPT=(-o Dir::Etc::sourcelist="$conf" -o Dir::Etc::sourceparts=-
			-o Dir::State::Lists="$CACHE/apt/lists"
			-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=)
		log "busybox: apt-get source (private apt config $conf)"
		apt-get "${APTOPT[@]}" update >"$CACHE/apt/update.log" 2>&1 ||
			{ log "private apt-get update failed, see $CACHE/apt/update.log"; }
		(cd "$CACHE/src" && apt-get "${APTOPT[@]}" source busybox >"$CACHE/apt/source.log" 2>&1) ||
			{ log "apt-get source busybox failed, see $CACHE/apt/source.log"
			  echo "busybox-inetd missing apt-get-source-failed" >>"$STATUS"; return 1; }
		srcdir=$(ls -d "$CACHE"/src/busybox-*/ 2>/dev/null | head -1)
	fi
	log "busybox: building inetd applet in $srcdir"
	(
		cd "$srcdir" || exit 1
		make allnoconfig >"$CACHE/src/busybox-build.log" 2>&1 || exit 1
		for o in BUSYBOX SHOW_USAGE INETD FEATURE_SYSLOG LFS \
		    FEATURE_INETD_SUPPORT_BUILTIN_ECHO FEATURE_INETD_SUPPORT_BUILTIN_DISCARD \
		    FEATURE_INETD_SUPPORT_BUILTIN_TIME FEATURE_INETD_SUPPORT_BUILTIN_DAYTIME \
		    FEATURE_INETD_SUPPORT_BUILTIN_CHARGEN; do
			sed -i "s/^# CONFIG_$o is not set\$/CONFIG_$o=y/" .config
		done
		# RPC needs Sun RPC in libc: keep it off
		sed -i 's/^CONFIG_FEATURE_INETD_RPC=y$/# CONFIG_FEATURE_INETD_RPC is not set/' .config
		yes '' | make oldconfig >>"$CACHE/src/busybox-build.log" 2>&1 || exit 1
		grep -q '^CONFIG_INETD=y' .config || exit 1
		make -j"$(nproc)" busybox >>"$CACHE/src/busybox-build.log" 2>&1 || exit 1
	) || { log "busybox build failed, see $CACHE/src/busybox-build.log"
	       echo "busybox-inetd missing build-failed" >>"$STATUS"; return 1; }
	cp "$srcdir/busybox" "$bb"
	echo "apt-get source busybox ($(basename "$srcdir")) + make allnoconfig + CONFIG_INETD + built-ins" >"$CACHE/bin/busybox.from"
	echo "busybox-inetd ok $(cat "$CACHE/bin/busybox.from") -> $bb" >>"$STATUS"
}
build_busybox

mv "$STATUS" "$CACHE/peers.status"
cat "$CACHE/peers.status" >&2
grep -q ' missing ' "$CACHE/peers.status" && exit 1
exit 0
