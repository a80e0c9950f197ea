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

#: Above this, trained weights get a ``ConvergenceWarning``: the learning rate
#: was too high and the vectors are probably poor. The measure is the product
#: of the 99th percentiles of the word and of the context vectors' row norms,
#: a bound on the typical size of a pair's score: sane training keeps scores
#: where the sigmoid still learns (``MAX_EXP`` = 6), too fast training throws
#: them far beyond. The longest rows alone do not separate the two. Chosen
#: from ``examples/divergence_thresholds.py`` (skip-gram and CBOW, numba and
#: torch, alpha 0.025 to 2): it lies between the scores of the sane runs and
#: those of the diverged ones (the figures are in
#: docs/user_guide/reliability_measurements.md).
SUSPECT_SCORE = 100.0


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


def _row_norms(weights: np.ndarray) -> np.ndarray:
    return np.sqrt(np.einsum("ij,ij->i", weights, weights, dtype=np.float64))


def check_converged(input_vectors: np.ndarray, output_vectors: np.ndarray, alpha: float) -> None:
    """Check trained weights: raise on clear divergence, warn on the middle ground.

    Raises
    ------
    FloatingPointError
        Non-finite weights, or a row longer than :data:`DIVERGED_NORM`.

    Warns
    -----
    ConvergenceWarning
        When the 99th percentiles of the two matrices' row norms multiply to
        more than :data:`SUSPECT_SCORE`: training was probably too fast.
    """
    typical = []
    for name, weights in (("word", input_vectors), ("context", output_vectors)):
        # A non-finite entry makes its row's norm non-finite (float32 squares cannot
        # overflow float64), so the norms check the weights without a matrix of flags.
        norms = _row_norms(weights)
        if not np.isfinite(norms).all():
            raise FloatingPointError(
                f"Training diverged (non-finite {name} vectors) with alpha={alpha}; "
                "use a smaller alpha."
            )
        if len(weights):
            norm = float(norms.max())
            if norm > DIVERGED_NORM:
                raise FloatingPointError(
                    f"Training diverged: a {name} vector has norm {norm:.3g} (sane training "
                    f"stays below {DIVERGED_NORM:g}) with alpha={alpha}; use a smaller alpha."
                )
            typical.append(float(np.percentile(norms, 99)))
    if len(typical) == 2 and typical[0] * typical[1] > SUSPECT_SCORE:
        warnings.warn(
            f"Training was probably too fast (alpha={alpha}): the 99th percentiles of the "
            f"word and context vector norms, {typical[0]:.3g} and {typical[1]:.3g}, allow pair "
            f"scores of {typical[0] * typical[1]:.3g}, where sane training stays below "
            f"{SUSPECT_SCORE:g}; the vectors are likely poor. Use a smaller alpha.",
            ConvergenceWarning,
            stacklevel=2,
        )
