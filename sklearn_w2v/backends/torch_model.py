"""Deprecated alias of :mod:`sklearn_w2v.backends.torch` (the torch model's home before 0.2).

``from sklearn_w2v.backends.torch_model import SGNSModule`` keeps working and
warns; import from :mod:`sklearn_w2v.backends.torch` instead.
"""

import warnings

from .torch import Batch, SGNSModule, sgns_step_

warnings.warn(
    "sklearn_w2v.backends.torch_model is deprecated; import SGNSModule, Batch and sgns_step_ "
    "from sklearn_w2v.backends.torch.",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = ["Batch", "SGNSModule", "sgns_step_"]
