#!/usr/bin/env bash
# REST catalog commit overhead (issue 17): starts S3Proxy and Iceberg's REST catalog server
# (1.7.1, the REST compatibility kit's server over a SQLite JDBC catalog, the same one
# core's RestCatalogIT runs) on 127.0.0.1, then runs io.lakebeam.bench.CatalogCommitBench: N
# metadata commits and N 10-row appends through Lakebeam on the REST catalog and on the embedded
# SQLite catalog, same S3 storage, interleaved; prints p50/mean and the REST/SQLite ratio.
# Usage: bash bench/rest_catalog_bench.sh [--commits N] [--smoke]      (--smoke: 10 commits)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
commits=50
while [ $# -gt 0 ]; do
  case "$1" in
    --commits) commits="$2"; shift 2 ;;
    --smoke) commits=10; shift ;;
    *) echo "Cannot run rest_catalog_bench.sh: unknown option $1 (use --commits N or --smoke)" >&2; exit 2 ;;
  esac
done
# LAKEBEAM_BENCH_CP: a class path file built already (skips build_java.sh)
cp_file="${LAKEBEAM_BENCH_CP:-$(bash "$here/build_java.sh")}"
# shellcheck source=../scripts/env.sh
source "$root/scripts/env.sh"
work="$(mktemp -d /tmp/lakebeam-rest-bench.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
resolve() { # pom, output file
  if [ ! -f "$2" ] || [ "$1" -nt "$2" ]; then
    mvn -B -q -f "$1" dependency:build-classpath -Dmdep.outputFile="$2" >&2
  fi
}
mkdir -p "$here/target"
resolve "$here/s3proxy/pom.xml" "$here/target/s3proxy-classpath.txt"
resolve "$root/core/src/test/rest-catalog-server/pom.xml" "$here/target/rest-catalog-server-classpath.txt"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { # port, pid, log
  for _ in $(seq 1 600); do
    kill -0 "$2" 2>/dev/null || { echo "Cannot start a server for the bench: see $3" >&2; tail -20 "$3" >&2; exit 1; }
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "Cannot start a server for the bench within 120 s: see $3" >&2; exit 1
}
s3_port="$(free_port)"
mkdir -p "$work/blobs/lake"
cat > "$work/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$s3_port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=lakebeam-bench
s3proxy.credential=lakebeam-bench-secret
jclouds.provider=filesystem
jclouds.filesystem.basedir=$work/blobs
PROPS
echo '<configuration><root level="WARN"/></configuration>' > "$work/logback.xml"
java -Xmx512m -Dlogback.configurationFile="$work/logback.xml" -cp "$(cat "$here/target/s3proxy-classpath.txt")" \
  org.gaul.s3proxy.Main --properties "$work/s3proxy.properties" >"$work/s3proxy.log" 2>&1 &
pids+=($!)
wait_port "$s3_port" "${pids[-1]}" "$work/s3proxy.log"
rest_port="$(free_port)"
env CATALOG_REST_PORT="$rest_port" CATALOG_URI="jdbc:sqlite:$work/rest-catalog.db" CATALOG_JDBC_SCHEMA__VERSION=V1 \
  CATALOG_CLIENTS=1 CATALOG_WAREHOUSE=s3://lake/rest-wh CATALOG_IO__IMPL=org.apache.iceberg.aws.s3.S3FileIO \
  CATALOG_S3_ENDPOINT="http://127.0.0.1:$s3_port" CATALOG_S3_PATH__STYLE__ACCESS=true \
  CATALOG_S3_ACCESS__KEY__ID=lakebeam-bench CATALOG_S3_SECRET__ACCESS__KEY=lakebeam-bench-secret \
  CATALOG_CLIENT_REGION=us-east-1 AWS_REGION=us-east-1 \
  java -Xmx256m -cp "$(cat "$here/target/rest-catalog-server-classpath.txt")" org.apache.iceberg.rest.RESTCatalogServer \
  >"$work/rest.log" 2>&1 &
pids+=($!)
wait_port "$rest_port" "${pids[-1]}" "$work/rest.log"
java "${LAKEBEAM_JVM_FLAGS[@]}" -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$(cat "$cp_file")" \
  io.lakebeam.bench.CatalogCommitBench --rest-uri "http://127.0.0.1:$rest_port" \
  --s3-endpoint "http://127.0.0.1:$s3_port" --work "$work" --commits "$commits"
