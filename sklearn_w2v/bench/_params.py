"""Benchmark parameters, their validation and the trainers that can be benchmarked."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from .._optional import TORCH_INSTALL, installed
from ..backends import (
    backend_available,
    backend_names,
    backend_spec,
    check_sg_rule,
    get_trainer,
)
from ..estimator import available_cpus
from ..text import default_corpus
from ..training import CBOW_SCHEDULES, SG_RULE_NAMES, check_learning_rates

GENSIM_TRAINERS = ("gensim-file", "gensim-iter")
#: Options a trainer's name may carry that are model parameters, not backend options
#: (``numba:sg_rule=hogbatch`` sets ``W2V(sg_rule="hogbatch")``).
MODEL_OPTIONS = ("sg_rule", "cbow_schedule")


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
    backend options, or ``sg_rule`` (:data:`MODEL_OPTIONS`).

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
class BenchParams:
    """Everything one benchmark run depends on (gensim 4's names and defaults).

    ``trainers`` empty means every available trainer; ``corpus`` None means
    gensim's ``lee_background.cor``; ``quality=False`` skips the evaluation
    (it can take longer than the fit). ``sg_rule`` is our trainers'
    skip-gram rule (gensim has its own; a trainer's name may override it:
    ``numba:sg_rule=hogbatch``). Call :meth:`validated` before use.
    """

    corpus: str | None = None
    trainers: tuple[str, ...] = ()
    threads: tuple[int, ...] = ()
    sg: int = 0
    epochs: int = 5
    vector_size: int = 100
    window: int = 5
    negative: int = 5
    min_count: int = 5
    sample: float = 1e-3
    alpha: float = 0.025
    min_alpha: float = 0.0001
    device: str | None = None
    repeat: int = 1
    seed: int = 1
    timeout: float | None = None
    quality: bool = True
    sg_rule: str = "block"

    def validated(self) -> BenchParams:
        """A copy with defaults filled in; ValueError/FileNotFoundError naming the first bad
        option.
        """
        corpus = os.fspath(self.corpus) if self.corpus is not None else default_corpus()
        if not os.path.isfile(corpus):
            raise FileNotFoundError(f"Corpus file not found: {corpus!r}")
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
                # The rule a backend lacks, an unknown option or value: refused now, not in a
                # worker.
                rule = options.pop("sg_rule", self.sg_rule)
                if self.sg:
                    try:
                        check_sg_rule(base, rule)
                    except ValueError as exc:
                        raise ValueError(f"Trainer {name!r}: {exc}") from None
                elif rule not in SG_RULE_NAMES:
                    raise ValueError(f"sg_rule must be one of {SG_RULE_NAMES}, got {rule!r}")
                profile = options.pop("cbow_schedule", "stepped")
                if profile not in CBOW_SCHEDULES:
                    raise ValueError(f"Trainer {name!r}: cbow_schedule must be one of "
                                     f"{CBOW_SCHEDULES}, got {profile!r}")
                if options:
                    try:
                        get_trainer(base, **options)
                    except TypeError as exc:
                        raise ValueError(f"Trainer {name!r}: {exc}") from None
        if not trainers:
            raise ValueError("No trainer to benchmark.")
        threads = tuple(self.threads) or (available_cpus(),)
        for t in threads:
            if int(t) != t or t < 1:
                raise ValueError(f"threads must be integers >= 1, got {t!r}")
        if self.sg not in (0, 1):
            raise ValueError(f"sg must be 0 or 1, got {self.sg!r}")
        for name in ("epochs", "vector_size", "window", "negative", "repeat"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)!r}")
        if self.min_count < 0:
            raise ValueError(f"min_count must be >= 0, got {self.min_count!r}")
        if self.sample < 0:
            raise ValueError(f"sample must be >= 0, got {self.sample!r}")
        check_learning_rates(self.alpha, self.min_alpha)
        if self.timeout is not None and not self.timeout > 0:
            raise ValueError(f"timeout must be > 0 seconds, got {self.timeout!r}")
        if self.device is not None and "torch" not in {split_trainer(t)[0] for t in trainers}:
            raise ValueError("--device applies to the torch trainer only, which is not selected.")
        return dataclasses.replace(
            self, corpus=corpus, trainers=trainers, threads=tuple(int(t) for t in threads)
        )

    def model_params(self) -> dict:
        """The word2vec hyper-parameters shared by all trainers."""
        return {
            "sg": int(self.sg),
            "epochs": int(self.epochs),
            "vector_size": int(self.vector_size),
            "window": int(self.window),
            "negative": int(self.negative),
            "min_count": int(self.min_count),
            "sample": float(self.sample),
            "alpha": float(self.alpha),
            "min_alpha": float(self.min_alpha),
        }

