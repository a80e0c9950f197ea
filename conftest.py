"""What pytest's doctest run over the package leaves out (see ``[tool:pytest]`` in setup.cfg)."""

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
