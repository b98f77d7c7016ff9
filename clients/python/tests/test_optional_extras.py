"""The optional integrations say which extra to install when their library is missing.

Each check runs in a fresh interpreter where the library cannot be imported (its entry in
``sys.modules`` is ``None``, which makes ``import`` fail the way a missing package does).
"""

import subprocess
import sys

import pytest

CHECK = """
import sys
sys.modules[{blocked!r}] = None
try:
    import {module}
except ImportError as exc:
    print(exc)
else:
    print("imported")
"""


@pytest.mark.parametrize(
    "module, blocked, extra",
    [
        ("lakebeam.langchain", "langchain_core", "pip install 'lakebeam[langchain]'"),
        ("lakebeam.ray", "ray", "pip install 'lakebeam[ray]'"),
    ],
)
def test_missing_extra_names_the_install_command(module, blocked, extra):
    out = subprocess.run(
        [sys.executable, "-c", CHECK.format(blocked=blocked, module=module)],
        capture_output=True, text=True, timeout=120,
    )
    assert extra in out.stdout, out.stdout + out.stderr
    assert module in out.stdout


def test_core_client_imports_without_the_extras():
    code = "import sys\nfor m in ('ray', 'langchain_core'): sys.modules[m] = None\n" \
           "import lakebeam; from lakebeam import LakebeamClient; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "ok", out.stderr
