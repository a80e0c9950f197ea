"""Training callbacks: the trainers' epoch hook, W2V(callbacks=...), early stopping, persistence."""

import pickle
import warnings

import numpy as np
import pytest
from gensim.models import KeyedVectors
from sklearn.base import clone

from sklearn_w2v import W2V
from sklearn_w2v.backends import backend_available, get_trainer
from sklearn_w2v.callbacks import Callback, Checkpoint, EarlyStopping, StopTraining
from sklearn_w2v.corpus import encode_for_training
from sklearn_w2v.persistence import load, save
from sklearn_w2v.training import TrainConfig, initial_vectors
from sklearn_w2v.vectors import read_vectors


class Recorder(Callback):
    """Records every call, snapshots the vectors, stops after ``stop_after`` epochs if set."""

    def __init__(self, stop_after=None, raise_stop=False):
        self.stop_after = stop_after
        self.raise_stop = raise_stop
        self.calls = []
        self.snapshots = []
        self.losses = []

    def on_train_begin(self, model):
        self.calls.append("begin")

    def on_epoch_end(self, model, epoch, stats):
        self.calls.append(epoch)
        assert isinstance(stats.wv, KeyedVectors)
        self.snapshots.append(stats.wv.vectors.copy())
        self.losses.append(stats.loss)
        if self.stop_after is not None and epoch + 1 >= self.stop_after:
            if self.raise_stop:
                raise StopTraining
            return True
        return None

    def on_train_end(self, model):
        self.calls.append(("end", hasattr(model, "wv_")))


def _fit(docs, **params):
    base = dict(vector_size=8, min_count=1, epochs=4, n_jobs=1, random_state=3, sg=1)
    return W2V(**{**base, **params}).fit(docs)


@pytest.mark.parametrize("sg", [0, 1])
def test_numba_epoch_hook_keeps_the_run_bit_identical(planted, sg):
    vocabulary, corpus, _, _ = encode_for_training(planted[0][:400], min_count=1)
    config = TrainConfig(vector_size=8, epochs=3, sg=bool(sg), seed=2, compute_loss=True)
    plain = get_trainer("numba").train(corpus, vocabulary.counts, config,
                                       *initial_vectors(len(vocabulary), 8, seed=1))
    seen = []
    hooked = get_trainer("numba").train(corpus, vocabulary.counts, config,
                                        *initial_vectors(len(vocabulary), 8, seed=1),
                                        on_epoch_end=lambda r: seen.append(r.epoch) and False)
    assert seen == [0, 1, 2]
    assert hooked.input_vectors.tobytes() == plain.input_vectors.tobytes()
    assert hooked.output_vectors.tobytes() == plain.output_vectors.tobytes()
    assert hooked.stats.epoch_loss == plain.stats.epoch_loss
    assert hooked.stats.epochs == 3


def test_callbacks_see_each_epoch_and_the_fitted_model(planted):
    rec = Recorder()
    model = _fit(planted[0][:300], callbacks=[rec], compute_loss=True)
    assert rec.calls == ["begin", 0, 1, 2, 3, ("end", True)]
    # A view of the weights being trained: after the last epoch, the fitted vectors.
    assert rec.snapshots[-1].tobytes() == model.wv_.vectors.tobytes()
    assert not np.array_equal(rec.snapshots[0], rec.snapshots[-1])
    np.testing.assert_allclose(rec.losses, model.epoch_loss_)
    assert model.training_stats_["epochs_trained"] == 4
    assert model.training_stats_["stopped_early"] is False
    # The callback object given is the one called (fit does not copy parameters).
    assert model.callbacks[0] is rec


@pytest.mark.parametrize("raise_stop", [False, True])
def test_early_stop_keeps_one_linear_decay(planted, raise_stop):
    docs = planted[0][:300]
    full = Recorder()
    _fit(docs, callbacks=[full])
    stopped = _fit(docs, callbacks=[Recorder(stop_after=2, raise_stop=raise_stop)],
                   compute_loss=True)
    stats = stopped.training_stats_
    assert stats["epochs_trained"] == 2 and stats["stopped_early"] is True
    assert stats["trained_words"] == 2 * stats["n_corpus_words"]
    assert stopped.epoch_loss_.shape == (2,)
    # Stopping after epoch 2 of 4 leaves the vectors the full run had after its epoch 2:
    # the learning rate follows the decay planned for all 4 epochs.
    assert stopped.wv_.vectors.tobytes() == full.snapshots[1].tobytes()


def test_stop_before_training_and_errors(planted):
    docs = planted[0][:200]

    class StopAtOnce(Callback):
        def on_train_begin(self, model):
            raise StopTraining

    model = _fit(docs, callbacks=[StopAtOnce()])
    assert model.training_stats_["epochs_trained"] == 0
    assert model.training_stats_["stopped_early"] is True

    class Broken(Callback):
        def on_epoch_end(self, model, epoch, stats):
            raise RuntimeError("metric failed")

    fitted = _fit(docs)
    before = fitted.wv_.vectors.copy()
    with pytest.raises(RuntimeError, match="metric failed"):
        fitted.set_params(callbacks=[Broken()]).fit(docs)
    assert fitted.wv_.vectors.tobytes() == before.tobytes()  # the estimator is as it was


@pytest.mark.parametrize("bad,match", [
    (Recorder(), "'callbacks' parameter"),
    ([object()], "has none of the methods"),
    ((Recorder(), 3), "has none of the methods"),
    ("on_epoch_end", "'callbacks' parameter"),
])
def test_bad_callbacks_fail_before_reading(bad, match):
    def never():
        raise AssertionError("the corpus was read")
        yield

    with pytest.raises(TypeError, match=match):
        W2V(callbacks=bad).fit(never())


def test_partial_fit_after_pretrained_sees_the_whole_vocabulary(planted):
    docs = planted[0][:300]
    kv = _fit(docs).wv_
    extra = [["fresh", "words", "only"] * 3] * 20
    model = W2V(vector_size=8, min_count=1, epochs=2, n_jobs=1, random_state=0,
                init_vectors=kv).fit(docs[:50] + extra)
    rec = Recorder()
    model.set_params(callbacks=[rec]).partial_fit(extra)
    assert rec.calls[1:3] == [0, 1]
    assert rec.snapshots[-1].shape == model.wv_.vectors.shape
    assert rec.snapshots[-1].tobytes() == model.wv_.vectors.tobytes()


def test_checkpoint_and_early_stopping(tmp_path, planted):
    docs = planted[0][:300]
    stop = EarlyStopping(lambda wv: 1.0, patience=2)  # a plateau from the start
    save_each = Checkpoint(tmp_path / "v-{epoch}.txt")
    model = _fit(docs, epochs=10, callbacks=[stop, save_each])
    assert stop.scores_ == [1.0, 1.0, 1.0] and stop.best_epoch_ == 0
    assert stop.stopped_epoch_ == 2
    assert model.training_stats_["epochs_trained"] == 3
    assert [p.split("-")[-1] for p in save_each.paths_] == ["1.txt", "2.txt", "3.txt"]
    last = read_vectors(save_each.paths_[-1])
    assert last.index_to_key == model.wv_.index_to_key
    np.testing.assert_array_equal(last.vectors, model.wv_.vectors)
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(len, patience=0)
    with pytest.raises(ValueError, match="every"):
        Checkpoint("x", every=0)


def _score_rank(wv):
    return -float(np.abs(wv.vectors).mean())


def test_callbacks_survive_clone_pickle_and_skops(tmp_path, planted):
    model = _fit(planted[0][:200], callbacks=[EarlyStopping(_score_rank, patience=3)])
    copy = clone(model)
    assert copy.callbacks[0] is not model.callbacks[0]
    assert copy.callbacks[0].patience == 3
    again = pickle.loads(pickle.dumps(model))
    assert again.callbacks[0].patience == 3
    path = tmp_path / "m.skops"
    with pytest.warns(UserWarning, match="not saved in a .skops file"):
        save(model, path)
    loaded = load(path)  # nothing to trust beyond the defaults: the callback was left out
    assert loaded.callbacks is None
    assert model.callbacks is not None  # saving did not change the model
    np.testing.assert_array_equal(loaded.wv_.vectors, model.wv_.vectors)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        save(model.set_params(callbacks=None), tmp_path / "n.skops")


@pytest.mark.skipif(not backend_available("torch"), reason="torch not installed")
def test_torch_backend_calls_callbacks_between_epochs(planted):
    docs = planted[0][:200]
    rec = Recorder(stop_after=2)
    model = _fit(docs, backend="torch", device="cpu", epochs=3, callbacks=[rec],
                 compute_loss=True)
    assert rec.calls == ["begin", 0, 1, ("end", True)]
    assert model.training_stats_["epochs_trained"] == 2
    assert model.epoch_loss_.shape == (2,)
    assert rec.snapshots[-1].tobytes() == model.wv_.vectors.tobytes()


@pytest.mark.skipif(not backend_available("torch"), reason="torch not installed")
def test_fused_kernel_calls_callbacks_between_epochs(planted):
    pytest.importorskip("triton")
    rec = Recorder(stop_after=1)
    model = _fit(planted[0][:40], backend="torch", device="cpu", kernel="fused", epochs=3,
                 callbacks=[rec])  # Triton's interpreter on the CPU
    assert rec.calls == ["begin", 0, ("end", True)]
    assert model.training_stats_["epochs_trained"] == 1
    assert rec.snapshots[-1].tobytes() == model.wv_.vectors.tobytes()
