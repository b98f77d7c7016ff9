#!/usr/bin/env bash
# Index build vs incremental refresh through Lakebeam's API (see index-refresh/IndexRefreshBench.java).
# Usage: bench/index_refresh.sh [CORPUS_DIR (default bench/data/corpus)] [FRACTION (default 0.01)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$root/scripts/env.sh"
"$root/lakebeam" build >/dev/null
corpus="${1:-$here/data/corpus}"
exec "$JAVA_HOME/bin/java" "${LAKEBEAM_JVM_FLAGS[@]}" -Xmx8g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$root/cli/target/classes:$(cat "$root/cli/target/classpath.txt")" \
  "$here/index-refresh/IndexRefreshBench.java" "$corpus" "${2:-0.01}"
