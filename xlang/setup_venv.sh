#!/usr/bin/env bash
# Creates xlang/.venv with the Beam Python SDK that pairs with the Java Beam of the build, for the
# YAML and Python pipelines that call Lakebeam's transforms (CrossLanguagePipelinesIT).
#   bash xlang/setup_venv.sh            # PYTHON=python3.11 to choose the interpreter
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PYTHON:-python3}"
start=$(date +%s)
"$PY" -m venv "$HERE/.venv"
"$HERE/.venv/bin/pip" install -q --upgrade pip
"$HERE/.venv/bin/pip" install -q -r "$HERE/requirements-beam.txt"
echo "xlang/.venv ready in $(( $(date +%s) - start )) s: $("$HERE/.venv/bin/python" -c 'import apache_beam; print("apache-beam", apache_beam.__version__)')"
