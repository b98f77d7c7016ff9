#!/usr/bin/env bash
# Creates the Spark virtual environment at bench/.venv-spark (pyspark 3.5, matched to the Iceberg
# Spark runtime 3.5_2.12:1.6.1 that bench/spark_classpath.sh fetches through Maven), with pyarrow
# and pandas for the lakebeam client and pytest for tests/test_spark_it.py.
# Usage: bash bench/setup_venv_spark.sh   (idempotent; PYTHON=python3.11 to pick an interpreter)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
py="${PYTHON:-python3}"
venv="$here/.venv-spark"
if [ ! -x "$venv/bin/python" ]; then
  "$py" -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements-spark.txt" \
  -e "$root/clients/python"
"$venv/bin/python" -c "import pyspark, pyarrow, pandas, numpy; print('spark venv ready:', '$venv', 'pyspark', pyspark.__version__)"
