"""Training from the command line: the word2vec C tool's flags, its outputs, and its defaults.

:func:`train_parser` and :func:`parse_train_args` read a C tool command line,
:func:`estimator_from_args` turns it into a :class:`~sklearn_w2v.W2V`, and
:func:`write_outputs` writes what ``-output``, ``-classes`` and
``-save-vocab`` ask for. Distributed training reuses all four.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import numpy as np
from sklearn.cluster import KMeans

from .. import __version__
from ..backends import backend_names, backend_options, check_capabilities
from ..estimator import INIT_VECTORS_FORMATS, INIT_VECTORS_WORDS, W2V, available_cpus
from ..text import LineCorpus
from ..training import TrainConfig, check_learning_rates, shown_in, training_parameter
from ..vectors import (
    DUPLICATE_POLICIES,
    UNICODE_ERRORS,
    read_vectors_header,
    read_vocabulary,
    write_classes,
    write_vectors,
    write_vocabulary,
)
from ..vocabulary import count_line_corpus
from ._parsing import (
    PROG,
    USAGE,
    CommandError,
    HelpFormatter,
    Parser,
    add_declared,
    existing_folder,
    flag01,
    nonnegative_int,
    positive_int,
    spellings,
    wrap,
)

CBOW_ALPHA, SKIPGRAM_ALPHA = 0.05, 0.025
# The C tool never lets the learning rate fall below this share of its start.
MIN_ALPHA_SHARE = 1e-4

#: The training parameters that are the C tool's flags, by the flag (and ``args``
#: attribute) that sets them: ``-cbow`` is 1 for CBOW, the opposite of ``sg``. The other
#: parameters the command line shows (``shown_in("cli")``) are extras of their own names.
C_TOOL_FLAGS = {"vector_size": "size", "window": "window", "sample": "sample",
                "negative": "negative", "epochs": "iter", "alpha": "alpha", "sg": "cbow"}


#: The C tool's defaults of the extras that have one (a share of -alpha, not a number).
_EXTRA_DEFAULTS = {"min_alpha": {"default": None,
                                 "default_text": "alpha * 0.0001, the C tool's floor"}}


def train_parser(several_files: bool = False) -> argparse.ArgumentParser:
    """The parser of training command lines (C-tool flags and extras).

    ``several_files`` lets ``-train`` take several files (read in order).
    """
    cpus = available_cpus()
    parser = Parser(
        prog=PROG,
        usage=USAGE,
        description=wrap(
            "Train word vectors with skip-gram or CBOW and negative sampling, taking the "
            "word2vec C tool's flags. Each flag may also be spelled with two dashes "
            "(--size). Without -output only the vocabulary is built (and saved with "
            "-save-vocab), as the C tool does.\n\n"
            "Sub-commands: 'evaluate' (analogy and similarity scores of a vectors file), "
            "'neighbours' (nearest words), 'phrases' (word2phrase), 'bench' (benchmarks) "
            "and 'distributed' "
            "(training on the ranks of a torchrun launch); see "
            f"'{PROG} SUBCOMMAND --help'."
        ),
        epilog=(
            f"example: {PROG} -train text.txt -output vectors.bin -cbow 0 -size 200 "
            "-window 10 -negative 5 -sample 1e-4 -binary 1 -iter 3\n"
            f"         {PROG} evaluate vectors.bin\n"
            f"         {PROG} neighbours vectors.bin king queen -n 5"
        ),
        formatter_class=HelpFormatter,
        allow_abbrev=False,
    )
    c = parser.add_argument_group("word2vec C tool flags (same names, meanings and defaults)")
    c.add_argument(*spellings("train"), metavar="FILE", dest="train",
                   nargs="+" if several_files else None,
                   help="training text: one document per line, whitespace-separated tokens "
                   "(.gz ok)")
    c.add_argument(*spellings("output"), metavar="FILE", dest="output",
                   help="write the word vectors (or, with -classes, word classes) here")
    declared = training_parameter
    add_declared(c, declared("vector_size"), *spellings("size"), dest="size", default=None,
                 default_text="100; with -init-vectors, its width")
    add_declared(c, declared("window"), *spellings("window"))
    add_declared(c, declared("sample"), *spellings("sample"))
    c.add_argument(*spellings("hs"), type=int, default=0, metavar="0", dest="hs",
                   help="hierarchical softmax: not offered, only 0 is accepted (default 0)")
    add_declared(c, declared("negative"), *spellings("negative"))
    c.add_argument(*spellings("threads"), "--processes", type=positive_int, default=None,
                   metavar="N", dest="threads",
                   help=f"training threads (default: the {cpus} cores this process may use; the C "
                   "tool's default is 12, but the threads share vectors Hogwild-style and more "
                   "threads than cores only slow training)")
    add_declared(c, declared("epochs"), *spellings("iter"), dest="iter",
                 default_text="5; 0 only with -init-vectors")
    c.add_argument(*spellings("min-count"), type=nonnegative_int, default=5, metavar="N",
                   dest="min_count", help="discard words seen fewer times (default 5)")
    add_declared(c, declared("alpha"), *spellings("alpha"), default=None,
                 default_text=f"{SKIPGRAM_ALPHA} for skip-gram, {CBOW_ALPHA} for CBOW")
    c.add_argument(*spellings("classes"), type=nonnegative_int, default=0, metavar="N",
                   dest="classes",
                   help="write 'word class' lines from k-means with N classes instead of the "
                   "vectors; 0 writes vectors (default 0)")
    c.add_argument(*spellings("debug"), type=nonnegative_int, default=None, metavar="N",
                   dest="debug",
                   help="0 quiet, 1 summaries, 2 also progress: a bar on a terminal, the C "
                   "tool's progress lines elsewhere (default 2 on a terminal; elsewhere one "
                   "summary line at the end)")
    c.add_argument(*spellings("binary"), type=flag01, default=0, metavar="0|1", dest="binary",
                   help="1 writes vectors in binary format (default 0: text)")
    c.add_argument(*spellings("save-vocab"), metavar="FILE", dest="save_vocab",
                   help="write the vocabulary as 'word count' lines")
    c.add_argument(*spellings("read-vocab"), metavar="FILE", dest="read_vocab",
                   help="take the vocabulary and counts from this file instead of counting "
                   "(-min-count still applies; a '</s>' line is skipped)")
    c.add_argument(*spellings("cbow"), type=flag01, default=1, metavar="0|1", dest="cbow",
                   help="1 CBOW, 0 skip-gram (default 1)")
    x = parser.add_argument_group("extras")
    x.add_argument("--backend", choices=backend_names(), default="numba",
                   help="training backend (default numba)")
    x.add_argument("--device", default=None,
                   help="device for backends that have one, e.g. cuda (default: the backend's)")
    x.add_argument("--kernel", choices=("auto", "fused", "batched"), default="auto",
                   help="torch backend: the fused Triton kernel or batched torch steps "
                   "(default auto: fused on CUDA with Triton, else batched)")
    x.add_argument("--programs", type=positive_int, default=None, metavar="N",
                   help="torch backend, fused kernel: programs of one launch "
                   "(default: 16 per GPU multiprocessor)")
    x.add_argument("--seed", type=nonnegative_int, default=None, metavar="N",
                   help="seed of the initial vectors and random draws; with -threads 1 a run "
                   "is then reproducible (default: fresh randomness)")
    for parameter in shown_in("cli"):  # the training parameters the C tool lacks
        if parameter.name not in C_TOOL_FLAGS:
            add_declared(x, parameter, **_EXTRA_DEFAULTS.get(parameter.name, {}))
    x.add_argument(*spellings("init-vectors"), metavar="FILE", dest="init_vectors", default=None,
                   help="start from these pretrained vectors (word2vec text or binary, .gz ok): "
                   "their rows start from them, the corpus's new words as usual")
    x.add_argument(*spellings("init-vectors-format"), choices=sorted(INIT_VECTORS_FORMATS),
                   default="auto", dest="init_vectors_format",
                   help="layout of -init-vectors: word2vec (a 'V D' header line), glove (text "
                   "without it), auto (told apart by the first line; default)")
    x.add_argument(*spellings("init-vectors-unicode-errors"),
                   choices=UNICODE_ERRORS, default="strict",
                   dest="init_vectors_unicode_errors",
                   help="words of -init-vectors that are not UTF-8: an error (default), or "
                   "decoded with U+FFFD or without the bad bytes")
    x.add_argument(*spellings("init-vectors-duplicates"), choices=DUPLICATE_POLICIES,
                   default="error", dest="init_vectors_duplicates",
                   help="a word listed twice in -init-vectors: an error (default), or its "
                   "first row kept with a warning")
    x.add_argument(*spellings("init-vectors-words"), choices=INIT_VECTORS_WORDS, default="all",
                   dest="init_vectors_words",
                   help="keep every pretrained word (all, default) or only those in -train "
                   "(corpus: less memory)")
    x.add_argument(*spellings("freeze-init"), action="store_true", dest="freeze_init",
                   help="with -init-vectors: the pretrained vectors do not move, only new words "
                   "and the context weights train")
    x.add_argument("--temp-folder", type=existing_folder, metavar="DIR", dest="temp_folder",
                   default=None,
                   help="out of core: keep the encoded corpus (4 bytes per token) in a "
                   "memory-mapped file in a private folder inside this existing folder, removed "
                   "when training ends, so that resident memory holds the weights, O(vocabulary) "
                   "and fixed buffers (default: in memory)")
    x.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def parse_train_args(
    argv: Sequence[str], parser: argparse.ArgumentParser | None = None
) -> argparse.Namespace:
    """Parse and complete a training command line.

    Resolved here, as the C tool resolves them: ``alpha`` (0.05 for CBOW,
    0.025 for skip-gram, unless given), ``min_alpha``, ``threads`` and
    ``debug``. Raises ``SystemExit(2)`` with a message on bad flags.
    """
    parser = parser or train_parser()
    args = parser.parse_args(list(argv))
    if args.hs != 0:
        parser.error(
            f"-hs {args.hs}: hierarchical softmax is not offered; train with negative "
            "sampling (-hs 0 -negative N; N defaults to 5)"
        )
    if not args.train:
        parser.error("-train FILE is required")
    if args.alpha is None:
        args.alpha = CBOW_ALPHA if args.cbow else SKIPGRAM_ALPHA
    if args.min_alpha is None:
        args.min_alpha = args.alpha * MIN_ALPHA_SHARE
    try:
        check_learning_rates(args.alpha, args.min_alpha, names=("-alpha", "-min-alpha"))
    except ValueError as exc:
        parser.error(str(exc))
    _check_init_vectors(args, parser)
    try:  # what the backend lacks with these options, before the corpus is read
        options = backend_options(args.backend, {"device": args.device, "kernel": args.kernel,
                                                 "programs": args.programs})
        check_capabilities(args.backend, options, TrainConfig(**training_values(args)),
                           frozen=args.freeze_init and args.init_vectors is not None)
    except ValueError as exc:
        parser.error(str(exc))
    if args.threads is None:
        args.threads = available_cpus()
    # Left to its default off a terminal, -debug is 0 but the run still ends with one line.
    args.summary = args.debug is None
    if args.debug is None:
        args.debug = 2 if stderr_is_terminal() else 0
    return args


def _check_init_vectors(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """The flags that need or exclude -init-vectors; -size defaults to its width."""
    if args.init_vectors is None:
        if args.iter == 0:
            parser.error("-iter 0 trains nothing; it needs -init-vectors FILE")
        for flag, value, default in (
                ("-freeze-init", args.freeze_init, False),
                ("-init-vectors-format", args.init_vectors_format, "auto"),
                ("-init-vectors-unicode-errors", args.init_vectors_unicode_errors, "strict"),
                ("-init-vectors-duplicates", args.init_vectors_duplicates, "error"),
                ("-init-vectors-words", args.init_vectors_words, "all")):
            if value != default:
                parser.error(f"{flag} needs -init-vectors FILE")
        args.size = 100 if args.size is None else args.size
        return
    if args.read_vocab:
        parser.error("-read-vocab and -init-vectors cannot be combined (the counts come from "
                     "-train)")
    try:
        _, width = read_vectors_header(args.init_vectors,
                                       no_header=INIT_VECTORS_FORMATS[args.init_vectors_format])
    except (OSError, ValueError) as exc:
        parser.error(f"-init-vectors {args.init_vectors}: {exc}")
    if args.size is None:
        args.size = width
    elif args.size != width:
        parser.error(f"-size {args.size} differs from the {width} dimensions of -init-vectors "
                     f"{args.init_vectors}")


def stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def training_values(args: argparse.Namespace) -> dict:
    """The training parameters a parsed command line sets, by their names (``sg=1`` for
    ``-cbow 0``); the others keep their defaults, which are the C tool's.
    """
    values = {name: getattr(args, flag) for name, flag in C_TOOL_FLAGS.items()}
    values["sg"] = 0 if args.cbow else 1
    values.update({p.name: getattr(args, p.name) for p in shown_in("cli")
                   if p.name not in C_TOOL_FLAGS})
    return values


def estimator_from_args(args: argparse.Namespace, vocabulary=None) -> W2V:
    """The :class:`~sklearn_w2v.W2V` that a parsed training command line asks for."""
    kwargs = dict(
        **training_values(args),
        min_count=args.min_count,
        random_state=args.seed,
        n_jobs=args.threads,
        verbose=1 if args.debug >= 2 else 0,
        backend=args.backend,
    )
    if args.device is not None:
        kwargs["device"] = args.device
    if args.kernel != "auto":
        kwargs["kernel"] = args.kernel
    if args.programs is not None:
        kwargs["programs"] = args.programs
    if vocabulary is not None:
        kwargs["vocabulary"] = vocabulary
    if args.init_vectors is not None:
        kwargs.update(init_vectors=args.init_vectors, freeze_init=bool(args.freeze_init),
                      init_vectors_format=args.init_vectors_format,
                      init_vectors_unicode_errors=args.init_vectors_unicode_errors,
                      init_vectors_duplicates=args.init_vectors_duplicates,
                      init_vectors_words=args.init_vectors_words)
    if args.temp_folder is not None:
        kwargs["temp_folder"] = args.temp_folder
    return W2V(**kwargs)


def check_writable_target(path: str | None, flag: str) -> None:
    """Fail before training, not after, when a result could not be written."""
    if path is None:
        return
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise CommandError(f"{flag} {path}: folder {folder} does not exist")
    if os.path.isdir(path):
        raise CommandError(f"{flag} {path}: is a folder")
    if not os.access(folder, os.W_OK):
        raise CommandError(f"{flag} {path}: cannot write in {folder}")


def say(args: argparse.Namespace, level: int, message: str) -> None:
    """Print ``message`` to stderr when ``-debug`` is at least ``level`` (1: summaries,
    2: progress).
    """
    if args.debug >= level:
        print(message, file=sys.stderr, flush=True)


def say_summary(args: argparse.Namespace, message: str) -> None:
    """The one line a run that printed nothing else ends with (``-debug`` left to its default
    off a terminal), so that a run in a pipe or a notebook is not silent.
    """
    if getattr(args, "summary", False) and args.debug == 0:
        print(f"{PROG}: {message}", file=sys.stderr, flush=True)


def training_summary(stats: dict, n_vectors: int, output: str, ranks: int = 1) -> str:
    """Words, vocabulary, seconds, words/s and the output file of a training run, in one line."""
    where = stats["backend"] + (f", {ranks} ranks" if ranks > 1 else "")
    return (f"{stats['n_raw_words']:,} words, vocabulary {n_vectors:,}, trained in "
            f"{stats['seconds']:.1f}s at {stats['words_per_second']:,.0f} words/s "
            f"({where}); wrote {output}")


def vocabulary_only(args) -> int:
    """The C tool's run without -output: build (or read) and save the vocabulary."""
    n_words = None
    if args.read_vocab:
        counts = read_vocabulary(args.read_vocab, skip_eos=True)
        pairs = [(w, c) for w, c in counts.items() if c >= args.min_count]
        pairs.sort(key=lambda wc: -wc[1])  # stable: ties keep the file's order
    else:
        file_counts = count_line_corpus(LineCorpus(args.train), n_threads=args.threads)
        vocab, _ = file_counts.vocabulary(min_count=args.min_count)
        pairs, n_words = list(zip(vocab.words, vocab.counts.tolist())), file_counts.n_raw_words
    if not pairs:
        raise CommandError(f"no word occurs at least -min-count {args.min_count} times")
    say(args, 1, f"Vocab size: {len(pairs)}")
    if n_words is not None:
        say(args, 1, f"Words in train file: {n_words}")
    if args.save_vocab:
        write_vocabulary(args.save_vocab, pairs)
        say(args, 1, f"Wrote {len(pairs)} words to {args.save_vocab}")
    say_summary(args, f"vocabulary {len(pairs):,}"
                + (f" from {n_words:,} words" if n_words is not None else "")
                + (f"; wrote {args.save_vocab}" if args.save_vocab else ""))
    return 0


def word_classes(vectors: np.ndarray, n_classes: int, seed: int | None) -> np.ndarray:
    """K-means classes of the directions of ``vectors`` (as the C tool clusters them).

    The C tool assigns each word to the centroid of largest dot product with
    unit-length centroids, i.e. by cosine; k-means on unit-length vectors
    groups by the same criterion.
    """
    if n_classes > len(vectors):
        raise CommandError(f"-classes {n_classes} exceeds the {len(vectors)} words "
                           "of the vocabulary")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = vectors / np.maximum(norms, np.finfo(np.float32).tiny)
    km = KMeans(n_clusters=n_classes, n_init=1, random_state=seed)
    return km.fit_predict(unit).astype(np.int64)


def run_train(argv: Sequence[str]) -> int:
    """Train (or build the vocabulary) as a word2vec C tool command line asks."""
    if not argv:
        train_parser().print_help()
        return 0
    args = parse_train_args(argv)
    check_writable_target(args.output, "-output")
    check_writable_target(args.save_vocab, "-save-vocab")
    corpus = LineCorpus(args.train)
    if not args.output:
        return vocabulary_only(args)
    vocabulary = read_vocabulary(args.read_vocab, skip_eos=True) if args.read_vocab else None
    model = estimator_from_args(args, vocabulary)
    say(args, 1, f"Starting training using file {args.train}")
    model.fit(corpus)
    wv, stats = model.wv_, model.training_stats_
    say(args, 1, f"Vocab size: {len(wv)}")
    say(args, 1, f"Words in train file: {stats['n_raw_words']}")
    say(
        args, 1,
        f"Trained in {stats['seconds']:.1f}s, {stats['words_per_second']:,.0f} words/s "
        f"on {stats['n_threads']} thread{'s' if stats['n_threads'] != 1 else ''} "
        f"({stats['backend']})",
    )
    write_outputs(args, wv)
    say_summary(args, training_summary(stats, len(wv), args.output))
    return 0


def write_outputs(args: argparse.Namespace, wv) -> None:
    """Write what -output, -classes and -save-vocab ask for, from trained vectors."""
    if args.save_vocab:
        write_vocabulary(args.save_vocab, zip(wv.index_to_key, wv.expandos["count"].tolist()))
        say(args, 1, f"Wrote {len(wv)} words to {args.save_vocab}")
    if args.classes:
        classes = word_classes(wv.vectors, args.classes, args.seed)
        write_classes(args.output, wv.index_to_key, classes)
        say(args, 1, f"Wrote {args.classes} classes of {len(wv)} words to {args.output}")
    else:
        write_vectors(args.output, wv.index_to_key, wv.vectors, binary=bool(args.binary))
        layout = "binary" if args.binary else "text"
        say(args, 1,
            f"Wrote {len(wv)} vectors of {wv.vector_size} dimensions ({layout}) to {args.output}")
