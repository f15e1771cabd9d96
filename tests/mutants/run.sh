#!/bin/bash
# tests/mutants/run.sh [NAME...]: the proof that the tests guard what they
# claim to.  Each NAME.patch here removes or weakens one check; its first
# line names the test that must then fail:
#
#   # test: SCRIPT MODE TEST_NAME [asan]
#
# ("asan": the daemon is built with AddressSanitizer and UBSan, for a
# mutant whose harm is a use after free that a plain build survives.)
#
# For each mutant (all by default) the patch is applied to a copy of the
# tree, the daemon rebuilt (incrementally: only what the patch touched),
# that one integration test run (in its own network and mount namespace,
# as ctest runs it), and the patch taken back out.  The mutant must make it fail;
# a mutant the test survives is reported and the script exits 1.  The
# unmutated tree must pass the same test first (else the proof proves
# nothing).  Run as root from anywhere; takes a minute or two per mutant.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/hinetd-mutants.XXXXXX)
trap 'rm -rf "$work"' EXIT
targets=(hinetd hinetd-listener hinetd-userdb hinetd-match probe probe_static
         evil_listener evil_userdb exit0)

# build SRC [asan]: configure (once) and build the daemon and the test
# helpers into SRC/build (SRC/build-asan with the sanitizers); again, it
# rebuilds only what changed.
build() {
	local dir="$1/build" opts=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
	if [ "${2:-}" = asan ]; then
		dir="$1/build-asan"
		opts=(-DCMAKE_BUILD_TYPE=Debug -DHINETD_SANITIZE=ON)
	fi
	if [ ! -f "$dir/CMakeCache.txt" ]; then
		cmake -S "$1" -B "$dir" "${opts[@]}" >/dev/null || return 1
	fi
	cmake --build "$dir" -j2 --target "${targets[@]}" >"$dir.log" 2>&1
}

# run_test SRC SCRIPT MODE NAME [asan]: 0 when the test passed.
run_test() {
	local out dir="$1/build"
	[ "${5:-}" = asan ] && dir="$1/build-asan"
	out=$(timeout 300 unshare --net --mount -- env HINETD_IN_NETNS=1 \
	    ASAN_OPTIONS=detect_leaks=0 \
	    HINETD_TEST_MODE="$3" HINETD_BIN="$dir/bin" \
	    HINETD_TESTBIN="$dir/tests" HINETD_TEST_ONLY="$4" \
	    python3 "$1/tests/integration/$2" 2>&1)
	local rc=$?
	grep -E '^(ok|FAIL) ' <<<"$out" | head -5
	[ $rc -eq 0 ] && grep -q '^ok ' <<<"$out"
}

copy_tree() {
	mkdir -p "$2"
	(cd "$1" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$2")
}

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for p in "$here"/*.patch; do names+=("$(basename "$p" .patch)"); done
fi

copy_tree "$top" "$work/orig"
copy_tree "$top" "$work/mut"
declare -A baseline=()  # "script mode test flavour" -> ok / fail

survivors=0
for name in "${names[@]}"; do
	patch="$here/$name.patch"
	read -r _ _ script mode test flavour < <(head -1 "$patch")
	echo "== $name: $script ($mode${flavour:+, $flavour}) $test"
	if ! build "$work/orig" "${flavour:-}"; then
		echo "   build failed"; survivors=$((survivors + 1)); continue
	fi
	key="$script $mode $test ${flavour:-}"
	if [ -z "${baseline[$key]:-}" ]; then
		if run_test "$work/orig" "$script" "$mode" "$test" "${flavour:-}"; then
			baseline[$key]=ok
		else
			baseline[$key]=fail
		fi
	fi
	if [ "${baseline[$key]}" != ok ]; then
		echo "   the unmutated tree fails it: no proof"; survivors=$((survivors + 1)); continue
	fi
	if ! (cd "$work/mut" && tail -n +2 "$patch" | patch -s -p1 --dry-run >/dev/null &&
	    tail -n +2 "$patch" | patch -s -p1); then
		echo "   patch does not apply"; survivors=$((survivors + 1)); continue
	fi
	if ! build "$work/mut" "${flavour:-}"; then
		echo "   mutant does not build"; survivors=$((survivors + 1))
	elif run_test "$work/mut" "$script" "$mode" "$test" "${flavour:-}"; then
		echo "   SURVIVED: the test passes without the check"; survivors=$((survivors + 1))
	else
		echo "   killed"
	fi
	(cd "$work/mut" && tail -n +2 "$patch" | patch -s -p1 -R) ||
	    { echo "   cannot take the patch back out"; exit 1; }
done
echo "$survivors of ${#names[@]} mutants survived"
[ $survivors -eq 0 ]
