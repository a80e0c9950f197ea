"""The backend-neutral trainer interface: arrays and a frozen config in, weights and stats out.

A backend is any object with a ``train`` method of the :class:`Trainer`
protocol. It sees only NumPy arrays and a :class:`TrainConfig`, never the
estimator, so the estimator can swap backends without knowing their insides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from .corpus import EncodedCorpus


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters of one training run (gensim 4's names and meanings).

    ``seed`` fixes initial weights and every random draw; ``n_threads`` is
    the number of worker threads (or the backend's equivalent). With
    ``compute_loss`` a backend that supports it records the summed
    negative-sampling loss of each epoch as ``stats.extra["epoch_loss"]``
    (it slows the numba backend's skip-gram by about half again).
    """

    vector_size: int = 100
    window: int = 5
    negative: int = 5
    ns_exponent: float = 0.75
    sample: float = 1e-3
    alpha: float = 0.025
    min_alpha: float = 0.0001
    sg: bool = False
    cbow_mean: bool = True
    epochs: int = 5
    shrink_windows: bool = True
    seed: int = 0
    n_threads: int = 1
    verbose: int = 0
    compute_loss: bool = False

    def __post_init__(self):
        for name in ("vector_size", "window", "negative", "epochs", "n_threads"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not self.alpha > 0:
            raise ValueError(f"alpha must be > 0, got {self.alpha}")
        if not 0 <= self.min_alpha <= self.alpha:
            raise ValueError(
                f"min_alpha must be in [0, alpha={self.alpha}], got {self.min_alpha}"
            )
        if self.sample < 0:
            raise ValueError(f"sample must be >= 0, got {self.sample}")


@dataclass(frozen=True)
class TrainStats:
    """What a training run did.

    Attributes
    ----------
    seconds : float
        Wall time of the training loop (tables and threads included).
    words : int
        Corpus tokens (in-vocabulary) times epochs: the words the learning
        rate decays over.
    effective_words : int
        Words left after frequent-word subsampling, summed over epochs.
    """

    seconds: float
    words: int
    effective_words: int
    extra: dict = field(default_factory=dict)

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds > 0 else float("inf")


@dataclass(frozen=True, eq=False)
class TrainResult:
    """Trained weights: ``input_vectors`` are the word vectors, ``output_vectors`` the context ones."""

    input_vectors: np.ndarray
    output_vectors: np.ndarray
    stats: TrainStats


class Trainer(Protocol):
    """What a backend provides."""

    name: str

    def train(
        self,
        corpus: EncodedCorpus,
        counts: np.ndarray,
        config: TrainConfig,
        input_vectors: np.ndarray,
        output_vectors: np.ndarray,
    ) -> TrainResult:
        """Train from the given starting weights.

        Parameters
        ----------
        corpus : EncodedCorpus
            Ids in ``range(len(counts))``.
        counts : ndarray of int64
            Corpus count of each word (drives subsampling and the noise
            distribution).
        config : TrainConfig
        input_vectors, output_vectors : ndarray of float32, shape (len(counts), vector_size)
            Starting weights. A backend may update these arrays in place and
            return them; callers that need the originals pass copies.
        """
        ...


def initial_vectors(
    n_words: int, vector_size: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
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


def check_training_arrays(
    corpus: EncodedCorpus,
    counts: np.ndarray,
    config: TrainConfig,
    input_vectors: np.ndarray,
    output_vectors: np.ndarray,
) -> None:
    """Validation every backend runs before training (kernels do no bounds checks)."""
    n_words = len(counts)
    shape = (n_words, config.vector_size)
    for name, arr in (("input_vectors", input_vectors), ("output_vectors", output_vectors)):
        if arr.shape != shape or arr.dtype != np.float32 or not arr.flags.c_contiguous:
            raise ValueError(
                f"{name} must be a C-contiguous float32 array of shape {shape}, "
                f"got {arr.dtype} {arr.shape}"
            )
    check_corpus_and_counts(corpus, counts)


def check_corpus_and_counts(corpus: EncodedCorpus, counts: np.ndarray) -> None:
    """The part of :func:`check_training_arrays` that does not concern the weights."""
    n_words = len(counts)
    if n_words == 0:
        raise ValueError("cannot train with an empty vocabulary")
    if corpus.n_tokens == 0:
        raise ValueError("cannot train on an empty corpus")
    if np.any(np.asarray(counts) <= 0):
        raise ValueError("every word count must be positive")
    if corpus.ids.min() < 0 or corpus.ids.max() >= n_words:
        raise ValueError("corpus ids must lie in range(len(counts))")
