"""The declaration of every training parameter: one entry each, read by every front end.

:data:`TRAINING_PARAMETERS` is the one place where a training
hyper-parameter is declared: its name, type or choices, default, a one-line
description, and which front ends show it. From it come the fields and the
checks of :class:`~sklearn_w2v.training.TrainConfig`, ``W2V``'s parameter
constraints and its copy into the configuration, the command line's flags,
the benchmark's options and the parameter table of the documentation; tests
fail when a front end misses one. Adding a hyper-parameter then touches its
entry here, the backends that implement it, a test and a line of the docs
(and, as scikit-learn wants every parameter spelled out, ``W2V.__init__`` and
its docstring, which a test holds to this entry).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import numpy as np

#: The front ends that may show a training parameter under its own name:
#: ``W2V``'s parameters, the ``sklearn-w2v`` command's flags (``-window``), and the
#: benchmark's options (``--window``).
FRONT_ENDS = ("estimator", "cli", "bench")

#: The skip-gram update rules (``TrainConfig.sg_rule``): "block" draws the
#: noise words for each (centre, context) pair, as gensim and the C tool do;
#: "hogbatch" shares one set of noise words among a centre's contexts
#: (faster, slightly lower analogy scores; measured on the benchmarks page).
SG_RULE_NAMES = ("block", "hogbatch")

#: CBOW's learning-rate profiles (``TrainConfig.cbow_schedule``): "stepped", each epoch
#: falling half of its linear share; "linear", word2vec's decay (skip-gram's, always).
CBOW_SCHEDULES = ("stepped", "linear")

_KINDS = (int, float, bool, str)
_DEFAULT = object()  # "before" not given: a model saved before the parameter trained as today


@dataclass(frozen=True)
class TrainingParameter:
    """One field of :class:`~sklearn_w2v.training.TrainConfig`, declared once.

    Attributes
    ----------
    name : str
        The field's name, and the name under which front ends show it.
    kind : {int, float, bool, str}
        Its type; a ``str`` parameter takes one of ``choices``.
    default : object
        Its default, as ``W2V`` shows it (``sg=0``); the configuration
        holds it as ``kind`` (``False``).
    doc : str
        What it does, in one line (the help of a flag, a row of the docs).
    low, high : float or None
        Bounds of a number (None: unbounded on that side).
    closed : {"left", "right", "both", "neither"}
        Which bounds the values may equal, as scikit-learn's ``Interval``.
    choices : tuple of str
        The values of a ``str`` parameter.
    zero_one : bool
        A ``bool`` that ``W2V`` also takes as 0 or 1 (gensim's ``sg`` and
        ``cbow_mean``); the others take True or False only.
    front_ends : tuple of str
        The front ends (:data:`FRONT_ENDS`) that show it under its own
        name. The run settings (``seed``, ``n_threads``, ``verbose``) show
        in none: each front end sets them from options of its own
        (``W2V``'s ``random_state`` and ``n_jobs``, the command line's
        ``--seed``, ``-threads`` and ``-debug``).
    before : object
        What a model saved before this parameter existed trained with,
        where that differs from ``default`` (``W2V``'s loading fills it in).
    """

    name: str
    kind: type
    default: Any
    doc: str
    low: float | None = None
    high: float | None = None
    closed: str = "left"
    choices: tuple[str, ...] = ()
    zero_one: bool = False
    front_ends: tuple[str, ...] = FRONT_ENDS
    before: Any = _DEFAULT

    def __post_init__(self):
        if self.kind not in _KINDS:
            raise TypeError(f"{self.name}: kind must be one of {_KINDS}, got {self.kind!r}")
        if (self.kind is str) != bool(self.choices):
            raise ValueError(f"{self.name}: a str parameter, and only one, has choices")
        if self.closed not in ("left", "right", "both", "neither"):
            raise ValueError(f"{self.name}: closed={self.closed!r}")
        unknown = set(self.front_ends) - set(FRONT_ENDS)
        if unknown:
            raise ValueError(f"{self.name}: unknown front ends {sorted(unknown)}")
        self.check(self.default)

    @property
    def value_before(self) -> Any:
        """The value that reproduces how a model saved before this parameter existed trained."""
        return self.default if self.before is _DEFAULT else self.before

    def describe(self) -> str:
        """The values it takes, in words (error messages, help, the docs).

        Examples
        --------
        >>> [p.describe() for p in TRAINING_PARAMETERS[:4]]
        ['a positive integer', 'a positive integer', 'a positive integer', 'a number in [-10, 10]']
        """
        if self.kind is str:
            return " or ".join(repr(c) for c in self.choices)
        if self.kind is bool:
            return "0 or 1" if self.zero_one else "True or False"
        if self.kind is int and self.low == 1 and self.high is None and self.closed == "left":
            return "a positive integer"
        kind = "an integer" if self.kind is int else "a number"
        low_in, high_in = self.closed in ("left", "both"), self.closed in ("right", "both")
        if self.low is not None and self.high is not None:
            return (f"{kind} in {'[' if low_in else '('}{self.low:g}, "
                    f"{self.high:g}{']' if high_in else ')'}")
        if self.low is not None:
            return f"{kind} {'>=' if low_in else '>'} {self.low:g}"
        if self.high is not None:
            return f"{kind} {'<=' if high_in else '<'} {self.high:g}"
        return kind

    def check(self, value: Any) -> Any:
        """``value`` as ``kind`` (``np.int64(5)`` becomes ``5``); an error naming the parameter
        when it is not one of its values.

        Raises
        ------
        TypeError
            ``value`` is not of the parameter's type (a bool is no int).
        ValueError
            It is out of range, or not one of the choices.

        Examples
        --------
        >>> window = TRAINING_PARAMETERS[1]
        >>> window.check(3)
        3
        >>> window.check(0)
        Traceback (most recent call last):
        ...
        ValueError: window must be a positive integer, got 0
        """
        if self.kind is str:
            if not isinstance(value, str):
                raise TypeError(f"{self.name} must be one of {self.choices}, got {value!r}")
            if value not in self.choices:
                raise ValueError(f"{self.name} must be one of {self.choices}, got {value!r}")
            return str(value)
        if self.kind is bool:
            if isinstance(value, (bool, np.bool_)):
                return bool(value)
            if not isinstance(value, Integral):
                raise TypeError(f"{self.name} must be {self.describe()}, got {value!r}")
            if value not in (0, 1):
                raise ValueError(f"{self.name} must be {self.describe()}, got {value!r}")
            return bool(value)
        wanted = Integral if self.kind is int else Real
        if isinstance(value, bool) or not isinstance(value, wanted):
            raise TypeError(f"{self.name} must be {self.describe()}, got {value!r}")
        value = self.kind(value)
        low_in, high_in = self.closed in ("left", "both"), self.closed in ("right", "both")
        if (math.isnan(value)
                or (self.low is not None and (value < self.low or (value == self.low
                                                                 and not low_in)))
                or (self.high is not None and (value > self.high or (value == self.high
                                                                   and not high_in)))):
            raise ValueError(f"{self.name} must be {self.describe()}, got {value!r}")
        return value

    def parse(self, text: str) -> Any:
        """The value a command-line string spells (``"1e-3"``, ``"block"``, ``"0"``), checked.

        Raises
        ------
        ValueError
            Saying what was expected (``expected a positive integer, got '0'``).

        Examples
        --------
        >>> [TRAINING_PARAMETERS[4].parse("1e-4"), TRAINING_PARAMETERS[7].parse("1")]
        [0.0001, True]
        """
        expected = self.describe()
        if self.kind is float:  # "nan" and "inf" parse, and are no rates
            expected = expected.replace("a number", "a finite number", 1)
        try:
            if self.kind is bool:
                value = {"0": 0, "1": 1}[text.strip()]
            elif self.kind is str:
                value = text
            else:
                value = self.kind(text)
            if self.kind is float and not math.isfinite(value):
                raise ValueError
            return self.check(value)
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"expected {expected}, got {text!r}") from None


#: Every field of :class:`~sklearn_w2v.training.TrainConfig`, in its order (gensim 4's names,
#: meanings and defaults).
TRAINING_PARAMETERS = (
    TrainingParameter("vector_size", int, 100, "dimensions of the word vectors", low=1),
    TrainingParameter("window", int, 5, "maximum distance between a word and a context word",
                      low=1),
    TrainingParameter("negative", int, 5, "noise words drawn for each positive example", low=1),
    TrainingParameter("ns_exponent", float, 0.75,
                      "exponent of the counts in the noise distribution",
                      low=-10, high=10, closed="both", front_ends=("estimator", "cli")),
    TrainingParameter("sample", float, 1e-3,
                      "threshold for down-sampling frequent words; 0 disables it", low=0),
    TrainingParameter("alpha", float, 0.025, "initial learning rate", low=0, closed="neither"),
    TrainingParameter("min_alpha", float, 0.0001,
                      "final learning rate, at most alpha", low=0),
    TrainingParameter("sg", bool, 0, "1 for skip-gram, 0 for CBOW", zero_one=True),
    TrainingParameter("cbow_mean", bool, 1, "CBOW: 1 averages the context vectors, 0 sums them",
                      zero_one=True, front_ends=("estimator",)),
    TrainingParameter("epochs", int, 5, "passes over the corpus", low=0),
    TrainingParameter("shrink_windows", bool, True,
                      "draw each word's window size uniformly from 1 to window",
                      front_ends=("estimator",)),
    TrainingParameter("seed", int, 0, "seed of the initial weights and of every random draw",
                      front_ends=()),
    TrainingParameter("n_threads", int, 1, "worker threads (or the backend's equivalent)",
                      low=1, front_ends=()),
    TrainingParameter("verbose", int, 0, "show progress on stderr when positive", low=0,
                      front_ends=()),
    TrainingParameter("compute_loss", bool, False,
                      "record the summed negative-sampling loss of each epoch",
                      front_ends=("estimator",)),
    TrainingParameter("sg_rule", str, "block",
                      "skip-gram's update: noise words per (centre, context) pair (block) or "
                      "shared among a centre's contexts (hogbatch)", choices=SG_RULE_NAMES),
    TrainingParameter("cbow_schedule", str, "stepped",
                      "CBOW's learning-rate profile: falling half its share within each epoch "
                      "(stepped) or word2vec's linear decay (linear)",
                      choices=CBOW_SCHEDULES, before="linear"),
)

_BY_NAME = {p.name: p for p in TRAINING_PARAMETERS}


def training_parameter(name: str) -> TrainingParameter:
    """The declaration of the training parameter ``name`` (KeyError for another name)."""
    return _BY_NAME[name]


def shown_in(front_end: str) -> tuple[TrainingParameter, ...]:
    """The parameters that ``front_end`` (one of :data:`FRONT_ENDS`) shows, in declaration order.

    Examples
    --------
    >>> [p.name for p in shown_in("bench")][:3]
    ['vector_size', 'window', 'negative']
    """
    if front_end not in FRONT_ENDS:
        raise ValueError(f"front_end must be one of {FRONT_ENDS}, got {front_end!r}")
    return tuple(p for p in TRAINING_PARAMETERS if front_end in p.front_ends)


def declared_fields(parameters: Iterable[TrainingParameter]):
    """A class decorator, applied below ``@dataclass``: the ``parameters`` as fields with
    their defaults, after the class's own fields.

    Each field is annotated with its kind and defaults to the declared
    default; the class's ``__post_init__`` may check and convert the values
    (:func:`check_fields`).
    """
    parameters = tuple(parameters)

    def decorate(cls):
        annotations = dict(cls.__dict__.get("__annotations__", {}))
        for p in parameters:
            if p.name in annotations:
                raise TypeError(f"{cls.__name__}.{p.name} is declared, not written in the class")
            annotations[p.name] = p.kind.__name__
            setattr(cls, p.name, p.default)
        cls.__annotations__ = annotations
        if cls.__doc__ and "Attributes\n" not in cls.__doc__:
            cls.__doc__ = cls.__doc__.rstrip() + "\n\n" + _attributes_section(parameters)
        return cls

    return decorate


def _attributes_section(parameters: tuple[TrainingParameter, ...]) -> str:
    """The numpydoc "Attributes" section of a class whose fields ``parameters`` declare."""
    lines = ["    Attributes", "    ----------"]
    for p in parameters:
        lines.append(f"    {p.name} : {p.kind.__name__}, default={p.default!r}")
        lines.append(f"        {p.doc[0].upper()}{p.doc[1:]}; {p.describe()}.")
    return "\n".join(lines) + "\n"


def check_fields(obj: Any, parameters: Iterable[TrainingParameter]) -> None:
    """Check and convert, in place, the fields of a frozen dataclass that ``parameters``
    declare.
    """
    for p in parameters:
        object.__setattr__(obj, p.name, p.check(getattr(obj, p.name)))
