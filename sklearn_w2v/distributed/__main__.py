"""``python -m sklearn_w2v.distributed`` (under torchrun): see :mod:`sklearn_w2v.distributed.cli`."""

import sys

try:
    from .cli import main
except ModuleNotFoundError as exc:
    if exc.name != "torch":
        raise
    from . import TORCH_MISSING

    sys.exit(f"sklearn-w2v distributed: error: distributed training needs PyTorch. {TORCH_MISSING}")

sys.exit(main())
