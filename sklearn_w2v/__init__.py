"""sklearn_w2v: word2vec for scikit-learn, with gensim KeyedVectors export.

>>> from sklearn_w2v import W2V
"""

from .estimator import W2V
from .line_corpus import LineCorpus, Segment
from .sharding import shard_files

__version__ = "0.1.0"

__all__ = ["LineCorpus", "Segment", "W2V", "__version__", "shard_files"]
