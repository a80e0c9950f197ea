"""The frozen configuration of one training run, and its learning-rate schedule."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ._parameters import TRAINING_PARAMETERS, check_fields, declared_fields


def check_learning_rates(
    alpha: float, min_alpha: float, names: tuple[str, str] = ("alpha", "min_alpha")
) -> None:
    """ValueError unless ``min_alpha <= alpha``: the rule between the two rates, which every
    front end applies (each rate's own range is declared with it).

    ``names`` are how the caller spells the two values (``-alpha`` and
    ``-min-alpha`` on the command line).
    """
    alpha_name, min_name = names
    if min_alpha > alpha:
        raise ValueError(f"{min_name} {min_alpha} must not exceed {alpha_name} {alpha}")


@dataclass(frozen=True)
class RateSchedule:
    """The learning rate at each point of a run: the one rule every trainer, every distributed
    round and every progress display follows.

    word2vec's rule is linear from ``start`` to ``end`` over all words of all
    epochs. ``stepped`` (CBOW's default profile, see
    :meth:`TrainConfig.rate_at`) falls within epoch ``e`` of ``epochs`` only
    from the linear rate at ``e / epochs`` to the one at ``(e + 1/2) /
    epochs``, and starts the next epoch at its own linear rate. Either way the
    rate is linear within one epoch, so a stretch of an epoch is a linear
    schedule of its own (:meth:`part`).

    Examples
    --------
    >>> s = RateSchedule(0.025, 0.0001)
    >>> s.at(0.0), round(s.at(0.5), 6), round(s.at(1.0), 6)
    (0.025, 0.01255, 0.0001)
    >>> steps = RateSchedule(0.02, 0.0, epochs=2, stepped=True)
    >>> [round(steps.at(p, e), 4) for p, e in [(0, 0), (0.5, 0), (0.5, 1), (1, 1)]]
    [0.02, 0.015, 0.01, 0.005]
    >>> part = steps.part(0.25, 0.5, epoch=0)
    >>> part.at(0.0) == steps.at(0.25) and part.at(1.0) == steps.at(0.5, epoch=0)
    True
    """

    start: float
    end: float
    epochs: int = 1
    stepped: bool = False

    def at(self, progress: float, epoch: int | None = None) -> float:
        """The rate once ``progress`` (0 to 1) of the run's words are done.

        ``epoch`` says which epoch a point at an epoch's end belongs to (by
        default the one that ``progress`` falls in); only a stepped schedule
        tells them apart.
        """
        if not self.stepped or self.epochs < 1:
            return self._linear(progress)
        scaled = progress * self.epochs
        if epoch is None:
            epoch = min(max(int(scaled), 0), self.epochs - 1)
        return self._linear((epoch + (scaled - epoch) / 2) / self.epochs)

    def part(self, first: float, last: float, epoch: int | None = None) -> RateSchedule:
        """The stretch from ``first`` to ``last`` of the run, inside epoch ``epoch``, as a
        linear schedule of its own.

        Raises
        ------
        ValueError
            A stepped schedule's stretch that leaves the epoch (it is not linear).
        """
        if self.stepped and self.epochs >= 1:
            if epoch is None:
                epoch = min(max(int(first * self.epochs), 0), self.epochs - 1)
            tolerance = 1e-9  # k / (E * n) * E is k / n give or take a rounding
            if not (epoch - tolerance <= first * self.epochs <= last * self.epochs
                    <= epoch + 1 + tolerance):
                raise ValueError(f"the stretch {first}..{last} leaves epoch {epoch} of "
                                 f"{self.epochs}")
        return RateSchedule(self.at(first, epoch), self.at(last, epoch))

    def _linear(self, progress: float) -> float:
        return self.start - (self.start - self.end) * progress


@dataclass(frozen=True)
@declared_fields(TRAINING_PARAMETERS)
class TrainConfig:
    """Hyper-parameters of one training run (gensim 4's names and meanings).

    Its fields, their types, defaults and checks are declared once, in
    ``sklearn_w2v.training.TRAINING_PARAMETERS``, which ``W2V``, the command
    line and the benchmark read too (the Attributes below and the parameters
    page of the user guide list them). A value out of range raises
    ``ValueError`` naming the field, one of another type ``TypeError``; a
    number is stored as its kind (``sg=1`` as ``True``).

    ``seed`` fixes initial weights and every random draw; ``n_threads`` is
    the number of worker threads (or the backend's equivalent). With
    ``compute_loss`` a backend that supports it records the summed
    negative-sampling loss of each epoch in ``TrainStats.epoch_loss`` (it
    slows the numba backend's skip-gram by about half again). ``epochs=0``
    describes a run that trains nothing (a fit that only takes pretrained
    vectors); callers skip the trainer then, and trainers refuse it.
    ``sg_rule`` is the skip-gram update rule (one of :data:`SG_RULE_NAMES`;
    CBOW ignores it); a backend says which rules it implements through its
    :class:`~sklearn_w2v.training.BackendSpec`. ``cbow_schedule`` is CBOW's
    learning-rate profile (one of :data:`CBOW_SCHEDULES`; skip-gram's is
    always linear): see :meth:`rate_at`.
    """

    def __post_init__(self):
        check_fields(self, TRAINING_PARAMETERS)
        check_learning_rates(self.alpha, self.min_alpha)

    def rate_at(self, progress: float, epoch: int | None = None) -> float:
        """The learning rate once ``progress`` (0 to 1) of the run's words are trained.

        word2vec's rule is linear from ``alpha`` to ``min_alpha`` over all words of all
        epochs, and skip-gram always follows it. CBOW with ``cbow_schedule="stepped"``
        (the default) falls within epoch ``e`` of ``E`` only from the linear rate at
        ``e / E`` to the one at ``(e + 1/2) / E``, and starts the next epoch at its own
        linear rate: the profile gensim's ``corpus_file`` mode follows with two workers,
        which measured better than the linear one for CBOW (the benchmarks page).
        ``epoch`` says which epoch a point at an epoch's end belongs to (by default the
        one that ``progress`` falls in). The same as ``schedule.at(progress, epoch)``.

        Examples
        --------
        >>> c = TrainConfig(alpha=0.02, min_alpha=0.0, epochs=2)
        >>> [round(c.rate_at(p, e), 4) for p, e in [(0, 0), (0.5, 0), (0.5, 1), (1, 1)]]
        [0.02, 0.015, 0.01, 0.005]
        >>> round(TrainConfig(alpha=0.02, min_alpha=0.0, sg=True).rate_at(0.5), 4)
        0.01
        """
        return self.schedule.at(progress, epoch)

    @property
    def schedule(self) -> RateSchedule:
        """The run's learning rate (:meth:`rate_at`) as a schedule, for progress displays and
        for cutting the run into stretches.
        """
        return RateSchedule(self.alpha, self.min_alpha, self.epochs,
                            stepped=not self.sg and self.cbow_schedule == "stepped")

    def stretch(self, first: float, last: float, epoch: int) -> TrainConfig:
        """The configuration of one stretch of this run: the words from ``first`` to ``last``
        of it (shares, 0 to 1), all in epoch ``epoch``, trained as one epoch.

        Its rate falls linearly from this run's rate at ``first`` to its rate
        at ``last``, which is exactly this run's profile there (the rate is
        linear within an epoch): distributed training trains its rounds so.

        Examples
        --------
        >>> c = TrainConfig(alpha=0.02, min_alpha=0.0, epochs=2)
        >>> part = c.stretch(0.25, 0.5, epoch=0)
        >>> part.epochs, part.rate_at(0.0) == c.rate_at(0.25)
        (1, True)
        >>> part.rate_at(1.0) == c.rate_at(0.5, epoch=0)
        True
        """
        part = self.schedule.part(first, last, epoch)
        return dataclasses.replace(self, epochs=1, alpha=part.start, min_alpha=part.end,
                                   cbow_schedule="linear")
