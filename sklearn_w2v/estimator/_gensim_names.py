"""gensim ``Word2Vec`` argument names that ``W2V`` spells differently or does not offer, and
what to use instead (the message of the ``TypeError`` a gensim habit meets).

The full table, with every argument and method, is on the parameters page
of the user guide.
"""

from __future__ import annotations

#: gensim name -> what to do in W2V (one sentence each).
GENSIM_NAMES: dict[str, str] = {
    "sentences": "pass the corpus to fit(X) instead (a list of token lists, raw strings, or "
                 "LineCorpus(path) for a file).",
    "corpus_file": "pass sklearn_w2v.LineCorpus(path) to fit(X) (one document per line; "
                   "a .gz file works too).",
    "corpus_iterable": "pass the corpus to fit(X) instead.",
    "seed": "use random_state (with n_jobs=1 a fixed value gives identical vectors).",
    "workers": "use n_jobs (None: all cores, or 1 inside a parallel joblib task).",
    "hs": "hierarchical softmax is not offered; W2V trains with negative sampling "
          "(negative=5 by default), gensim's default too.",
    "trim_rule": "pass vocabulary={word: count, ...} (filtered as you like) to fix the "
                 "vocabulary, or raise min_count / set max_final_vocab.",
    "hashfxn": "not needed: initial vectors come from random_state, not from hashing words.",
    "null_word": "not offered (it padded CBOW windows in old gensim versions).",
    "sorted_vocab": "the vocabulary is always sorted by descending count, as gensim's "
                    "default sorted_vocab=1.",
    "batch_words": "not needed: each backend cuts the corpus into its own work units.",
    "comment": "not offered (gensim's lifecycle log).",
    "size": "use vector_size (gensim 4's name).",
    "iter": "use epochs (gensim 4's name).",
    "lockf": "use freeze_init=True to keep pretrained vectors fixed.",
}
