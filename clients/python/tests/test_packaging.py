"""``pip install ./clients/python`` into a fresh virtual environment: the package, its type
hints marker, the integration modules and the optional extras are all there."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]


def test_pip_install_into_a_fresh_venv(tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)  # this interpreter's pip installs into it (--python)
    python = env_dir / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    install = subprocess.run(
        [*pip, "install", "-q", "--disable-pip-version-check", "--no-deps", str(PACKAGE)],
        capture_output=True, text=True, timeout=300,
    )
    if install.returncode != 0 and "setuptools" in install.stderr and (
        "Could not find a version" in install.stderr or "connection" in install.stderr.lower()
    ):
        pytest.skip(f"no package index to fetch the build backend from: {install.stderr[-300:]}")
    assert install.returncode == 0, install.stderr[-2000:]
    show = subprocess.run([*pip, "show", "-f", "lakebeam"],
                          capture_output=True, text=True, timeout=60)
    files = {line.strip() for line in show.stdout.splitlines()}
    for name in ("client.py", "langchain.py", "ray.py", "filters.py", "mmr.py", "py.typed"):
        assert f"lakebeam/{name}" in files, f"{name} not installed: {sorted(files)}"
    metadata = subprocess.run(
        [str(python), "-c", "from importlib.metadata import metadata; "
         "print('\\n'.join(metadata('lakebeam').get_all('Provides-Extra')))"],
        capture_output=True, text=True, timeout=60,
    ).stdout.split()
    assert {"langchain", "ray", "pandas", "notebooks"} <= set(metadata)
    assert sys.version_info >= (3, 11)
