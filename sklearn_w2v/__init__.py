"""sklearn_w2v: word2vec for scikit-learn, with gensim KeyedVectors export.

The package reads as the pipeline data flows through: :mod:`~sklearn_w2v.text`
(documents in) -> :mod:`~sklearn_w2v.vocabulary` -> :mod:`~sklearn_w2v.corpus`
(flat int32 ids) -> :mod:`~sklearn_w2v.training` (the backend contract) ->
:mod:`~sklearn_w2v.backends` (numba, torch) -> :mod:`~sklearn_w2v.vectors`
(KeyedVectors and word2vec files) -> :mod:`~sklearn_w2v.estimator` and
:mod:`~sklearn_w2v.pooling` -> the front ends (:mod:`~sklearn_w2v.cli`,
:mod:`~sklearn_w2v.distributed`, :mod:`~sklearn_w2v.bench`, :mod:`~sklearn_w2v.demo`).

>>> from sklearn_w2v import W2V
"""

from .estimator import W2V
from .text import LineCorpus, PhraseTransformer, Segment, shard_files

__version__ = "0.2.0"

__all__ = ["LineCorpus", "PhraseTransformer", "Segment", "W2V", "__version__", "shard_files"]
