#!/usr/bin/env bash
# Compiles the JVM peers (bench/src/main/java) with javac into bench/target/bench-classes and
# writes their classpath to bench/target/bench-classpath.txt. Needs only Lucene and jVector from
# the local Maven repository (fetched with `mvn dependency:get` when absent), not the rest of the
# reactor, so it works while other modules are mid-edit. `mvn -pl bench -am package` also builds it.
# EmbedBench needs the embeddings module: build_embed_java.sh compiles it; CurationBench needs
# transforms and runners-config: build_curation_java.sh compiles it; FrameBench needs multimodal:
# frame_bench.sh compiles it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
  echo "Cannot build the benchmarks: JDK 25 not found at $JAVA_HOME (set JAVA_HOME)" >&2
  exit 1
fi
repo="${MAVEN_REPO:-$HOME/.m2/repository}"
artifacts=(
  org.apache.lucene:lucene-core:10.3.2
  io.github.jbellis:jvector:4.0.2
  org.apache.commons:commons-math3:3.6.1
  org.agrona:agrona:1.20.0
  org.slf4j:slf4j-api:2.0.16
  org.yaml:snakeyaml:2.4
)
cp=()
for a in "${artifacts[@]}"; do
  IFS=: read -r g n v <<<"$a"
  jar="$repo/${g//.//}/$n/$v/$n-$v.jar"
  if [ ! -f "$jar" ]; then
    mvn -q dependency:get -Dartifact="$a" -Dtransitive=false
  fi
  cp+=("$jar")
done
classpath="$(IFS=:; echo "${cp[*]}")"
out="$here/target/bench-classes"
mkdir -p "$out"
"$JAVA_HOME/bin/javac" --release 25 --add-modules jdk.incubator.vector -nowarn -d "$out" -cp "$classpath" \
  $(find "$here/src/main/java" -name '*.java' ! -name 'EmbedBench.java' ! -name 'CurationBench.java' \
    ! -name 'FrameBench.java') 2>&1 | grep -v 'incubator' || true
test -f "$out/io/lakebeam/bench/LuceneHnswBench.class"
echo "$out:$classpath" > "$here/target/bench-classpath.txt"
echo "built $out"
