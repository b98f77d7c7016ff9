#!/usr/bin/env bash
# Index refresh after a column write-back vs a full build, through Lakebeam's API
# (see index-refresh/WriteBackRefreshBench.java). Synthetic seeded Gaussian vectors.
# Usage: bench/index_writeback.sh [ROWS (default 100000)] [DIM (default 384)] [FILES (default 10)] [fallback]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$root/scripts/env.sh"
(cd "$root" && mvn -B -q -pl core -am compile)
cp="$root/core/target/bench-classpath.txt"
[ -s "$cp" ] || (cd "$root" && mvn -B -q -pl core dependency:build-classpath -Dmdep.outputFile="$cp" >/dev/null)
exec "$JAVA_HOME/bin/java" "${LAKEBEAM_JVM_FLAGS[@]}" -Xmx8g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$root/core/target/classes:$(cat "$cp")" \
  "$here/index-refresh/WriteBackRefreshBench.java" "${1:-100000}" "${2:-384}" "${3:-10}" "${4:-}"
