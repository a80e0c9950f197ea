"""Training callbacks for :class:`~sklearn_w2v.W2V` (``W2V(callbacks=[...])``), as gensim's.

Public home of the callback API (implemented in the internal estimator package).
A callback is an object with any of ``on_train_begin(model)``,
``on_epoch_end(model, epoch, stats)`` and ``on_train_end(model)``; subclass
:class:`Callback` to write one. ``stats`` is an :class:`EpochStats` whose
``wv`` is a gensim ``KeyedVectors`` view of the vectors as they stand after
the epoch. ``on_epoch_end`` stops training early by returning ``True`` or
raising :class:`StopTraining`. The hooks run between epochs (never inside a
training kernel), on every backend, and on rank 0 of a distributed fit.

Ready-made: :class:`Checkpoint` writes a word2vec file after each epoch;
:class:`EarlyStopping` stops when a score of yours stops improving.

Examples
--------
Stop when the similarity of two words stops growing, and keep each epoch's
vectors:

>>> import os, tempfile
>>> from gensim.test.utils import common_texts
>>> from sklearn_w2v import W2V
>>> from sklearn_w2v.callbacks import Checkpoint, EarlyStopping
>>> folder = tempfile.mkdtemp()
>>> stop = EarlyStopping(lambda wv: wv.similarity("graph", "trees"), patience=2)
>>> save = Checkpoint(os.path.join(folder, "vectors-{epoch}.txt"))
>>> model = W2V(vector_size=8, min_count=1, epochs=50, n_jobs=1, random_state=0,
...             callbacks=[stop, save]).fit(common_texts)
>>> fitted = model.callbacks[0]
>>> model.training_stats_["epochs_trained"] == len(fitted.scores_) == len(model.callbacks[1].paths_)
True
"""

from .estimator import Callback, Checkpoint, EarlyStopping, EpochStats, StopTraining

__all__ = ["Callback", "Checkpoint", "EarlyStopping", "EpochStats", "StopTraining"]
