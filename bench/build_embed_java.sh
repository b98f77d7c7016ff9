#!/usr/bin/env bash
# Compiles the Java side of the embedding benchmark (EmbedBench) against the embeddings module and
# writes its classpath to bench/target/embed-classpath.txt. Packages the embeddings module with
# Maven (`-pl embeddings -am package -DskipTests`, never install) when its jar is missing or older
# than its sources, so the OnnxTextEmbedder of the working tree is what gets measured.
# Usage: bash bench/build_embed_java.sh [--force]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=../scripts/env.sh
source "$root/scripts/env.sh"
log="$here/target/build-embed-java.log"
mkdir -p "$here/target"
mvn_quiet() { # Maven's output goes to $log, shown only when it fails
  if ! (cd "$root" && mvn -B -q -Dstyle.color=never "$@") >"$log" 2>&1; then
    cat "$log" >&2
    echo "Cannot build the embedding benchmark: mvn $* failed" >&2
    exit 1
  fi
}
jar="$(ls "$root"/embeddings/target/lakebeam-embeddings-*.jar 2>/dev/null | head -1 || true)"
if [ "${1:-}" = "--force" ] || [ -z "$jar" ] \
    || [ -n "$(find "$root/embeddings/src/main" "$root/embeddings/pom.xml" -newer "$jar" -print -quit)" ]; then
  mvn_quiet -pl embeddings -am package -DskipTests
  rm -f "$root/embeddings/target/runtime-classpath.txt"
fi
if [ ! -f "$root/embeddings/target/runtime-classpath.txt" ]; then
  mvn_quiet -pl embeddings dependency:build-classpath -DincludeScope=runtime \
    -Dmdep.outputFile="$root/embeddings/target/runtime-classpath.txt"
fi
deps="$root/embeddings/target/classes:$(cat "$root/embeddings/target/runtime-classpath.txt")"
out="$here/target/embed-classes"
rm -rf "$out" && mkdir -p "$out"
"$JAVA_HOME/bin/javac" --release 25 -nowarn -d "$out" -cp "$deps" \
  "$here/src/main/java/io/lakebeam/bench/EmbedBench.java"
echo "$out:$deps" > "$here/target/embed-classpath.txt"
echo "built $out"
