#!/bin/bash
# tests/mutants/run.sh [NAME...]: the proof that the tests guard what they
# claim to.  Each NAME.patch here removes or weakens one check; its first
# line names the test that must then fail:
#
#   # test: SCRIPT MODE TEST_NAME
#
# For each mutant (all by default) the tree is copied, the patch applied,
# the daemon built, and that one integration test run (in its own network
# and mount namespace, as ctest runs it).  The mutant must make it fail;
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

# build SRC: configure and build the daemon and the test helpers.
build() {
	cmake -S "$1" -B "$1/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null &&
	    cmake --build "$1/build" -j2 --target "${targets[@]}" >"$1/build.log" 2>&1
}

# run_test SRC SCRIPT MODE NAME: 0 when the test passed.
run_test() {
	local out
	out=$(timeout 300 unshare --net --mount -- env HINETD_IN_NETNS=1 \
	    HINETD_TEST_MODE="$3" HINETD_BIN="$1/build/bin" \
	    HINETD_TESTBIN="$1/build/tests" HINETD_TEST_ONLY="$4" \
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
echo "== unmutated tree"
build "$work/orig" || { echo "build failed"; exit 1; }

survivors=0
for name in "${names[@]}"; do
	patch="$here/$name.patch"
	read -r _ _ script mode test < <(head -1 "$patch")
	echo "== $name: $script ($mode) $test"
	if ! run_test "$work/orig" "$script" "$mode" "$test"; then
		echo "   the unmutated tree fails it: no proof"; survivors=$((survivors + 1)); continue
	fi
	rm -rf "$work/mut"
	copy_tree "$top" "$work/mut"
	if ! (cd "$work/mut" && patch -s -p1 < "$patch"); then
		echo "   patch does not apply"; survivors=$((survivors + 1)); continue
	fi
	if ! build "$work/mut"; then
		echo "   mutant does not build"; survivors=$((survivors + 1)); continue
	fi
	if run_test "$work/mut" "$script" "$mode" "$test"; then
		echo "   SURVIVED: the test passes without the check"; survivors=$((survivors + 1))
	else
		echo "   killed"
	fi
done
echo "$survivors of ${#names[@]} mutants survived"
[ $survivors -eq 0 ]
