"""The ``sklearn-w2v`` command: the word2vec C tool's command line, and next steps.

Usage::

    sklearn-w2v [train] -train FILE [-output FILE] [C-tool flags] [extras]
    sklearn-w2v evaluate VECTORS [--analogies FILE] [--pairs FILE ...]
    sklearn-w2v neighbours VECTORS [WORD ...] [-n N]
    sklearn-w2v phrases -train FILE -output FILE [-min-count N] [-threshold X]
    sklearn-w2v bench [bench arguments]
    sklearn-w2v distributed [training flags]     (under torchrun)

(``python -m sklearn_w2v`` is the same command.) The first argument picks
what to do: one of the sub-command names, or ``train``, which may be left
out, so that a word2vec C tool command line (``-train ... -output ...``)
works as is. Anything else starting with ``-`` is read as training flags.
Without arguments the training help is shown, as the C tool does.

Training takes the C tool's flags with the same names, meanings and
defaults (``-size 100 -window 5 -sample 1e-3 -negative 5 -iter 5
-min-count 5 -cbow 1 -binary 0 -debug 2``, ``-alpha`` 0.05 for CBOW and
0.025 for skip-gram), spelled with one dash as the C tool spells them or
with two. Differences from the C tool:

* ``-hs 1`` (hierarchical softmax) is refused: only negative sampling is
  offered.
* ``-threads`` defaults to the cores this process may use, not 12: the
  threads share the vectors without locks (Hogwild), so more threads than
  cores only slow training down.
* Files hold no ``</s>`` entry: documents are lines and are never joined,
  so the C tool's newline token is not needed. ``-read-vocab`` skips the
  ``</s>`` line of a C tool vocabulary file.
* Text vector files keep nine significant digits (exact float32) where the
  C tool prints six decimals.
* Progress goes to stderr: a bar when it is a terminal (where ``-debug``
  defaults to 2), the C tool's progress lines elsewhere when ``-debug 2``
  is given; ``-debug 1`` prints only summaries and ``-debug 0`` nothing.
  Left to its default off a terminal, a run prints one summary line at
  the end (words, vocabulary, seconds, words/s, output file).

Each file is written to a temporary name and renamed into place once
complete, so an interrupted run never leaves a half-written file.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .._optional import MissingDependencyError, load
from ..vectors import Word2VecFormatError
from ._evaluate import run_evaluate
from ._neighbours import run_neighbours
from ._parsing import PROG, CommandError
from ._phrases import run_phrases
from ._train import run_train


def run_bench(argv: Sequence[str]) -> int:
    """``sklearn-w2v bench ...``: the same as ``python -m sklearn_w2v.bench ...``.

    Imported when asked for, as a sibling front end (it loads gensim's trainer).
    """
    bench_main = load("sklearn_w2v.bench:main", "'bench'")
    return int(bench_main(list(argv)) or 0)


def run_distributed(argv: Sequence[str]) -> int:
    """``sklearn-w2v distributed ...``: the same as ``python -m sklearn_w2v.distributed ...``.

    Imported when asked for: distributed training needs torch, and it
    builds on this command's training flags.
    """
    try:
        distributed_main = load("sklearn_w2v.distributed:main", "'distributed'")
    except ImportError as exc:
        raise CommandError(str(exc)) from None
    return distributed_main(list(argv))


COMMANDS = {
    "train": run_train,
    "distributed": run_distributed,
    "evaluate": run_evaluate,
    "neighbours": run_neighbours,
    "neighbors": run_neighbours,
    "phrases": run_phrases,
    "bench": run_bench,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit status.

    Bad flags exit with status 2 and a usage message, errors in the input
    files or the training with status 1 and a one-line message, an
    interrupt with status 130.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        command, argv = COMMANDS[argv[0]], argv[1:]
    else:
        command = run_train
    try:
        return int(command(argv) or 0)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; no partial files were written", file=sys.stderr)
        return 130
    except (CommandError, Word2VecFormatError, FileNotFoundError, ValueError, FloatingPointError,
            OSError, MissingDependencyError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
