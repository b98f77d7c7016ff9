#!/usr/bin/env bash
# Compaction of many small files and the index carry-over that follows, through Lakebeam's API
# (see index-refresh/CompactionBench.java). Synthetic seeded Gaussian vectors.
# Usage: bench/maintain_compact.sh [ROWS (default 50000)] [DIM (default 32)] [FILES (default 100)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$root/scripts/env.sh"
(cd "$root" && mvn -B -q -pl core -am compile)
cp="$root/core/target/bench-classpath.txt"
[ -s "$cp" ] || (cd "$root" && mvn -B -q -pl core dependency:build-classpath -Dmdep.outputFile="$cp" >/dev/null)
exec "$JAVA_HOME/bin/java" "${LAKEBEAM_JVM_FLAGS[@]}" -Xmx8g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$root/core/target/classes:$(cat "$cp")" \
  "$here/index-refresh/CompactionBench.java" "${1:-50000}" "${2:-32}" "${3:-100}"
