#!/usr/bin/env bash
# Smoke run of the curation benchmarks, for CI: near-duplicates vs datasketch, k-means vs
# scikit-learn, outliers vs scikit-learn, at tiny sizes on the Direct runner. Builds bench/.venv
# and CurationBench when missing. Exits non-zero if a benchmark fails (an error, k-means inertia
# more than 1% off scikit-learn's, or LSH parameters that differ from datasketch's).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ -x "$here/.venv/bin/python" ] || bash "$here/setup_venv.sh"
"$here/.venv/bin/python" -c 'import datasketch, sklearn' 2>/dev/null \
  || "$here/.venv/bin/pip" install -q -r "$here/requirements.txt"
[ -f "$here/data/smoke/meta.json" ] || "$here/.venv/bin/python" "$here/make_dataset.py" --smoke
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
py="$here/.venv/bin/python"
"$py" "$here/dedup_bench.py" --smoke --out "$out" | grep -E '^  (lakebeam|datasketch|speedup)'
"$py" "$here/cluster_bench.py" --smoke --out "$out" | grep -E '^  time ratio'
"$py" "$here/anomaly_bench.py" --smoke --out "$out" | grep -E '^  (lakebeam|sklearn|exact)_'
