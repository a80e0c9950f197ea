"""The frozen configuration of one training run, and its learning-rate schedule."""

from __future__ import annotations

from dataclasses import dataclass

#: The skip-gram update rules (``TrainConfig.sg_rule``): "block" draws the
#: noise words for each (centre, context) pair, as gensim and the C tool do;
#: "hogbatch" shares one set of noise words among a centre's contexts
#: (faster, slightly lower analogy scores; measured on the benchmarks page).
SG_RULE_NAMES = ("block", "hogbatch")


def check_learning_rates(
    alpha: float, min_alpha: float, names: tuple[str, str] = ("alpha", "min_alpha")
) -> None:
    """ValueError unless ``0 < alpha`` and ``0 <= min_alpha <= alpha`` (the rule every front end
    applies).

    ``names`` are how the caller spells the two values (``-alpha`` and
    ``--min-alpha`` on the command line).
    """
    alpha_name, min_name = names
    if not alpha > 0:
        raise ValueError(f"{alpha_name} must be > 0, got {alpha}")
    if not min_alpha >= 0:
        raise ValueError(f"{min_name} must be >= 0, got {min_alpha}")
    if min_alpha > alpha:
        raise ValueError(f"{min_name} {min_alpha} must not exceed {alpha_name} {alpha}")


@dataclass(frozen=True)
class LinearSchedule:
    """A learning rate falling linearly from ``start`` to ``end`` as training progresses.

    Every trainer uses this one rule: word2vec's decay over all words of all
    epochs, evaluated at the share of the words done.

    Examples
    --------
    >>> s = LinearSchedule(0.025, 0.0001)
    >>> s.at(0.0), round(s.at(0.5), 6), round(s.at(1.0), 6)
    (0.025, 0.01255, 0.0001)
    >>> s.part(0.5, 1.0).at(0.0) == s.at(0.5)
    True
    """

    start: float
    end: float

    def at(self, progress: float) -> float:
        """The rate once ``progress`` (0 to 1) of the words are done."""
        return self.start - (self.start - self.end) * progress

    def part(self, first: float, last: float) -> LinearSchedule:
        """The stretch of this schedule from ``first`` to ``last`` of training, as a schedule of
        its own.
        """
        return LinearSchedule(self.at(first), self.at(last))


#: CBOW's learning-rate profiles (``TrainConfig.cbow_schedule``): "stepped", each epoch
#: falling half of its linear share; "linear", word2vec's decay (skip-gram's, always).
CBOW_SCHEDULES = ("stepped", "linear")


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters of one training run (gensim 4's names and meanings).

    ``seed`` fixes initial weights and every random draw; ``n_threads`` is
    the number of worker threads (or the backend's equivalent). With
    ``compute_loss`` a backend that supports it records the summed
    negative-sampling loss of each epoch in ``TrainStats.epoch_loss`` (it
    slows the numba backend's skip-gram by about half again). ``epochs=0``
    describes a run that trains nothing (a fit that only takes pretrained
    vectors); callers skip the trainer then, and trainers refuse it.
    ``sg_rule`` is the skip-gram update rule (one of :data:`SG_RULE_NAMES`;
    CBOW ignores it); a backend lists the rules it implements in its
    :class:`~sklearn_w2v.training.BackendSpec`. ``cbow_schedule`` is CBOW's
    learning-rate profile (one of :data:`CBOW_SCHEDULES`; skip-gram's is
    always linear): see :meth:`rate_at`.
    """

    vector_size: int = 100
    window: int = 5
    negative: int = 5
    ns_exponent: float = 0.75
    sample: float = 1e-3
    alpha: float = 0.025
    min_alpha: float = 0.0001
    sg: bool = False
    cbow_mean: bool = True
    epochs: int = 5
    shrink_windows: bool = True
    seed: int = 0
    n_threads: int = 1
    verbose: int = 0
    compute_loss: bool = False
    sg_rule: str = "block"
    cbow_schedule: str = "stepped"

    def __post_init__(self):
        for name in ("vector_size", "window", "negative", "n_threads"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.epochs < 0:
            raise ValueError(f"epochs must be >= 0, got {self.epochs}")
        check_learning_rates(self.alpha, self.min_alpha)
        if self.sample < 0:
            raise ValueError(f"sample must be >= 0, got {self.sample}")
        if self.sg_rule not in SG_RULE_NAMES:
            raise ValueError(f"sg_rule must be one of {SG_RULE_NAMES}, got {self.sg_rule!r}")
        if self.cbow_schedule not in CBOW_SCHEDULES:
            raise ValueError(f"cbow_schedule must be one of {CBOW_SCHEDULES}, "
                             f"got {self.cbow_schedule!r}")

    def rate_at(self, progress: float, epoch: int | None = None) -> float:
        """The learning rate once ``progress`` (0 to 1) of the run's words are trained.

        word2vec's rule is linear from ``alpha`` to ``min_alpha`` over all words of all
        epochs, and skip-gram always follows it. CBOW with ``cbow_schedule="stepped"``
        (the default) falls within epoch ``e`` of ``E`` only from the linear rate at
        ``e / E`` to the one at ``(e + 1/2) / E``, and starts the next epoch at its own
        linear rate: the profile gensim's ``corpus_file`` mode follows with two workers,
        which measured better than the linear one for CBOW (the benchmarks page).
        ``epoch`` says which epoch a point at an epoch's end belongs to (by default the
        one that ``progress`` falls in).

        Examples
        --------
        >>> c = TrainConfig(alpha=0.02, min_alpha=0.0, epochs=2)
        >>> [round(c.rate_at(p, e), 4) for p, e in [(0, 0), (0.5, 0), (0.5, 1), (1, 1)]]
        [0.02, 0.015, 0.01, 0.005]
        >>> round(TrainConfig(alpha=0.02, min_alpha=0.0, sg=True).rate_at(0.5), 4)
        0.01
        """
        if self.sg or self.cbow_schedule == "linear" or self.epochs < 1:
            return self.schedule.at(progress)
        scaled = progress * self.epochs
        if epoch is None:
            epoch = min(max(int(scaled), 0), self.epochs - 1)
        return self.schedule.at((epoch + (scaled - epoch) / 2) / self.epochs)

    @property
    def schedule(self) -> LinearSchedule:
        """The learning rate over the run: ``alpha`` down to ``min_alpha``."""
        return LinearSchedule(self.alpha, self.min_alpha)
