#!/usr/bin/env bash
# Compiles the Java side of the curation benchmarks (CurationBench: dedup, k-means, anomalies)
# against the transforms and runners-config modules, and writes its classpath to
# bench/target/curation-classpath.txt. Packages those modules with Maven
# (`-pl transforms,runners-config -am package -DskipTests`, never install) when their jars are
# missing or older than their sources, so the transforms of the working tree are what gets measured.
# Usage: bash bench/build_curation_java.sh [--force]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=../scripts/env.sh
source "$root/scripts/env.sh"
log="$here/target/build-curation-java.log"
mkdir -p "$here/target"
mvn_quiet() { # Maven's output goes to $log, shown only when it fails
  if ! (cd "$root" && mvn -B -q -Dstyle.color=never "$@") >"$log" 2>&1; then
    cat "$log" >&2
    echo "Cannot build the curation benchmark: mvn $* failed" >&2
    exit 1
  fi
}
stale() { # module: its jar is missing or older than its sources
  local jar
  jar="$(ls "$root/$1"/target/lakebeam-"$1"-*.jar 2>/dev/null | head -1 || true)"
  [ -z "$jar" ] || [ -n "$(find "$root/$1/src/main" "$root/$1/pom.xml" -newer "$jar" -print -quit)" ]
}
if [ "${1:-}" = "--force" ] || stale transforms || stale runners-config || stale core; then
  mvn_quiet -o -pl transforms,runners-config -am package -DskipTests
  rm -f "$root"/{transforms,runners-config}/target/runtime-classpath.txt
fi
for m in transforms runners-config; do
  if [ ! -f "$root/$m/target/runtime-classpath.txt" ]; then
    # -am: the sibling modules resolve from the reactor (nothing is installed); the module
    # itself comes last, so its classpath is the one left in the file
    mvn_quiet -o -pl "$m" -am package -DskipTests dependency:build-classpath \
      -DincludeScope=runtime -Dmdep.outputFile="$root/$m/target/runtime-classpath.txt"
  fi
done
deps="$root/transforms/target/classes:$root/runners-config/target/classes"
deps="$deps:$(cat "$root/transforms/target/runtime-classpath.txt")"
deps="$deps:$(cat "$root/runners-config/target/runtime-classpath.txt")"
out="$here/target/curation-classes"
rm -rf "$out" && mkdir -p "$out"
"$JAVA_HOME/bin/javac" --release 25 --add-modules jdk.incubator.vector -nowarn -d "$out" \
  -cp "$deps" "$here/src/main/java/io/lakebeam/bench/CurationBench.java" 2>&1 \
  | grep -v 'incubator' || true
test -f "$out/io/lakebeam/bench/CurationBench.class"
echo "$out:$deps" > "$here/target/curation-classpath.txt"
echo "built $out"
