#!/usr/bin/env bash
# The test command (./lakebeam test): every Java test (unit tests, the S3Proxy object-storage
# tests, Flight server tests, crash tests) through Maven, then the Python client's tests with
# pytest against a real Lakebeam server, then the benchmarks at smoke size.
# Options: --java-only, --python-only, --no-bench.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=env.sh
source "$ROOT/scripts/env.sh"

java=1 python=1 bench=1
for arg in "$@"; do
  case "$arg" in
    --java-only) python=0 bench=0 ;;
    --python-only) java=0 bench=0 ;;
    --no-bench) bench=0 ;;
    *) echo "unknown option: $arg (use --java-only, --python-only, --no-bench)" >&2; exit 2 ;;
  esac
done

if [ "$java" = 1 ]; then
  echo "==> Formatting (google-java-format through Spotless)"
  if ! mvn -B -q -Dstyle.color=never spotless:check > "$ROOT/target-spotless.log" 2>&1; then
    tail -30 "$ROOT/target-spotless.log" >&2
    echo "Java sources are not formatted: run 'mvn spotless:apply' and commit" >&2
    exit 1
  fi
  rm -f "$ROOT/target-spotless.log"
  # The Beam Python SDK for CrossLanguagePipelinesIT (YAML and Python pipelines; ~20 s from PyPI
  # here, ~2 min on a loaded machine); the IT skips with a message where the venv is missing.
  bash "$ROOT/xlang/setup_venv.sh"
  echo "==> Java tests (mvn install)"
  mkdir -p "$ROOT/target"
  log="$ROOT/target/maven-test.log"
  set +e
  mvn -B -Dstyle.color=never install > "$log" 2>&1
  rc=$?
  set -e
  grep -E "Tests run:|FAIL|BUILD|Reactor Summary|SUCCESS \[|FAILURE \[|Total time" "$log" || true
  if [ "$rc" -ne 0 ]; then
    echo "Maven failed (exit $rc); the last lines of $log:" >&2
    tail -150 "$log" >&2
    exit "$rc"
  fi
  touch "$ROOT/cli/target/.lakebeam-built"
  # The install also built the bench module and its classpath: bench/build_java.sh has nothing to do.
  touch "$ROOT/bench/target/.bench-built"
else
  "$ROOT/lakebeam" build
fi

PYTHON="$("$ROOT/scripts/python-env.sh")"
if [ "$python" = 1 ]; then
  echo "==> Python tests (pytest against a real server)"
  "$PYTHON" -m pytest -q -p no:cacheprovider "$ROOT/clients/python/tests"
  # Spark on Lakebeam tables: only where bench/setup_venv_spark.sh made the Spark venv
  if [ -x "$ROOT/bench/.venv-spark/bin/python" ]; then
    PYTHONPATH="$ROOT/clients/python" "$ROOT/bench/.venv-spark/bin/python" -m pytest -q \
      -p no:cacheprovider "$ROOT/clients/python/tests/test_spark_it.py"
  fi
fi

if [ "$bench" = 1 ]; then
  echo "==> Benchmarks at smoke size"
  bash "$ROOT/bench/run_smoke.sh"
  # Serving tiers side by side in one process (hot, hot-pq, warm), 12,000 x 64 Gaussian mixture.
  tier_dir="$(mktemp -d)"
  "$LAKEBEAM_JDK/bin/java" "${LAKEBEAM_JVM_FLAGS[@]}" -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$(cat "$(bash "$ROOT/bench/build_java.sh")")" io.lakebeam.bench.TierBench \
    --rows 12000 --dim 64 --queries 100 --lakehouse "$tier_dir" 2>/dev/null
  rm -rf "$tier_dir"
  "$ROOT/bench/.venv/bin/python" "$ROOT/bench/read_bench.py" --corpus "$ROOT/bench/data/smoke/corpus" --repeat 1
  bash "$ROOT/bench/index_refresh.sh" "$ROOT/bench/data/smoke/corpus" 0.01 2>/dev/null | grep -v '^{'
  "$ROOT/bench/.venv/bin/python" "$ROOT/bench/build_bench.py" --smoke --out "$(mktemp -d)" 2>/dev/null | tail -4
  # faiss HNSW at base-layer degree 16 and 32 on tier_bench's Gaussian mixture (what caps its recall).
  "$ROOT/bench/.venv/bin/python" "$ROOT/bench/mixture_reference.py" --smoke 2>/dev/null | tail -2
  # End-to-end ingest on 16 real documents, Direct and Flink, re-run and broken files.
  [ -d "$ROOT/bench/data/docs-ci" ] || python3 "$ROOT/bench/make_doc_corpus.py" --smoke --size 16 \
    --max-kb 8 --out "$ROOT/bench/data/docs-ci" > /dev/null
  python3 "$ROOT/bench/ingest_bench.py" --corpus "$ROOT/bench/data/docs-ci" | tail -8
  # Ray Data through the Flight endpoints vs ray.data.read_parquet on the smoke corpus, and the
  # LangChain retriever's latency over the raw client call (13 documents, 100 calls each).
  ray_log="$(mktemp)"
  "$PYTHON" "$ROOT/bench/ray_read_bench.py" --smoke 2>"$ray_log" | tail -1 \
    || { tail -40 "$ray_log" >&2; exit 1; }
  rm -f "$ray_log"
  "$PYTHON" "$ROOT/bench/langchain_bench.py" --smoke | tail -1
  # Structure-aware fuzzing of every ticket and action (2,000 malformed requests): fails on any
  # INTERNAL status or a server crash.
  "$PYTHON" "$ROOT/bench/fuzz_requests.py" --smoke | tail -3
  # REST vs Flight single-query search p50/p99 (3,000 x 384-d); fails if their hits differ.
  "$PYTHON" "$ROOT/bench/rest_bench.py" --smoke | tail -2
  # Spark brute-force top-k vs Lakebeam's indexed search on one table (20,000 x 64), where the Spark venv exists.
  [ ! -x "$ROOT/bench/.venv-spark/bin/python" ] || "$ROOT/bench/.venv-spark/bin/python" "$ROOT/bench/spark_bench.py" --smoke 2>/dev/null | tail -3
  # First query of a fresh server (12,000 x 64): start -> listening -> ready -> first search.
  "$PYTHON" "$ROOT/bench/first_query_bench.py" --smoke | tail -4
  "$ROOT/bench/.venv/bin/python" "$ROOT/bench/bm25_bench.py" --smoke | grep -E 'identical|qps_ratio'  # BM25 = bm25s
  # Embedding throughput, 300 passages: Java vs Python onnxruntime (sentence-transformers only
  # where bench/.venv-st exists; it is never installed here); fails if the vectors disagree.
  # Context packages, 20 topics over the 2,000 smoke passages: build packages/s, a no-op rebuild
  # (must add no version), get_context p50/p99 through Flight beside a live top-50 search.
  "$ROOT/bench/.venv/bin/python" "$ROOT/bench/context_bench.py" --smoke | tail -1
  "$ROOT/bench/.venv/bin/python" "$ROOT/bench/filters_bench.py" --smoke | tail -4
  # Hybrid search (two vector legs, RRF) p50/p99 through Flight beside one vector search, 12k rows.
  "$ROOT/bench/.venv/bin/python" "$ROOT/bench/hybrid_bench.py" --smoke --queries 200 | tail -4
  # Curation, tiny sizes on the Direct runner: near-duplicates vs datasketch (600 texts),
  # k-means vs scikit-learn (1,000 vectors, same init; fails if inertia is > 1% off), outliers
  # vs scikit-learn (800 vectors, kNN distance and isolation forest).
  bash "$ROOT/bench/run_curation_smoke.sh"
  embed_out="$(mktemp -d)"
  "$ROOT/bench/.venv/bin/python" "$ROOT/bench/embed_bench.py" --smoke --out "$embed_out"
  rm -rf "$embed_out"
  # Frames: extraction vs the ffmpeg CLI and pHash near-duplicates on one 8 s video (installs ffmpeg).
  bash "$ROOT/bench/frame_bench.sh" --smoke | grep -E '^(frames:|near-duplicates pHash)'
  "$ROOT/bench/.venv/bin/python" "$ROOT/bench/eval_bench.py" --smoke | tail -6  # man-page eval: BM25/vector/hybrid
fi
echo "==> All tests passed"
