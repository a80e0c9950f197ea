"""Front end: the ``sklearn-w2v`` command (``python -m sklearn_w2v``).

:func:`main` runs a command line. The training flags' parser and the
helpers around it (:func:`train_parser`, :func:`parse_train_args`,
:func:`estimator_from_args`, :func:`write_outputs`) are public, for other
front ends that speak the same flags (``python -m sklearn_w2v.distributed``).
"""

from ._main import COMMANDS, main
from ._parsing import PROG, USAGE, CommandError, int_at_least
from ._train import (
    check_writable_target,
    estimator_from_args,
    parse_train_args,
    say,
    say_summary,
    train_parser,
    training_summary,
    word_classes,
    write_outputs,
)

__all__ = [
    "COMMANDS",
    "PROG",
    "USAGE",
    "CommandError",
    "check_writable_target",
    "estimator_from_args",
    "int_at_least",
    "main",
    "parse_train_args",
    "say",
    "say_summary",
    "train_parser",
    "training_summary",
    "word_classes",
    "write_outputs",
]
