"""What a training call runs with, decided from the estimator's parameters before any data is read.

:func:`training_setup` turns the parameters of a ``W2V`` into a
:class:`TrainingSetup`: the frozen :class:`~sklearn_w2v.training.TrainConfig`
(copied field by field as ``TRAINING_PARAMETERS`` declares them), the
trainer, and the analyzer. It runs every check that needs no data (the rules
between parameters, the backend's capabilities for the options given), so a
fit fails before its corpus is read. It is the default first stage of a fit
(``FitStages.setup``) and the seam through which the package's other front
ends (distributed training, the benchmark) set up a training call with
backend options of their own.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from sklearn.utils import check_random_state

from ..backends import backend_options, check_capabilities, get_trainer
from ..training import (
    Capabilities,
    EpochHook,
    TrainConfig,
    Trainer,
    derive_seed,
    shown_in,
)
from ._callbacks import check_callbacks
from ._n_jobs import resolve_n_jobs

# Text options a callable analyzer bypasses (warned about at fit time).
_ANALYZER_STEPS = ("preprocessor", "tokenizer", "stop_words", "strip_accents")


class Model(Protocol):
    """What the stages read of the estimator they fit: a typed view of ``W2V``.

    The parameters that decide how the corpus is read and counted and how
    training is set up (the training parameters of ``TRAINING_PARAMETERS``
    are read by name), and, continuing a fit, the fitted weights. ``W2V`` is
    one; naming what the stages use keeps them from reaching into the rest
    of the estimator (the estimator's module imports this one, so it cannot
    be named here).
    """

    min_count: int
    max_vocab_size: int | None
    max_final_vocab: int | None
    vocabulary: Any
    vector_size: int
    epochs: int
    alpha: float
    min_alpha: float
    random_state: Any
    n_jobs: int | None
    verbose: int
    backend: str
    callbacks: Any
    analyzer: Any
    init_vectors: Any
    init_vectors_limit: int | None
    init_vectors_words: str
    freeze_init: bool
    temp_folder: Any
    wv_: Any
    context_vectors_: np.ndarray

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The estimator's parameters (scikit-learn's)."""
        ...

    def build_analyzer(self) -> Callable[[str], list[str]]:
        """The callable that turns one raw string into its tokens."""
        ...


@dataclass(frozen=True, eq=False)
class TrainingSetup:
    """What one training call runs with, decided from the parameters before any data is read.

    Attributes
    ----------
    config : TrainConfig
    trainer : Trainer
    analyzer : callable
        Turns a raw-string document into its tokens.
    capabilities : Capabilities
        What the trainer implements with its options (checked against
        ``config`` already).
    on_epoch_end : EpochHook or None
        The trainer's hook between epochs (set by the estimator when it has
        ``callbacks``; ``train_counted_words`` passes it on).
    train_nothing : bool
        A callback's ``on_train_begin`` asked to stop before the first
        epoch: the train stage leaves the weights as they are.
    """

    config: TrainConfig
    trainer: Trainer
    analyzer: Callable[[str], list[str]]
    capabilities: Capabilities = Capabilities()
    on_epoch_end: EpochHook | None = None
    train_nothing: bool = False


def training_setup(model: Model, *, call: int = 0, **options: Any) -> TrainingSetup:
    """The configuration, trainer and analyzer of a training call of ``model``.

    ``call`` is the number of training calls the model has had (0 for
    ``fit``; the ``k``-th ``partial_fit`` call gets its own derived seed), and
    ``options`` override the backend options the parameters give (e.g.
    ``device="cuda:1"``). Validates what the estimator's constraints cannot
    (``min_alpha <= alpha``, the parameters that need ``init_vectors``, the
    backend's capabilities with these options) and builds the trainer, so it
    fails before any data is read.
    """
    seed = check_random_state(model.random_state).randint(np.iinfo(np.int32).max)
    config = TrainConfig(  # its checks include the rule between alpha and min_alpha
        **{p.name: getattr(model, p.name) for p in shown_in("estimator")},
        seed=int(seed) if call == 0 else derive_seed(int(seed), call),
        n_threads=resolve_n_jobs(model.n_jobs),
        verbose=int(model.verbose),
    )
    check_init_parameters(model)
    callbacks = check_callbacks(model.callbacks)
    options = {**backend_options(model.backend, model.get_params(deep=False)), **options}
    capabilities = check_capabilities(
        model.backend, options, config, epoch_hook=bool(callbacks),
        frozen=bool(model.freeze_init) and model.init_vectors is not None)
    trainer = get_trainer(model.backend, **options)
    return TrainingSetup(config, trainer, fit_analyzer(model), capabilities)


def check_init_parameters(model: Model) -> None:
    """The rules between ``init_vectors`` and the parameters that need or exclude it."""
    if model.init_vectors is None:
        needing = {"epochs": model.epochs == 0, "freeze_init": bool(model.freeze_init),
                   "init_vectors_limit": model.init_vectors_limit is not None,
                   "init_vectors_words": model.init_vectors_words != "all"}
        for name, set_ in needing.items():
            if set_:
                raise ValueError(f"{name}={getattr(model, name)!r} needs init_vectors "
                                 "(pretrained vectors to start from).")
    elif model.vocabulary is not None:
        raise ValueError("init_vectors and vocabulary cannot be combined: with pretrained "
                         "vectors the counts come from X.")


def fit_analyzer(model: Model) -> Callable[[str], list[str]]:
    """``model.build_analyzer()``, warning (at fit time only) about options a callable analyzer
    ignores.
    """
    if callable(model.analyzer):
        ignored = [n for n in _ANALYZER_STEPS if getattr(model, n) is not None]
        if ignored:
            warnings.warn(
                f"analyzer is a callable, so {', '.join(ignored)} "
                f"{'is' if len(ignored) == 1 else 'are'} ignored.",
                UserWarning,
                stacklevel=5,
            )
    return model.build_analyzer()
