"""Benchmark parameters, their validation and the trainers that can be benchmarked."""

from __future__ import annotations

import dataclasses
import inspect
import os
from dataclasses import dataclass

from gensim.models import Word2Vec

from .._optional import TORCH_INSTALL, installed
from ..backends import (
    backend_available,
    backend_names,
    backend_spec,
    check_capabilities,
    get_trainer,
)
from ..estimator import available_cpus
from ..text import default_corpus
from ..training import TrainConfig, declared_fields, shown_in, training_parameter

GENSIM_TRAINERS = ("gensim-file", "gensim-iter")
#: The training parameters gensim's ``Word2Vec`` takes: the benchmark passes gensim these.
GENSIM_PARAMETERS = tuple(p.name for p in shown_in("bench")
                          if p.name in inspect.signature(Word2Vec).parameters)
#: The benchmark's training parameters that only our trainers take (``sg_rule``,
#: ``cbow_schedule``): options a trainer's name may carry besides its backend options
#: (``numba:sg_rule=hogbatch`` sets ``W2V(sg_rule="hogbatch")``), so that variants run
#: side by side.
MODEL_OPTIONS = tuple(p.name for p in shown_in("bench") if p.name not in GENSIM_PARAMETERS)


def our_trainers() -> list[str]:
    """Our backends that can run here: registered, with their dependencies importable."""
    return [name for name in backend_names() if backend_available(name)]


def available_trainers() -> list[str]:
    """Every trainer name this machine can benchmark, ours first."""
    gensim = list(GENSIM_TRAINERS) if installed("gensim") else []
    return our_trainers() + gensim


def _unavailable(trainer: str, available: list[str]) -> str:
    """Why a trainer cannot run here: what it lacks, and how to install torch if that is it."""
    needs = ["gensim"] if trainer in GENSIM_TRAINERS else list(backend_spec(trainer).requires)
    lacking = [m for m in needs if not installed(m)] or needs
    hint = f" {TORCH_INSTALL}" if "torch" in lacking else ""
    return (f"Trainer {trainer!r} is not available here ({' and '.join(lacking)} not installed; "
            f"available: {available}).{hint}")


def parse_int_list(text: str, name: str = "threads") -> tuple[int, ...]:
    """``"1,2"`` -> ``(1, 2)``; each value must be an integer >= 1 (duplicates dropped)."""
    values = []
    for part in str(text).split(","):
        part = part.strip()
        try:
            value = int(part)
        except ValueError:
            raise ValueError(f"--{name} expects comma-separated integers, got {text!r}") from None
        if value < 1:
            raise ValueError(f"--{name} values must be >= 1, got {value}")
        if value not in values:
            values.append(value)
    return tuple(values)


def split_trainer(name: str) -> tuple[str, dict[str, str]]:
    """``"numba:sg_rule=hogbatch"`` -> ``("numba", {"sg_rule": "hogbatch"})``.

    A trainer name may carry options after a colon, comma-free and
    ``;``-separated, so that variants of one backend run side by side: its
    backend options, or ``sg_rule`` and ``cbow_schedule`` (:data:`MODEL_OPTIONS`).

    >>> split_trainer("numba:sg_rule=hogbatch")
    ('numba', {'sg_rule': 'hogbatch'})
    >>> split_trainer("gensim-file")
    ('gensim-file', {})
    """
    base, _, rest = str(name).partition(":")
    options = {}
    for part in filter(None, (p.strip() for p in rest.split(";"))):
        key, eq, value = part.partition("=")
        if not eq or not key.strip():
            raise ValueError(f"trainer {name!r}: options are written KEY=VALUE, got {part!r}")
        options[key.strip()] = value.strip()
    return base.strip(), options


def _option_value(name: str, text: str):
    """The value of a training parameter that a trainer's name spells (``sg_rule=hogbatch``)."""
    parameter = training_parameter(name)
    if parameter.kind is str:
        return parameter.check(text)
    try:
        return parameter.parse(text)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


def parse_name_list(text: str) -> tuple[str, ...]:
    """``"numba, gensim-file"`` -> ``("numba", "gensim-file")`` (empty parts and duplicates
    dropped).
    """
    names = []
    for part in str(text).split(","):
        part = part.strip()
        if part and part not in names:
            names.append(part)
    return tuple(names)


@dataclass(frozen=True)
@declared_fields(shown_in("bench"))
class BenchParams:
    """Everything one benchmark run depends on (gensim 4's names and defaults).

    ``trainers`` empty means every available trainer; ``corpus`` None means
    gensim's ``lee_background.cor``; ``quality=False`` skips the evaluation
    (it can take longer than the fit). The training parameters after
    ``quality`` are those the benchmark shows of the declared ones (the
    Attributes below), checked as ``TrainConfig`` checks them; ``sg_rule``
    and ``cbow_schedule`` are our trainers' only (gensim has its own; a
    trainer's name may override them: ``numba:sg_rule=hogbatch``). Call
    :meth:`validated` before use.
    """

    corpus: str | None = None
    trainers: tuple[str, ...] = ()
    threads: tuple[int, ...] = ()
    min_count: int = 5
    device: str | None = None
    repeat: int = 1
    seed: int = 1
    timeout: float | None = None
    quality: bool = True

    def validated(self) -> BenchParams:
        """A copy with defaults filled in; ValueError/FileNotFoundError naming the first bad
        option.
        """
        corpus = os.fspath(self.corpus) if self.corpus is not None else default_corpus()
        if not os.path.isfile(corpus):
            raise FileNotFoundError(f"Corpus file not found: {corpus!r}")
        # The training parameters as TrainConfig checks them; a benchmark trains at least once.
        try:
            model = self._training_values()
            TrainConfig(**model)
        except TypeError as exc:
            raise ValueError(str(exc)) from None
        if self.epochs < 1:
            raise ValueError(f"epochs must be >= 1 to measure training, got {self.epochs!r}")
        available = available_trainers()
        trainers = tuple(self.trainers) or tuple(available)
        known = set(GENSIM_TRAINERS) | set(backend_names())
        for name in trainers:
            base, options = split_trainer(name)
            if base not in known:
                raise ValueError(
                    f"Unknown trainer {name!r}; choose from {sorted(known)}."
                )
            if base not in available:
                raise ValueError(_unavailable(base, available))
            if options and base in GENSIM_TRAINERS:
                raise ValueError(f"Trainer {name!r}: gensim takes no backend options.")
            if base not in GENSIM_TRAINERS:
                # A value a backend lacks with its options, an unknown option or value:
                # refused now, not in a worker.
                try:
                    config = TrainConfig(**{**model, **{
                        k: _option_value(k, options.pop(k)) for k in MODEL_OPTIONS
                        if k in options}})
                    device = ({"device": self.device} if self.device is not None
                              and "device" in backend_spec(base).options else {})
                    check_capabilities(base, {**device, **options}, config)
                    if options:
                        get_trainer(base, **options)
                except (TypeError, ValueError) as exc:
                    raise ValueError(f"Trainer {name!r}: {exc}") from None
        if not trainers:
            raise ValueError("No trainer to benchmark.")
        threads = tuple(self.threads) or (available_cpus(),)
        for t in threads:
            if int(t) != t or t < 1:
                raise ValueError(f"threads must be integers >= 1, got {t!r}")
        if self.repeat < 1:
            raise ValueError(f"repeat must be >= 1, got {self.repeat!r}")
        if self.min_count < 0:
            raise ValueError(f"min_count must be >= 0, got {self.min_count!r}")
        if self.timeout is not None and not self.timeout > 0:
            raise ValueError(f"timeout must be > 0 seconds, got {self.timeout!r}")
        if self.device is not None and "torch" not in {split_trainer(t)[0] for t in trainers}:
            raise ValueError("--device applies to the torch trainer only, which is not selected.")
        return dataclasses.replace(
            self, corpus=corpus, trainers=trainers, threads=tuple(int(t) for t in threads)
        )

    def _training_values(self) -> dict:
        return {p.name: getattr(self, p.name) for p in shown_in("bench")}

    def model_params(self) -> dict:
        """The word2vec hyper-parameters of every trainer (gensim takes
        :data:`GENSIM_PARAMETERS` of them), as plain numbers and strings.
        """
        checked = TrainConfig(**self._training_values())  # numbers as their kinds
        params = {p.name: getattr(checked, p.name) for p in shown_in("bench")}
        params["sg"] = int(params["sg"])  # gensim's spelling
        return {**params, "min_count": int(self.min_count)}

