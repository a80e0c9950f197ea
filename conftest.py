"""What pytest's doctest run over the package leaves out (see ``[tool:pytest]`` in setup.cfg),
and which tests a plain ``python -m pytest`` runs.
"""

import importlib.util
import os
import shutil

# Triton kernels run under Triton's interpreter, on CPU tensors, unless the
# machine has an NVIDIA GPU: set before anything imports triton (torch may).
if (os.environ.get("FUSED_TEST_COMPILED") != "1" and shutil.which("nvidia-smi") is None
        and not os.path.exists("/dev/nvidiactl")):
    os.environ.setdefault("TRITON_INTERPRET", "1")

# Scripts run on import.
collect_ignore_glob = ["sklearn_w2v/__main__.py", "sklearn_w2v/*/__main__.py",
                       "tests/distributed_rank.py"]
if importlib.util.find_spec("torch") is None:  # these modules import torch
    collect_ignore_glob += ["sklearn_w2v/backends/torch/_*.py", "sklearn_w2v/distributed/_*.py"]
elif importlib.util.find_spec("triton") is None:  # the fused kernel imports triton
    collect_ignore_glob += ["sklearn_w2v/backends/torch/_fused.py"]


#: Set to 1 to run the tests marked ``slow`` (process launches, the benchmark end to end,
#: process pools, long interpreter runs) in a plain ``python -m pytest``; CI sets it.
RUN_SLOW = "SKLEARN_W2V_RUN_SLOW"


def pytest_collection_modifyitems(config, items):
    """Leave out the ``slow`` tests unless asked for: by the environment, or by any ``-m``."""
    if os.environ.get(RUN_SLOW) == "1" or config.getoption("markexpr"):
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]


def pytest_report_header(config):
    if os.environ.get(RUN_SLOW) == "1" or config.getoption("markexpr"):
        return None
    return f"slow tests left out: {RUN_SLOW}=1 (or -m slow / -m '') runs them"
