#!/usr/bin/env bash
# Creates xlang/.venv with the Beam Python SDK that pairs with the Java Beam of the build, for the
# YAML and Python pipelines that call Lakebeam's transforms (CrossLanguagePipelinesIT, which skips
# without it). Idempotent: reinstalls only when requirements-beam.txt changes. ./lakebeam test
# runs it before the Java tests.
#   bash xlang/setup_venv.sh            # PYTHON=python3.11 to choose the interpreter
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PYTHON:-$(command -v python3.11 || command -v python3)}"
VENV="$HERE/.venv"
STAMP="$VENV/.lakebeam-requirements"
WANT="$(sha256sum "$HERE/requirements-beam.txt" | cut -d' ' -f1)"
if [ -x "$VENV/bin/python" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$WANT" ]; then
  exit 0
fi
start=$(date +%s)
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check -r "$HERE/requirements-beam.txt"
echo "$WANT" > "$STAMP"
echo "xlang/.venv ready in $(( $(date +%s) - start )) s: $("$VENV/bin/python" -c 'import apache_beam; print("apache-beam", apache_beam.__version__)' 2>/dev/null)"
