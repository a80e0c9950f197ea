"""Front end: a short end-to-end demonstration of sklearn_w2v.

Run it with::

    python -m sklearn_w2v.demo [--corpus PATH] [--epochs N] [--sg {0,1}]

Without ``--corpus`` it trains on the Lee background corpus that ships with
gensim (300 news articles, about 60,000 tokens), so it needs no download and
finishes in seconds. It prints the corpus and vocabulary sizes, the training
time and speed, the nearest neighbours of a few words, and the scores of
:func:`sklearn_w2v.evaluation.evaluate`.

``--corpus`` takes any plain-text or gzip-compressed file with one document
per line; lines are lowercased and split into word tokens by the default
tokenizer of :class:`~sklearn_w2v.W2V`. :func:`main` is the command line.
"""

from ._demo import build_parser, main, read_documents

# The other names imported above are seams for the package's other modules and the
# examples, not public API.
__all__ = ["main"]
