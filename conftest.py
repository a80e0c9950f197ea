"""What pytest's doctest run over the package leaves out (see ``[tool:pytest]`` in setup.cfg)."""

import importlib.util

# Scripts run on import; the deprecated alias warns on import.
collect_ignore_glob = ["sklearn_w2v/__main__.py", "sklearn_w2v/*/__main__.py",
                       "sklearn_w2v/backends/torch_model.py", "tests/distributed_rank.py"]
if importlib.util.find_spec("torch") is None:  # these modules import torch
    collect_ignore_glob += ["sklearn_w2v/backends/torch/_*.py", "sklearn_w2v/distributed/_*.py"]
