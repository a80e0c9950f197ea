"""Intrinsic evaluation on the test sets that ship with gensim (or on your own files)."""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator

from gensim.models import KeyedVectors
from gensim.test.utils import datapath

# restrict_vocab for analogies: the usual 30,000 most frequent words.
ANALOGY_VOCAB = 30_000

__all__ = ["evaluate", "score_analogies", "score_word_pairs"]


@contextlib.contextmanager
def _quiet_gensim() -> Iterator[None]:
    """Silence gensim's per-section log lines and nan-correlation warnings on toy vocabularies."""
    logger = logging.getLogger("gensim.models.keyedvectors")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def score_analogies(
    wv: KeyedVectors, path: str, restrict_vocab: int = ANALOGY_VOCAB
) -> tuple[float, int]:
    """Accuracy on an analogy file (questions-words.txt format) and the questions counted.

    Only questions whose four words are among the ``restrict_vocab`` most
    frequent words are counted; with none, the accuracy is 0.0 on 0 questions.
    """
    with _quiet_gensim():
        score, sections = wv.evaluate_word_analogies(path, restrict_vocab=restrict_vocab)
    total = next((s for s in sections if s["section"] == "Total accuracy"), None)
    n = len(total["correct"]) + len(total["incorrect"]) if total else 0
    return float(score), n


def score_word_pairs(wv: KeyedVectors, path: str) -> tuple[float, float]:
    """Spearman correlation with a word-pair file's human scores, and the percent of pairs skipped.

    Pairs with an unknown word are skipped; when every pair is, the
    correlation is nan (gensim raises instead).
    """
    with _quiet_gensim():
        try:
            _, spearman, oov = wv.evaluate_word_pairs(path)
        except ValueError:  # gensim: no pair has both words in the vocabulary
            return float("nan"), 100.0
    return float(spearman[0]), float(oov)


def evaluate(wv: KeyedVectors, restrict_vocab: int = ANALOGY_VOCAB) -> dict[str, float]:
    """Analogy accuracy and word-similarity correlations of ``wv`` on gensim's test sets.

    Returns
    -------
    dict
        ``analogy``: accuracy on questions-words.txt (see :func:`score_analogies`);
        ``wordsim353`` and ``simlex999``: Spearman correlation with human
        judgements (see :func:`score_word_pairs`);
        ``*_oov``: percentage of pairs skipped.
    """
    analogy, _ = score_analogies(wv, datapath("questions-words.txt"), restrict_vocab)
    ws, ws_oov = score_word_pairs(wv, datapath("wordsim353.tsv"))
    sl, sl_oov = score_word_pairs(wv, datapath("simlex999.txt"))
    return {
        "analogy": analogy,
        "wordsim353": ws,
        "wordsim353_oov": ws_oov,
        "simlex999": sl,
        "simlex999_oov": sl_oov,
    }
