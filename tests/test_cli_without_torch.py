"""Without torch, every entry point that needs it fails in one line that says how to install it."""

import json
import os
import subprocess
import sys

import pytest

from sklearn_w2v._optional import TORCH_INSTALL

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# A fresh interpreter that blocks torch runs every entry point.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("no_torch")
    corpus = folder / "f.txt"
    corpus.write_text("a b c d\nb c d e\n" * 20)
    train = ["-train", str(corpus), "-output", str(folder / "v.bin"), "-min-count", "1"]
    commands = {
        "sklearn-w2v --backend torch": ["sklearn_w2v", *train, "--backend", "torch"],
        "sklearn-w2v distributed": ["sklearn_w2v", "distributed", *train],
        "python -m sklearn_w2v.distributed": ["sklearn_w2v.distributed", *train],
        "python -m sklearn_w2v.bench": ["sklearn_w2v.bench", "--backends", "torch",
                                        "--corpus", str(corpus)],
        "sklearn-w2v bench": ["sklearn_w2v", "bench", "--backends", "numba,torch",
                              "--corpus", str(corpus)],
    }
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([REPO, HERE])}
    script = os.path.join(HERE, "without_torch.py")
    proc = subprocess.run(
        [sys.executable, script, json.dumps(list(commands.values()))],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    *results, last = json.loads(proc.stdout)
    assert last == {"torch_imported": False}  # the blocker held
    assert not (folder / "v.bin").exists()
    return dict(zip(commands, results))


@pytest.mark.parametrize("entry_point", [
    "sklearn-w2v --backend torch",
    "sklearn-w2v distributed",
    "python -m sklearn_w2v.distributed",
    "python -m sklearn_w2v.bench",
    "sklearn-w2v bench",
])
def test_one_line_with_the_install_hint(runs, entry_point):
    result = runs[entry_point]
    assert result["code"] not in (0, None)
    lines = result["stderr"].splitlines()
    assert len(lines) == 1, result["stderr"]
    assert "error:" in lines[0] and "torch" in lines[0] and TORCH_INSTALL in lines[0]
