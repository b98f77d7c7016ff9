#!/usr/bin/env bash
# The one build of the benchmarks' JVM side (LuceneHnswBench, JVectorBench, EmbedBench,
# CurationBench, FrameBench, ...): the reactor's `bench` module, which depends on every module it
# measures. Runs `mvn -pl bench -am package -DskipTests` (never install, never offline) when the
# bench jar is missing or any module's sources or pom are newer than the last build, so benchmarks
# measure the working tree; after `./lakebeam test` (which installs the reactor) it runs nothing.
# Writes bench/target/bench-classpath.txt (bench classes + runtime classpath, from
# dependency:build-classpath bound in bench/pom.xml), and the same classpath as
# embed-classpath.txt and curation-classpath.txt for older callers.
# Usage: bash bench/build_java.sh [--force]     (prints the classpath file)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=../scripts/env.sh
source "$root/scripts/env.sh"
stamp="$here/target/.bench-built"
log="$here/target/build-java.log"
mkdir -p "$here/target"
stale() {
  [ -f "$stamp" ] && [ -f "$here/target/classpath.txt" ] || return 0
  ls "$here"/target/lakebeam-bench-*.jar >/dev/null 2>&1 || return 0
  [ -n "$(find "$root/pom.xml" "$root"/*/pom.xml "$root"/*/src/main -newer "$stamp" -print -quit)" ]
}
if [ "${1:-}" = "--force" ] || stale; then
  echo "==> Building the benchmarks (mvn -pl bench -am package -DskipTests)" >&2
  touch "$stamp.next" # sources edited while Maven runs are newer than the stamp: rebuilt next time
  if ! (cd "$root" && mvn -B -q -Dstyle.color=never -pl bench -am package -DskipTests) >"$log" 2>&1; then
    cat "$log" >&2
    echo "Cannot build the benchmarks: mvn -pl bench -am package failed (log: $log)" >&2
    exit 1
  fi
  mv "$stamp.next" "$stamp"
fi
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
for name in bench embed curation; do
  echo "$cp" > "$here/target/$name-classpath.txt"
done
echo "$here/target/bench-classpath.txt"
