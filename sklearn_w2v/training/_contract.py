"""The backend-neutral trainer contract: arrays and a frozen config in, weights and typed stats out.

A backend is a :class:`Trainer`: it sees only NumPy arrays (or, for
device-resident training, torch tensors: :class:`TensorTrainer`) and a
:class:`~sklearn_w2v.training.TrainConfig`, never the estimator, so the
estimator can swap backends without knowing their insides. Each backend
describes itself with a :class:`BackendSpec` (its name, the estimator
options it takes, the devices it runs on), which the registry in
:mod:`sklearn_w2v.backends` reads without importing the backend.

Where a knob goes, one rule for every backend:

* what is learned (the model and its update rule, the schedule, the seed)
  is a field of :class:`~sklearn_w2v.training.TrainConfig`, validated there
  once; a backend that implements only some values of a field (or does
  not take frozen rows or an epoch hook) says which, for the options given,
  through :attr:`BackendSpec.capabilities`;
* how one backend computes it (its device, its kernel, a custom module)
  is an entry of :attr:`BackendSpec.options`: an estimator parameter with
  its default, handed to the trainer's constructor, which takes nothing
  else. The estimator, the command line and the benchmark (``NAME:KEY=VALUE``)
  all reach a backend through these two places.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from ._config import TrainConfig
from ._parameters import CBOW_SCHEDULES, SG_RULE_NAMES

if TYPE_CHECKING:  # annotations only: training needs no encoder
    from ..corpus import EncodedCorpus

#: A pair whose score lies outside (-MAX_EXP, MAX_EXP) is skipped by every
#: backend, as gensim does: it is either learned already or (for a noise word
#: that scores that high) more likely a real neighbour than noise. Skipping
#: measured better than the C tool's full-size step there (the figures are on
#: the benchmarks page of the docs).
MAX_EXP = 6.0


@dataclass(frozen=True)
class TrainStats:
    """What a training run did.

    Attributes
    ----------
    seconds : float
        Wall time of the training call (tables, set-up and copies included).
    words : int
        Corpus tokens (in-vocabulary) times epochs: the words the learning
        rate decays over.
    effective_words : int
        Words left after frequent-word subsampling, summed over epochs.
    n_threads : int
        Worker threads the run used (the backend's equivalent on a device).
    epoch_loss : tuple of float or None
        With ``config.compute_loss``, the summed negative-sampling loss of
        each epoch; None otherwise, or when the backend does not report it.
    device : str
        Where the weights trained: ``"cpu"``, ``"cuda:0"``, ...
    details : mapping
        Backend-specific facts for people and benchmarks (e.g. the torch
        backend's step size and peak GPU memory); nothing reads them to
        decide anything.
    epochs : int or None
        Epochs trained: fewer than ``config.epochs`` when an
        ``on_epoch_end`` hook stopped training early. None: all of them (a
        trainer written before hooks existed).
    stage_seconds : mapping of str to float
        The parts of ``seconds`` the trainer timed apart, by name: ``"setup"``
        (kernel objects, device tables), ``"copies"`` (to and from a device,
        waited for), ``"train"`` (the epochs), and ``"kernel"`` (GPU time of
        the kernels, a part of ``"train"``). Empty when the trainer does not
        split its time (the estimator then counts all of ``seconds`` as
        training).
    """

    seconds: float
    words: int
    effective_words: int
    n_threads: int = 1
    epoch_loss: tuple[float, ...] | None = None
    device: str = "cpu"
    details: Mapping[str, Any] = field(default_factory=dict)
    epochs: int | None = None
    stage_seconds: Mapping[str, float] = field(default_factory=dict)

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds > 0 else float("inf")


@dataclass(frozen=True, eq=False)
class TrainResult:
    """Trained weights: ``input_vectors`` are the word vectors, ``output_vectors`` the context
    ones.
    """

    input_vectors: np.ndarray
    output_vectors: np.ndarray
    stats: TrainStats


@dataclass(frozen=True, eq=False)
class EpochEnd:
    """What a trainer hands its ``on_epoch_end`` hook after each epoch.

    Attributes
    ----------
    epoch : int
        The epoch just finished, 0-based.
    epochs : int
        The epochs the run was configured for.
    input_vectors, output_vectors : ndarray of float32
        The weights as they stand, in host memory: the very arrays the
        trainer was given (it copies device weights into them first). Valid
        during the call only; training goes on updating them.
    loss : float or None
        The epoch's summed loss with ``config.compute_loss``, else None.
    words_done : int
        Corpus words trained so far, over all epochs.
    seconds : float
        Since training started.
    """

    epoch: int
    epochs: int
    input_vectors: np.ndarray
    output_vectors: np.ndarray
    loss: float | None
    words_done: int
    seconds: float


#: ``on_epoch_end(report) -> stop``: called by a trainer between two epochs
#: (never inside a kernel), in the thread that called ``train``; a true
#: return value ends training after this epoch. The learning rate keeps the
#: run's one linear decay over all configured epochs either way.
EpochHook = Callable[[EpochEnd], bool]


@runtime_checkable
class Trainer(Protocol):
    """What a backend provides.

    Attributes
    ----------
    name : str
        The backend's registered name.
    device : str
        Where the weights train (``"cpu"`` for the numba backend).
    """

    name: str
    device: str

    def train(
        self,
        corpus: EncodedCorpus,
        counts: np.ndarray,
        config: TrainConfig,
        input_vectors: np.ndarray,
        output_vectors: np.ndarray,
        *,
        frozen: np.ndarray | None = None,
        on_epoch_end: EpochHook | None = None,
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
        frozen : ndarray of bool, shape (len(counts),), or None
            Words whose input vector must not move (gensim's ``lockf=0``):
            the backend returns those rows bit for bit as given (it skips
            their updates rather than scaling them by 0, which would turn
            ``-0.0`` into ``0.0``). Their context (output) weights train as
            usual, and they still take part as context and as noise words.
            None: every row trains.
        on_epoch_end : EpochHook or None
            Called after every epoch with an :class:`EpochEnd`; when it
            returns true the trainer stops there and its ``TrainStats``
            say how many epochs ran (``epochs``, ``words``,
            ``epoch_loss``). Callers pass it only when there is a hook
            (``W2V(callbacks=...)``), so a trainer written without it still
            serves other fits; the backend must not slow its kernels for
            it (call it between epochs only).
        """
        ...


@runtime_checkable
class TensorTrainer(Trainer, Protocol):
    """A trainer that can also train weights that stay on its device between calls.

    Distributed training keeps GPU weights where the collectives need them
    and calls :meth:`train_tensors` once per round.
    """

    def train_tensors(
        self,
        corpus: EncodedCorpus,
        counts: np.ndarray,
        config: TrainConfig,
        input_weight: Any,
        output_weight: Any,
        *,
        frozen: np.ndarray | None = None,
    ) -> TrainStats:
        """Train two float32 torch tensors of shape ``(len(counts), config.vector_size)`` in place.

        They are on this trainer's ``device`` (or in host memory, from
        which only the rows a step needs are copied over). ``frozen`` as in
        :meth:`Trainer.train`.
        """
        ...


def _never_on_a_gpu(options: Mapping[str, Any]) -> bool:
    return False


@dataclass(frozen=True)
class Capabilities:
    """What a backend implements with given options: the answer of
    :attr:`BackendSpec.capabilities`.

    Front ends check a run against it once, before any corpus is read
    (:meth:`refusals`), so that a combination a backend lacks fails at once,
    not after counting and encoding.

    Attributes
    ----------
    sg_rules : tuple of str
        Skip-gram update rules (``TrainConfig.sg_rule``).
    cbow_means : tuple of bool
        CBOW's context combinations (``TrainConfig.cbow_mean``: True averages, False sums).
    cbow_schedules : tuple of str
        CBOW's learning-rate profiles (``TrainConfig.cbow_schedule``).
    frozen_rows : bool
        Whether ``train`` takes ``frozen`` rows (``W2V(freeze_init=True)``).
    loss : bool
        Whether ``TrainStats.epoch_loss`` is reported with ``config.compute_loss``
        (without it a fit warns and ``epoch_loss_`` is None: not an error).
    epoch_hook : bool
        Whether ``train`` takes ``on_epoch_end`` (``W2V(callbacks=...)``).
    reason : str
        Why these options lack something the backend has with others (it ends
        a refusal's message); empty when nothing is lacking.

    Examples
    --------
    >>> batched = Capabilities(sg_rules=("block",), reason="the batched path has one rule")
    >>> batched.refusals(TrainConfig(sg=True, sg_rule="hogbatch"))
    ["sg_rule='hogbatch'"]
    >>> batched.refusals(TrainConfig(sg=False, sg_rule="hogbatch"))  # CBOW has no such rule
    []
    """

    sg_rules: tuple[str, ...] = SG_RULE_NAMES
    cbow_means: tuple[bool, ...] = (True, False)
    cbow_schedules: tuple[str, ...] = CBOW_SCHEDULES
    frozen_rows: bool = True
    loss: bool = True
    epoch_hook: bool = True
    reason: str = ""

    def refusals(self, config: TrainConfig, *, frozen: bool = False,
                 epoch_hook: bool = False) -> list[str]:
        """What of the run (``config``, with ``frozen`` rows and an ``epoch_hook`` or not)
        this backend lacks, each as the setting that asks for it; empty when it can train it.
        """
        lacking = []
        if config.sg and config.sg_rule not in self.sg_rules:
            lacking.append(f"sg_rule={config.sg_rule!r}")
        if not config.sg and config.cbow_mean not in self.cbow_means:
            lacking.append(f"cbow_mean={int(config.cbow_mean)}")
        if not config.sg and config.cbow_schedule not in self.cbow_schedules:
            lacking.append(f"cbow_schedule={config.cbow_schedule!r}")
        if frozen and not self.frozen_rows:
            lacking.append("frozen rows (freeze_init)")
        if epoch_hook and not self.epoch_hook:
            lacking.append("an epoch hook (callbacks)")
        return lacking


def _everything(options: Mapping[str, Any]) -> Capabilities:
    return Capabilities()


@dataclass(frozen=True)
class BackendSpec:
    """A backend's description, read by the registry and the estimator without importing it.

    Attributes
    ----------
    name : str
        What ``W2V(backend=...)`` takes.
    trainer : str
        ``"module:Class"`` of its :class:`Trainer`, imported on first use
        (so an optional dependency costs nothing until asked for).
    options : mapping
        The estimator parameters the backend takes, with their defaults;
        they reach the trainer's constructor as keyword arguments.
    device_types : tuple of str
        Kinds of device it trains on (``"cpu"``, ``"cuda"``).
    requires : tuple of str
        Top-level modules it needs beyond the package's own dependencies.
    may_use_gpu : callable
        ``may_use_gpu(options)``: whether a fit with these options may train
        on a GPU, where summed updates arrive in varying order (so seeded
        results are not reproducible bit for bit).
    capabilities : callable
        ``capabilities(options)``: the :class:`Capabilities` of the backend
        with these options (its device, its kernel, ...); by default it
        implements everything. Front ends refuse a run it lacks before
        reading the corpus.
    """

    name: str
    trainer: str
    options: Mapping[str, Any] = field(default_factory=dict)
    device_types: tuple[str, ...] = ("cpu",)
    requires: tuple[str, ...] = ()
    may_use_gpu: Callable[[Mapping[str, Any]], bool] = _never_on_a_gpu
    capabilities: Callable[[Mapping[str, Any]], Capabilities] = _everything


def check_corpus_and_counts(corpus: EncodedCorpus, counts: np.ndarray) -> None:
    """The checks of :func:`check_training_arrays` that do not concern the weights."""
    n_words = len(counts)
    if n_words == 0:
        raise ValueError("cannot train with an empty vocabulary")
    if corpus.n_tokens == 0:
        raise ValueError("cannot train on an empty corpus")
    if np.any(np.asarray(counts) <= 0):
        raise ValueError("every word count must be positive")
    if corpus.ids.min() < 0 or corpus.ids.max() >= n_words:
        raise ValueError("corpus ids must lie in range(len(counts))")


def check_training_arrays(
    corpus: EncodedCorpus,
    counts: np.ndarray,
    config: TrainConfig,
    input_vectors: np.ndarray,
    output_vectors: np.ndarray,
    frozen: np.ndarray | None = None,
) -> None:
    """Validation every backend runs before training (kernels do no bounds checks)."""
    if config.epochs < 1:
        raise ValueError("epochs=0 trains nothing; callers skip the trainer")
    shape = (len(counts), config.vector_size)
    for name, arr in (("input_vectors", input_vectors), ("output_vectors", output_vectors)):
        if arr.shape != shape or arr.dtype != np.float32 or not arr.flags.c_contiguous:
            raise ValueError(
                f"{name} must be a C-contiguous float32 array of shape {shape}, "
                f"got {arr.dtype} {arr.shape}"
            )
    if frozen is not None:
        frozen_rows(frozen, len(counts))
    check_corpus_and_counts(corpus, counts)


def frozen_rows(frozen: np.ndarray | None, n_words: int) -> np.ndarray:
    """The ``frozen`` argument of :meth:`Trainer.train` as one uint8 flag per word (0: trains).

    Raises
    ------
    ValueError
        ``frozen`` is not a boolean array of length ``n_words``.

    Examples
    --------
    >>> frozen_rows(None, 3).tolist(), frozen_rows(np.array([True, False]), 2).tolist()
    ([0, 0, 0], [1, 0])
    """
    if frozen is None:
        return np.zeros(n_words, dtype=np.uint8)
    frozen = np.asarray(frozen)
    if frozen.dtype != np.bool_ or frozen.shape != (n_words,):
        raise ValueError(
            f"frozen must be a boolean array of shape ({n_words},), "
            f"got {frozen.dtype} {frozen.shape}"
        )
    return np.ascontiguousarray(frozen, dtype=np.uint8)
