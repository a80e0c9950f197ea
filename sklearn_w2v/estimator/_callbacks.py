"""Training callbacks (``W2V(callbacks=[...])``): hooks called before training, between epochs and
after training, as gensim's ``callbacks``.

A callback is any object with one or more of the methods of
:class:`Callback`; subclass it to get the others as no-ops. Its
``on_epoch_end(model, epoch, stats)`` receives an :class:`EpochStats`
whose ``wv`` is a gensim ``KeyedVectors`` *view* of the vectors being
trained, and may stop training early by returning ``True`` or raising
:class:`StopTraining`. The hooks run between epochs, in the thread that
called ``fit``, never inside a training kernel, so training itself is not
slowed; the time a hook takes adds to the fit's.

Two ready-made callbacks: :class:`Checkpoint` (write the vectors as a
word2vec file after every epoch) and :class:`EarlyStopping` (stop when a
score of the vectors stops improving).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from gensim.models import KeyedVectors

from ..training import EpochEnd
from ..vectors import to_keyed_vectors, write_keyed_vectors

_HOOKS = ("on_train_begin", "on_epoch_end", "on_train_end")


class StopTraining(Exception):  # noqa: N818 - named for what it asks, like StopIteration
    """Raise it in a callback's ``on_epoch_end`` to end training after this epoch.

    The same as returning ``True``: the fit completes normally with the
    epochs trained so far (``training_stats_["epochs_trained"]`` says how
    many, ``epoch_loss_`` has one entry per epoch trained). Raised from
    ``on_train_begin`` it trains no epoch at all. Any other exception from
    a callback aborts the fit and leaves the estimator as it was.
    """


@dataclass(frozen=True, eq=False)
class EpochStats:
    """What ``on_epoch_end(model, epoch, stats)`` receives as ``stats``.

    Attributes
    ----------
    epoch : int
        The epoch just finished, 0-based (``epoch + 1`` epochs are done).
    epochs : int
        The epochs the fit was asked for.
    wv : gensim.models.KeyedVectors
        The vectors of the whole vocabulary as they stand: a view of the
        weights being trained (no copy), in the order ``wv_`` will have.
        Training changes them after the callback returns, so copy what you
        keep (``stats.wv.vectors.copy()``, or write a file). Norms gensim
        caches (``most_similar``) are reset before every epoch's callbacks.
    context_vectors : ndarray of float32, shape (n_words, vector_size)
        The context (output) weights, also a view.
    loss : float or None
        This epoch's summed training loss with ``compute_loss=True`` (when
        the backend reports it), else None.
    words_done : int
        Corpus words trained so far, over all epochs.
    seconds : float
        Since training started.
    """

    epoch: int
    epochs: int
    wv: KeyedVectors
    context_vectors: np.ndarray
    loss: float | None
    words_done: int
    seconds: float


class Callback:
    """Base class of training callbacks; every hook does nothing unless overridden.

    Examples
    --------
    A per-epoch score (here the mean similarity of two words; an analogy
    score is ``stats.wv.evaluate_word_analogies(path)[0]``):

    >>> from gensim.test.utils import common_texts
    >>> from sklearn_w2v import W2V
    >>> from sklearn_w2v.callbacks import Callback
    >>> class Similarity(Callback):
    ...     def __init__(self):
    ...         self.scores = []
    ...     def on_epoch_end(self, model, epoch, stats):
    ...         self.scores.append(float(stats.wv.similarity("graph", "trees")))
    >>> log = Similarity()
    >>> model = W2V(vector_size=8, min_count=1, epochs=3, n_jobs=1, random_state=0,
    ...             callbacks=[log]).fit(common_texts)
    >>> len(model.callbacks[0].scores)
    3
    """

    def on_train_begin(self, model) -> None:
        """Before the first epoch, once the vocabulary is known; ``model`` is the estimator
        being fitted (its fitted attributes are those from before this call, if any).
        """

    def on_epoch_end(self, model, epoch: int, stats: EpochStats) -> bool | None:
        """After each epoch; return ``True`` (or raise :class:`StopTraining`) to stop here."""

    def on_train_end(self, model) -> None:
        """After training, once ``model`` holds all its fitted attributes (``wv_``, ...)."""


def check_callbacks(callbacks: Any) -> list:
    """``callbacks`` as a list, or TypeError naming what is not a callback.

    None gives ``[]``. A callback needs at least one of ``on_train_begin``,
    ``on_epoch_end`` and ``on_train_end`` (callable); the ones it lacks are
    skipped.
    """
    if callbacks is None:
        return []
    if isinstance(callbacks, str | bytes) or not isinstance(callbacks, Sequence | set | tuple):
        if any(callable(getattr(callbacks, h, None)) for h in _HOOKS):
            raise TypeError("callbacks must be a list of callbacks; wrap the one you passed: "
                            "callbacks=[your_callback].")
        raise TypeError(f"callbacks must be a list of callback objects or None, got "
                        f"{type(callbacks).__name__}.")
    items = list(callbacks)
    for item in items:
        if not any(callable(getattr(item, h, None)) for h in _HOOKS):
            raise TypeError(
                f"callbacks: {item!r} has none of the methods {', '.join(_HOOKS)}; subclass "
                "sklearn_w2v.callbacks.Callback.")
    return items


class CallbackRunner:
    """Runs a fit's callbacks: built by the estimator once the vocabulary and the starting
    weights are known (``words``, ``counts``, ``input_vectors``, ``output_vectors``, which
    training updates in place).
    """

    def __init__(self, model, callbacks: list, words, counts, input_vectors, output_vectors):
        self.model = model
        self.callbacks = callbacks
        self.words, self.counts = words, counts
        self.input_vectors, self.output_vectors = input_vectors, output_vectors
        self.stopped_before = False
        self._wv: KeyedVectors | None = None

    def _call(self, hook: str, *args) -> bool:
        stop = False
        for callback in self.callbacks:
            method = getattr(callback, hook, None)
            if method is None:
                continue
            try:
                stop = bool(method(self.model, *args)) or stop
            except StopTraining:
                stop = True
        return stop

    def begin(self) -> None:
        """``on_train_begin`` of every callback; a :class:`StopTraining` there trains nothing."""
        self.stopped_before = self._call("on_train_begin")

    def epoch_end(self, report: EpochEnd) -> bool:
        """The trainer's ``on_epoch_end`` hook: every callback's, then whether to stop.

        Every callback runs even when an earlier one asked to stop.
        """
        if self._wv is None:
            self._wv = to_keyed_vectors(self.words, self.counts, self.input_vectors)
        self._wv.norms = None  # gensim's cached norms are those of the last epoch
        stats = EpochStats(report.epoch, report.epochs, self._wv, self.output_vectors,
                           report.loss, report.words_done, report.seconds)
        return self._call("on_epoch_end", report.epoch, stats)

    def end(self) -> None:
        """``on_train_end`` of every callback (the model is fitted)."""
        self._call("on_train_end")


class Checkpoint(Callback):
    """Write the vectors as a word2vec file after every ``every`` epochs (atomically).

    Parameters
    ----------
    path : str or path
        Target file; ``{epoch}`` in it is replaced by the 1-based number of
        epochs done (``"vectors-{epoch}.txt"``), otherwise each checkpoint
        replaces the last. ``.gz`` compresses.
    binary : bool, default=False
        The binary layout instead of text.
    every : int, default=1
        Write after epochs ``every``, ``2 * every``, ... .

    Attributes
    ----------
    paths_ : list of str
        The files written, in order.
    """

    def __init__(self, path, *, binary: bool = False, every: int = 1):
        if isinstance(every, bool) or not isinstance(every, int | np.integer) or every < 1:
            raise ValueError(f"every must be a positive integer, got {every!r}")
        self.path = os.fspath(path)
        self.binary = bool(binary)
        self.every = int(every)
        self.paths_: list[str] = []

    def on_epoch_end(self, model, epoch: int, stats: EpochStats) -> None:
        if (epoch + 1) % self.every:
            return
        path = self.path.replace("{epoch}", str(epoch + 1))
        write_keyed_vectors(path, stats.wv, binary=self.binary)
        self.paths_.append(path)


class EarlyStopping(Callback):
    """Stop training when a score of the vectors has not improved for ``patience`` epochs.

    Parameters
    ----------
    score : callable
        ``score(wv) -> float`` on the epoch's ``KeyedVectors`` view, e.g.
        ``lambda wv: wv.evaluate_word_pairs(path)[1][0]`` (Spearman
        correlation on a similarity file), or a function of yours on a
        held-out task. (A function defined at module level keeps the
        estimator picklable for parallel grid searches.)
    patience : int, default=1
        Epochs without improvement tolerated before stopping.
    min_delta : float, default=0.0
        Smallest change that counts as an improvement.
    mode : {"max", "min"}, default="max"
        Whether a higher or a lower score is better.

    Attributes
    ----------
    scores_ : list of float
        The score after each epoch of the last fit.
    best_epoch_ : int or None
        0-based epoch of the best score.
    stopped_epoch_ : int or None
        0-based epoch after which training stopped, None if it ran to the end.

    Notes
    -----
    The fitted vectors are those of the last epoch trained, not of the best
    one (combine with :class:`Checkpoint` to keep every epoch's).
    """

    def __init__(self, score: Callable[[KeyedVectors], float], *, patience: int = 1,
                 min_delta: float = 0.0, mode: str = "max"):
        if not callable(score):
            raise TypeError(f"score must be a callable score(wv) -> float, got {score!r}")
        if isinstance(patience, bool) or not isinstance(patience, int | np.integer) \
                or patience < 1:
            raise ValueError(f"patience must be a positive integer, got {patience!r}")
        if mode not in ("max", "min"):
            raise ValueError(f"mode must be 'max' or 'min', got {mode!r}")
        if not min_delta >= 0:
            raise ValueError(f"min_delta must be >= 0, got {min_delta!r}")
        self.score = score
        self.patience = int(patience)
        self.min_delta = float(min_delta)
        self.mode = mode
        self.scores_: list[float] = []
        self.best_epoch_: int | None = None
        self.stopped_epoch_: int | None = None

    def on_train_begin(self, model) -> None:
        self.scores_, self.best_epoch_, self.stopped_epoch_ = [], None, None

    def on_epoch_end(self, model, epoch: int, stats: EpochStats) -> bool:
        value = float(self.score(stats.wv))
        if math.isnan(value):
            raise ValueError(f"EarlyStopping: the score of epoch {epoch} is NaN.")
        self.scores_.append(value)
        sign = 1.0 if self.mode == "max" else -1.0
        if self.best_epoch_ is None or sign * (value - self.scores_[self.best_epoch_]) \
                > self.min_delta:
            self.best_epoch_ = len(self.scores_) - 1
        if len(self.scores_) - 1 - self.best_epoch_ >= self.patience:
            self.stopped_epoch_ = epoch
            return True
        return False
