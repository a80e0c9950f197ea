"""The numba backend: ``nogil`` skip-gram and CBOW kernels driven by Python threads, on the CPU.

:class:`NumbaTrainer` cuts the corpus into jobs (``job_bounds``) dealt to the
worker threads in turn, a thread whose share is done taking the last jobs of
another's (``JobQueue``); each thread calls the arrays-only kernel
``train_sentences`` with its own work buffers (``work_buffers``) and random
state, updating the shared weights without locks (Hogwild, as gensim and the
C tool do). Asked to (``NumbaTrainer(hot_rows=...)``), each thread trains the
most frequent words' output rows in a copy of its own (``hot_copies``,
``hot_row_count``) and folds its steps back every few thousand tokens
(``try_fold``, ``fold_hot_rows``, ``fold_tokens``). The per-word update
rules it applies are ``sg_block_update`` (skip-gram's "block" rule, the
default, and "hogbatch"; ``SG_RULES`` names them) and ``cbow_update``.
CBOW's learning rate falls in steps over the epochs by default (the
configuration's ``cbow_schedule``).
"""

from ...training import BackendSpec
from ._kernels import (
    SG_BLOCK,
    SG_HOGBATCH,
    SG_RULES,
    SIGMOID_SIZE,
    SIGMOID_TABLE,
    cbow_update,
    fold_hot_rows,
    hot_copies,
    sg_block_update,
    train_sentences,
    try_fold,
    work_buffers,
)
from ._trainer import (
    HOT_ROWS,
    JOB_TOKENS,
    Job,
    JobQueue,
    NumbaTrainer,
    fold_tokens,
    hot_row_count,
    job_bounds,
)

#: How the registry and the estimator see this backend.
SPEC = BackendSpec(
    name="numba",
    trainer="sklearn_w2v.backends.numba._trainer:NumbaTrainer",
    options={"device": None},
    device_types=("cpu",),
)

# The other names imported above are seams for the package's other modules,
# not public API.
__all__ = [
    "SPEC",
    "NumbaTrainer",
]
