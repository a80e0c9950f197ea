"""Intrinsic evaluation on the test sets that ship with gensim."""

from __future__ import annotations

import logging
import warnings

from gensim.models import KeyedVectors
from gensim.test.utils import datapath

# restrict_vocab for analogies: the usual 30,000 most frequent words.
ANALOGY_VOCAB = 30_000


def evaluate(wv: KeyedVectors, restrict_vocab: int = ANALOGY_VOCAB) -> dict[str, float]:
    """Analogy accuracy and word-similarity correlations of ``wv``.

    Returns
    -------
    dict
        ``analogy``: accuracy on questions-words.txt (questions whose words are
        all among the ``restrict_vocab`` most frequent are counted);
        ``wordsim353`` and ``simlex999``: Spearman correlation with human
        judgements (pairs with unknown words are skipped);
        ``*_oov``: percentage of pairs skipped.
    """
    quiet = logging.getLogger("gensim.models.keyedvectors")
    level = quiet.level
    quiet.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nan correlations on toy vocabularies
            analogy, _ = wv.evaluate_word_analogies(
                datapath("questions-words.txt"), restrict_vocab=restrict_vocab
            )
            ws = wv.evaluate_word_pairs(datapath("wordsim353.tsv"))
            sl = wv.evaluate_word_pairs(datapath("simlex999.txt"))
    finally:
        quiet.setLevel(level)
    return {
        "analogy": float(analogy),
        "wordsim353": float(ws[1][0]),
        "wordsim353_oov": float(ws[2]),
        "simlex999": float(sl[1][0]),
        "simlex999_oov": float(sl[2]),
    }
