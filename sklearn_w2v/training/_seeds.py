"""Seeds for the parts of a run: one seed in, a distinct reproducible seed per key out."""

from __future__ import annotations

import numpy as np


def derive_seed(seed: int, *keys: int) -> int:
    """A seed in ``[0, 2**31 - 1)`` for ``(seed, *keys)``: different keys never share random draws.

    Used for the ``k``-th ``partial_fit`` call and for each rank and round
    of distributed training.

    >>> derive_seed(7, 1) == derive_seed(7, 1) != derive_seed(7, 2)
    True
    """
    state = np.random.SeedSequence([seed, *keys]).generate_state(1)[0]
    return int(state % np.iinfo(np.int32).max)
