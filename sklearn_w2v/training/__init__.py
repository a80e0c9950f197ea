"""The backend contract: what every trainer takes, returns and shares.

Between the encoded corpus and the backends sit plain arrays and a frozen
:class:`TrainConfig`. A backend is a :class:`Trainer` (or, when it can keep
weights on a device between calls, a :class:`TensorTrainer`) described by a
:class:`BackendSpec`; it returns a :class:`TrainResult` with typed
:class:`TrainStats`. What all backends share lives here too: the starting
weights (:func:`initial_vectors`), the sampling tables (subsampling
thresholds and the noise alias table), the learning-rate schedule
(:class:`LinearSchedule`), progress reporting (:class:`ProgressReporter`),
seeds for the parts of a run (:func:`derive_seed`), the hook a trainer
calls between epochs (:data:`EpochHook`, given an :class:`EpochEnd`), the ``MAX_EXP`` rule,
and the check that trained weights did not diverge (:func:`check_converged`).
"""

from ._config import SG_RULE_NAMES, LinearSchedule, TrainConfig, check_learning_rates
from ._contract import (
    MAX_EXP,
    BackendSpec,
    EpochEnd,
    EpochHook,
    TensorTrainer,
    Trainer,
    TrainResult,
    TrainStats,
    check_corpus_and_counts,
    check_training_arrays,
    frozen_rows,
)
from ._progress import ProgressReporter
from ._sampling import (
    LastTables,
    alias_table,
    keep_probabilities,
    keep_thresholds,
    noise_distribution,
)
from ._seeds import derive_seed
from ._weights import DIVERGED_NORM, SUSPECT_SCORE, check_converged, initial_vectors

__all__ = [
    "DIVERGED_NORM",
    "MAX_EXP",
    "SG_RULE_NAMES",
    "SUSPECT_SCORE",
    "BackendSpec",
    "EpochEnd",
    "EpochHook",
    "LastTables",
    "LinearSchedule",
    "ProgressReporter",
    "TensorTrainer",
    "TrainConfig",
    "TrainResult",
    "TrainStats",
    "Trainer",
    "alias_table",
    "check_converged",
    "check_corpus_and_counts",
    "check_learning_rates",
    "check_training_arrays",
    "derive_seed",
    "frozen_rows",
    "initial_vectors",
    "keep_probabilities",
    "keep_thresholds",
    "noise_distribution",
]
