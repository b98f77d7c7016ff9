#!/usr/bin/env bash
# Creates the benchmark virtual environment at bench/.venv with the pinned requirements.
# Usage: bash bench/setup_venv.sh   (idempotent; PYTHON=python3.11 to pick an interpreter)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py="${PYTHON:-python3}"
if [ ! -x "$here/.venv/bin/python" ]; then
  "$py" -m venv "$here/.venv"
fi
"$here/.venv/bin/pip" install -q --upgrade pip
"$here/.venv/bin/pip" install -q -r "$here/requirements.txt"
"$here/.venv/bin/python" -c "import numpy, pyarrow, faiss, lancedb, onnxruntime, tokenizers, pandas; print('bench venv ready:', '$here/.venv')"
