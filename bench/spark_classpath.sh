#!/usr/bin/env bash
# Resolves the Iceberg Spark runtime (bench/spark/pom.xml) through Maven and writes its jar list
# to bench/spark/target/spark-classpath.txt (used as spark.jars); prints that file's path.
# Usage: bash bench/spark_classpath.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/spark/target/spark-classpath.txt"
if [ ! -s "$out" ] || [ "$here/spark/pom.xml" -nt "$out" ]; then
  mkdir -p "$here/spark/target"
  mvn -B -q -Dstyle.color=never -f "$here/spark/pom.xml" dependency:build-classpath \
    -Dmdep.outputFile="$out" >&2
fi
echo "$out"
