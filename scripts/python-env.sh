#!/usr/bin/env bash
# Creates (or updates) the project's Python virtual environment at .venv with the pinned client
# and test dependencies, and the lakebeam package in editable mode. Prints the venv's python.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
REQ="$ROOT/clients/python/requirements.txt"
PY="${LAKEBEAM_PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x "$VENV/bin/python" ]; then
  echo "==> Creating Python venv at $VENV" >&2
  "$PY" -m venv "$VENV" >&2
fi
STAMP="$VENV/.lakebeam-requirements"
WANT="$(cat "$REQ" "$ROOT/clients/python/pyproject.toml" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
  echo "==> Installing Python dependencies (pinned in clients/python/requirements.txt)" >&2
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQ" -e "$ROOT/clients/python" >&2
  echo "$WANT" > "$STAMP"
fi
echo "$VENV/bin/python"
