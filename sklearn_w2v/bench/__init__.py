"""Benchmark: our trainers against gensim on one corpus, with identical parameters.

Run ``python -m sklearn_w2v.bench --help``. Each trainer (``numba``,
``torch`` where installed, and gensim 4 in its ``corpus_file`` mode,
``gensim-file``, and its iterable mode over ``LineSentence``,
``gensim-iter``) is measured in a fresh subprocess: training words per
second, end-to-end seconds from the file to the finished KeyedVectors, the
peak resident-memory increase of the fit, and analogy / WordSim353 /
SimLex-999 quality, each also as a ratio or difference to gensim measured
in the same run.

:func:`run_benchmark` runs it from Python; :func:`main` is the command line,
reusable by another CLI.
"""

from ._cli import build_parser, main
from ._memory import RSSProbe, rusage_peak_bytes
from ._params import BenchParams, available_trainers
from ._runner import gpu_info, machine_info, run_benchmark
from ._worker import memory_bound_bytes

# The other names imported above are seams for the package's other modules,
# not public API.
__all__ = [
    "BenchParams",
    "main",
    "run_benchmark",
]
