#!/usr/bin/env bash
# Smoke run of the ANN benchmark, for CI: 2,000 real passages, every system, seconds to minutes.
# Usage: bash bench/run_smoke.sh [--lakebeam auto|off|grpc://HOST:PORT] [--systems ...]
# Builds bench/.venv and the JVM peers when missing. Exits non-zero if a system fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ -x "$here/.venv/bin/python" ] || bash "$here/setup_venv.sh"
bash "$here/build_java.sh" >/dev/null
[ -f "$here/data/smoke/meta.json" ] || "$here/.venv/bin/python" "$here/make_dataset.py" --smoke
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$here/.venv/bin/python" "$here/ann_bench.py" --smoke --breadths 10,32,64,128 --out "$out" "$@"
"$here/.venv/bin/python" - "$out" <<'PY'
import glob, json, sys
r = json.load(open(sorted(glob.glob(sys.argv[1] + "/ann-*.json"))[-1]))
if r["errors"]:
    sys.exit(f"Cannot pass the ANN smoke run: {r['errors']}")
print(f"ANN smoke: {len(r['results'])} systems measured")
PY
