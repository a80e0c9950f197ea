"""Starting weights, and the check that trained weights are sane."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

#: A trained weight row longer than this means training diverged. Weights start
#: with norms below 1 (inputs uniform in ``[-1, 1) / vector_size``, outputs 0)
#: and sane training keeps them in the tens: the sigmoid saturates, so the
#: gradients fade as scores grow. A learning rate far too high instead throws
#: rows to norms of 1e6 and more, finite (pairs scoring beyond +-6 are skipped,
#: so NaN rarely appears) but meaningless.
DIVERGED_NORM = 1e4

#: A trained weight row longer than this (but not :data:`DIVERGED_NORM`) gets a
#: ``ConvergenceWarning``: the learning rate was too high and the vectors are
#: probably poor. Chosen from ``examples/divergence_thresholds.py`` (skip-gram
#: and CBOW, numba and torch, Lee and en-mix): every run whose loss fell
#: epoch after epoch kept its longest row below 13, every run whose loss rose
#: (and whose WordSim-353 score collapsed) had one above 20.
SUSPECT_NORM = 20.0


def initial_vectors(n_words: int, vector_size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Starting weights as in gensim 4.

    Input vectors uniform in ``[-1, 1) / vector_size`` (the C tool uses half
    that range), output vectors zero.
    """
    rng = np.random.default_rng(seed)
    inp = rng.random((n_words, vector_size), dtype=np.float32)
    inp *= np.float32(2.0)
    inp -= np.float32(1.0)
    inp /= np.float32(vector_size)
    return inp, np.zeros((n_words, vector_size), dtype=np.float32)


def check_converged(input_vectors: np.ndarray, output_vectors: np.ndarray, alpha: float) -> None:
    """Check trained weights: raise on clear divergence, warn on the middle ground.

    Raises
    ------
    FloatingPointError
        Non-finite weights, or a row longer than :data:`DIVERGED_NORM`.

    Warns
    -----
    ConvergenceWarning
        A row longer than :data:`SUSPECT_NORM`: training was probably too fast.
    """
    longest = ("word", 0.0)
    for name, weights in (("word", input_vectors), ("context", output_vectors)):
        if not np.isfinite(weights).all():
            raise FloatingPointError(
                f"Training diverged (non-finite {name} vectors) with alpha={alpha}; "
                "use a smaller alpha."
            )
        if len(weights):
            norm = float(np.sqrt(np.einsum("ij,ij->i", weights, weights, dtype=np.float64).max()))
            if norm > DIVERGED_NORM:
                raise FloatingPointError(
                    f"Training diverged: a {name} vector has norm {norm:.3g} (sane training "
                    f"stays below {DIVERGED_NORM:g}) with alpha={alpha}; use a smaller alpha."
                )
            longest = max(longest, (name, norm), key=lambda item: item[1])
    name, norm = longest
    if norm > SUSPECT_NORM:
        warnings.warn(
            f"Training was probably too fast: a {name} vector has norm {norm:.3g} (sane "
            f"training keeps every row below {SUSPECT_NORM:g}) with alpha={alpha}; the vectors "
            "are likely poor. Use a smaller alpha (the default is 0.025).",
            ConvergenceWarning,
            stacklevel=2,
        )
