#!/usr/bin/env bash
# Index build vs incremental refresh through Lakebeam's API (see index-refresh/IndexRefreshBench.java),
# then build vs refresh after a one-column write-back on synthetic vectors
# (index-refresh/WriteBackRefreshBench.java; bench/index_writeback.sh runs it alone at any size).
# Usage: bench/index_refresh.sh [CORPUS_DIR (default bench/data/corpus)] [FRACTION (default 0.01)]
#        [WRITEBACK_ROWS (default 10000; 0 skips)] [WRITEBACK_DIM (default 64)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$root/scripts/env.sh"
"$root/lakebeam" build >/dev/null
corpus="${1:-$here/data/corpus}"
java_run=("$JAVA_HOME/bin/java" "${LAKEBEAM_JVM_FLAGS[@]}" -Xmx8g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn
  -cp "$root/cli/target/classes:$(cat "$root/cli/target/classpath.txt")")
"${java_run[@]}" "$here/index-refresh/IndexRefreshBench.java" "$corpus" "${2:-0.01}"
if [ "${3:-10000}" != 0 ]; then
  "${java_run[@]}" "$here/index-refresh/WriteBackRefreshBench.java" "${3:-10000}" "${4:-64}" 2
fi
