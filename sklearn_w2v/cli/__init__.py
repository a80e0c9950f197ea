"""Front end: the ``sklearn-w2v`` command (``python -m sklearn_w2v``).

:func:`main` runs a command line. The training flags' parser and the
helpers around it (``train_parser``, ``parse_train_args``,
``estimator_from_args``, ``write_outputs``) are seams for the other front
end that speaks the same flags (``python -m sklearn_w2v.distributed``), not
public API; ``add_declared`` adds the flag of a declared training parameter
(the benchmark's options come from it too). :class:`HelpParser` is the parser
of every command line of the package (the benchmark's and the demo's too): its
help is also ``-help``.
"""

from ._main import COMMANDS, main
from ._parsing import (
    HELP_FLAGS,
    PROG,
    USAGE,
    CommandError,
    HelpParser,
    add_declared,
    declared_type,
    int_at_least,
)
from ._train import (
    C_TOOL_FLAGS,
    check_writable_target,
    estimator_from_args,
    parse_train_args,
    say,
    say_summary,
    train_parser,
    training_summary,
    training_values,
    word_classes,
    write_outputs,
)

# The other names imported above are seams for the package's other modules,
# not public API.
__all__ = [
    "main",
]
