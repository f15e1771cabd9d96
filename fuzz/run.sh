#!/bin/bash
# Build the libFuzzer targets with clang and run each for N seconds (default 30).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
cmake -S . -B build-fuzz -DHINETD_FUZZ=ON -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-fuzz -j2
for f in build-fuzz/fuzz/fuzz_*; do
  [ -x "$f" ] || continue
  name=$(basename "$f")
  corpus="fuzz/corpus/${name#fuzz_}"
  mkdir -p "build-fuzz/corpus-$name"
  echo "== $name (${secs}s)"
  if [ -d "$corpus" ]; then
    "$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 "build-fuzz/corpus-$name" "$corpus" 2>&1 | tail -2
  else
    "$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 "build-fuzz/corpus-$name" 2>&1 | tail -2
  fi
done
