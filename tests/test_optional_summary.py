"""Without torch and Triton, a test run says what it did not run and how to run it."""

import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# A fresh interpreter that runs pytest as if torch were not installed.
pytestmark = pytest.mark.slow

RUN_WITHOUT_TORCH = """
import sys
from without_torch import NoTorch
sys.meta_path.insert(0, NoTorch())
import pytest
sys.exit(pytest.main(sys.argv[1:]))
"""


def test_a_run_without_torch_counts_what_it_left_out():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([REPO, HERE])}
    env.pop("SKLEARN_W2V_RUN_SLOW", None)
    proc = subprocess.run(
        [sys.executable, "-c", RUN_WITHOUT_TORCH, "-q", "-p", "no:cacheprovider",
         "tests/test_fused_kernel.py", "tests/test_callbacks.py", "-k", "torch or fused",
         "sklearn_w2v/callbacks.py"],
        cwd=REPO, capture_output=True, text=True, env=env, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "not run here: torch and triton are not installed" in out, out
    assert "1 test file skipped whole (tests/test_fused_kernel.py)" in out, out
    assert re.search(r"\b[1-9]\d* tests? in other files", out), out  # test_callbacks' cases
    assert "the docstring examples of" in out and "pip install torch==2.13.0 triton" in out


def test_a_run_with_everything_installed_says_nothing_of_it():
    pytest.importorskip("torch")
    pytest.importorskip("triton")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/test_docs_examples.py", "-k", "form"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "not run here" not in proc.stdout
