"""Distributed training: real processes over gloo on 127.0.0.1 (no other network)."""

import json
import os
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

pytest.importorskip("torch")

from sklearn_w2v import W2V, LineCorpus  # noqa: E402
from sklearn_w2v.persistence import load  # noqa: E402
from sklearn_w2v.vectors import read_vectors, read_vocabulary  # noqa: E402

from helpers import group_purity, planted_corpus  # noqa: E402

WORKER = os.path.join(os.path.dirname(__file__), "distributed_rank.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(commands, timeout=120, world_size=None):
    """Start one process per command as ranks 0.. of a group on 127.0.0.1; wait for all.

    Returns (return codes, stderr texts, seconds until the last one ended).
    """
    world_size = world_size or len(commands)
    port = str(free_port())
    procs = []
    start = time.monotonic()
    for rank, command in enumerate(commands):
        env = dict(os.environ, MASTER_ADDR="127.0.0.1", MASTER_PORT=port, RANK=str(rank),
                   WORLD_SIZE=str(world_size), LOCAL_RANK=str(rank),
                   LOCAL_WORLD_SIZE=str(world_size), PYTHONUNBUFFERED="1")
        if os.path.exists("/sys/class/net/lo"):
            env["GLOO_SOCKET_IFNAME"] = "lo"  # loopback only
        procs.append(subprocess.Popen([sys.executable, *command], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    errors = []
    try:
        for p in procs:
            _, err = p.communicate(timeout=max(1.0, timeout - (time.monotonic() - start)))
            errors.append(err)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    return [p.returncode for p in procs], errors, time.monotonic() - start


@pytest.fixture(scope="module")
def planted_file(tmp_path_factory):
    docs, groups = planted_corpus(n_docs=1200)
    path = tmp_path_factory.mktemp("planted") / "planted.txt"
    path.write_text("".join(" ".join(d) + "\n" for d in docs))
    return str(path), groups


def run_workers(mode, out_dir, corpus, n=2, timeout=120, **options):
    args = [f"{k}={v}" for k, v in options.items()]
    return launch([[WORKER, mode, str(out_dir), corpus, *args] for _ in range(n)], timeout)


def load_rank(out_dir, rank):
    arrays = dict(np.load(out_dir / f"rank{rank}.npz"))
    with open(out_dir / f"rank{rank}.json") as f:
        arrays.update(json.load(f))
    return arrays


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["numba", "torch"])
def test_two_ranks_agree_match_single_process_vocabulary_and_recover_the_groups(
        planted_file, tmp_path, backend):
    corpus, groups = planted_file
    codes, errors, _ = run_workers("fit", tmp_path, corpus, backend=backend)
    assert codes == [0, 0], errors
    r0, r1 = load_rank(tmp_path, 0), load_rank(tmp_path, 1)
    # Bit-identical weights and statistics on both ranks.
    for key in ("vectors", "context", "counts", "idf", "sif"):
        assert np.array_equal(r0[key], r1[key]), key
    assert r0["words"] == r1["words"]
    # The vocabulary one process reading the whole file builds.
    single = W2V(min_count=2, vector_size=16, epochs=1, n_jobs=1, random_state=0).fit(
        LineCorpus(corpus))
    assert r0["words"] == single.wv_.index_to_key
    assert r0["counts"].tolist() == single.wv_.expandos["count"].tolist()
    assert np.allclose(r0["idf"], single.idf_)
    stats = r0["stats"]
    assert stats["world_size"] == 2 and stats["n_syncs"] % 5 == 0 and stats["n_syncs"] >= 10
    assert stats["n_corpus_words"] == single.training_stats_["n_corpus_words"]
    # Trained: the planted groups are recovered (an untrained model scores about 0.2).
    model = W2V(min_count=2, vector_size=16, epochs=1, n_jobs=1, random_state=0).fit(
        LineCorpus(corpus))
    model.wv_.vectors[:] = r0["vectors"]
    assert group_purity(model.wv_, groups) > 0.9


def test_untrained_vectors_fail_the_planted_check(planted_file):
    """The control: the purity check of the test above can fail."""
    corpus, groups = planted_file
    model = W2V(min_count=2, vector_size=16, epochs=1, n_jobs=1, random_state=0).fit(
        LineCorpus(corpus))
    model.wv_.vectors[:] = np.random.default_rng(0).standard_normal(model.wv_.vectors.shape)
    assert group_purity(model.wv_, groups) < 0.5


@pytest.mark.slow
@pytest.mark.parametrize("combine", ["sum", "mean", "touched-mean"])
def test_touched_row_sync_equals_full_sync_with_fewer_bytes(tmp_path, combine):
    codes, errors, _ = run_workers("sync", tmp_path, "-", combine=combine)
    assert codes == [0, 0], errors
    r0, r1 = dict(np.load(tmp_path / "rank0.npz")), dict(np.load(tmp_path / "rank1.npz"))
    for key in ("touched0", "touched1", "all0", "all1"):
        assert np.array_equal(r0[key], r1[key]), key
    np.testing.assert_allclose(r0["touched0"], r0["all0"], rtol=1e-6)
    np.testing.assert_allclose(r0["touched1"], r0["all1"], rtol=1e-6)
    assert r0["touched_bytes"] < r0["all_bytes"]
    # Against the combined updates computed here (the worker's first matrix).
    import torch
    start = torch.arange(60, dtype=torch.float32).reshape(20, 3) / 7
    updates = []
    for rank in (0, 1):
        w = start.clone()
        gen = torch.Generator().manual_seed(rank)
        changed = torch.randperm(20, generator=gen)[: 20 // 3]
        w[changed] += torch.randn(len(changed), 3, generator=gen)
        updates.append((w - start).numpy())
    total = updates[0] + updates[1]
    touching = sum((u != 0).any(axis=1).astype(np.float32) for u in updates)
    # rows no rank, one rank and both ranks changed
    assert set(touching.tolist()) == {0.0, 1.0, 2.0}
    divisor = {"sum": 1.0, "mean": 2.0, "touched-mean": np.maximum(touching, 1)[:, None]}[combine]
    np.testing.assert_allclose(r0["all0"], start.numpy() + total / divisor, rtol=1e-6, atol=1e-6)


@pytest.mark.slow
def test_a_rank_that_dies_ends_the_others_with_a_clear_error(planted_file, tmp_path):
    corpus, _ = planted_file
    codes, errors, seconds = run_workers("fit", tmp_path, corpus, die_at_round=2, timeout=90)
    assert codes[1] == 17
    assert codes[0] == 3, errors[0]
    assert "DistributedError" in errors[0] and "peer" in errors[0]
    assert seconds < 60
    assert not (tmp_path / "rank0.npz").exists()


@pytest.mark.slow
def test_a_peer_that_never_joins_ends_the_run_after_the_timeout(tmp_path):
    start = time.monotonic()
    codes, errors, _ = launch([[WORKER, "fit", str(tmp_path), "-", "timeout=3"]], timeout=60,
                              world_size=2)
    assert codes == [3], errors
    assert "did not all join" in errors[0]
    assert time.monotonic() - start < 40


@pytest.mark.slow
def test_ranks_with_different_parameters_refuse_to_train(planted_file, tmp_path):
    corpus, _ = planted_file
    codes, errors, _ = run_workers("fit", tmp_path, corpus, other_window_on_rank1=1)
    assert codes == [3, 3], errors
    assert all("window=4 vs 3" in e for e in errors), errors


@pytest.mark.slow
def test_command_line_writes_the_outputs_once_in_the_usual_formats(planted_file, tmp_path):
    corpus, groups = planted_file
    out = tmp_path / "vectors.bin"
    command = ["-m", "sklearn_w2v.distributed", "-train", corpus, "-output", str(out),
               "-debug", "2", "-binary", "1", "-size", "16", "-window", "3", "-min-count", "2",
               "-cbow", "0", "-threads", "1", "--seed", "1", "--sync-words", "5000",
               "-save-vocab", str(tmp_path / "vocab.txt"),
               "--save-model", str(tmp_path / "model.joblib"), "--timeout", "60"]
    codes, errors, _ = launch([command, command])
    assert codes == [0, 0], errors
    assert "Progress: 100.00%" in errors[0] and "Wrote" in errors[0]
    assert "Progress:" not in errors[1] and "Wrote" not in errors[1]  # rank 0 reports
    wv = read_vectors(str(out))
    model = load(tmp_path / "model.joblib")
    assert wv.index_to_key == model.wv_.index_to_key
    assert np.array_equal(wv.vectors, model.wv_.vectors)
    assert list(read_vocabulary(str(tmp_path / "vocab.txt"))) == wv.index_to_key
    assert group_purity(model.wv_, groups) > 0.9
    docs = [line.split() for line in open(corpus)][:5]
    assert model.transform(docs).shape == (5, 16)
    assert sorted(os.listdir(tmp_path)) == ["model.joblib", "vectors.bin", "vocab.txt"]


@pytest.mark.slow
def test_command_line_refuses_bad_flags_before_joining(tmp_path):
    result = subprocess.run([sys.executable, "-m", "sklearn_w2v.distributed", "-train", "x.txt"],
                            capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, RANK="0", WORLD_SIZE="2"))
    assert result.returncode == 2
    assert "-output FILE is required" in result.stderr


def test_fit_distributed_needs_a_process_group():
    from sklearn_w2v.distributed import DistributedError, fit_distributed

    with pytest.raises(DistributedError, match="no process group"):
        fit_distributed(W2V(), None)


def test_sklearn_w2v_distributed_is_the_same_command():
    from sklearn_w2v.cli import main

    assert main(["distributed", "--help"]) == 0
    assert main(["distributed", "-train", "x.txt"]) == 2  # no -output


# -- a one-rank group in this process: fast checks of fit_distributed's own logic

@pytest.fixture
def one_rank_group():
    import torch.distributed as dist

    dist.init_process_group("gloo", store=dist.HashStore(), rank=0, world_size=1)
    try:
        yield
    finally:
        dist.destroy_process_group()


@pytest.mark.parametrize("kwargs, error", [
    ({"sync_words": 0}, ValueError), ({"sync_words": 1.5}, ValueError),
    ({"combine": "median"}, ValueError), ({"rows": "some"}, ValueError),
])
def test_fit_distributed_refuses_bad_options(one_rank_group, planted_file, kwargs, error):
    from sklearn_w2v.distributed import fit_distributed

    with pytest.raises(error, match=next(iter(kwargs))):
        fit_distributed(W2V(), LineCorpus(planted_file[0]), **kwargs)


def test_fit_distributed_refuses_bad_corpus_and_parameters(one_rank_group, planted_file):
    from sklearn_w2v.distributed import fit_distributed

    with pytest.raises(TypeError, match="LineCorpus"):
        fit_distributed(W2V(), [["a", "b"]])
    with pytest.raises(ValueError, match="max_vocab_size"):
        fit_distributed(W2V(max_vocab_size=100), LineCorpus(planted_file[0]))
    with pytest.raises(ValueError, match="window"):
        fit_distributed(W2V(window=0), LineCorpus(planted_file[0]))
    with pytest.raises(ValueError, match="No word occurs"):
        fit_distributed(W2V(), None)


def test_one_rank_gives_a_complete_w2v(one_rank_group, planted_file):
    from sklearn_w2v.distributed import fit_distributed

    corpus, groups = planted_file
    params = dict(min_count=2, vector_size=16, window=3, epochs=3, n_jobs=1, random_state=0,
                  compute_loss=True, agg="sif")
    model = fit_distributed(W2V(**params), LineCorpus(corpus), sync_words=3000)
    single = W2V(**params).fit(LineCorpus(corpus))
    assert model.wv_.index_to_key == single.wv_.index_to_key
    assert np.array_equal(model.idf_, single.idf_)
    assert model.epoch_loss_.shape == (3,) and np.all(model.epoch_loss_ > 0)
    stats = model.training_stats_
    assert stats["n_syncs"] == 3 * -(-stats["n_corpus_words"] // 3000)  # rounds of 3000 words
    assert group_purity(model.wv_, groups) > 0.9
    docs = [line.split() for line in open(corpus)][:4]
    assert model.transform(docs).shape == (4, 16)
    grown = model.partial_fit([["brand", "new", "brand", "new"]] * 3)
    assert "brand" in grown.wv_.key_to_index


@pytest.mark.parametrize("sg, cbow_schedule", [(0, "stepped"), (0, "linear"), (1, "stepped")])
def test_one_rank_follows_the_single_process_rate_profile(one_rank_group, planted_file,
                                                          monkeypatch, sg, cbow_schedule):
    """Each round trains with the single-process rate over its stretch of the run, CBOW's
    stepped profile included (a round's own epoch must not step the rate again), and the
    round reports and progress show that rate.
    """
    from sklearn_w2v.backends.numba import NumbaTrainer
    from sklearn_w2v.distributed import fit_distributed
    from sklearn_w2v.estimator import training_setup

    rounds, reports = [], []
    original = NumbaTrainer.train

    def spy(self, corpus, counts, config, *args, **kwargs):
        rounds.append(config)
        return original(self, corpus, counts, config, *args, **kwargs)

    monkeypatch.setattr(NumbaTrainer, "train", spy)
    params = dict(min_count=2, vector_size=8, epochs=3, n_jobs=1, random_state=0, sg=sg,
                  cbow_schedule=cbow_schedule)
    model = fit_distributed(W2V(**params), LineCorpus(planted_file[0]), sync_words=3000,
                            on_round=reports.append)
    single = training_setup(W2V(**params)).config  # what W2V.fit trains with
    total = model.training_stats_["n_syncs"]
    assert len(rounds) == len(reports) == total and total > 3
    for k, (config, report) in enumerate(zip(rounds, reports)):
        epoch = k // (total // 3)
        assert config.epochs == 1 and report.epoch == epoch
        for share in (0.0, 0.3, 1.0):  # the trainer's progress within the round
            assert config.rate_at(share) == pytest.approx(
                single.rate_at((k + share) / total, epoch), rel=1e-12, abs=1e-15)
        assert report.alpha == pytest.approx(single.rate_at((k + 1) / total, epoch), rel=1e-12)
    if not sg and cbow_schedule == "stepped":  # the profile differs from the linear one
        import dataclasses

        linear = dataclasses.replace(single, cbow_schedule="linear")
        assert rounds[0].rate_at(1.0) != pytest.approx(linear.rate_at(1 / total))


@pytest.mark.slow
def test_rank_zeros_callbacks_stop_every_rank(planted_file, tmp_path):
    codes, errors, _ = run_workers("fit", tmp_path, planted_file[0], stop_after_epochs=2)
    assert codes == [0, 0], errors
    r0, r1 = load_rank(tmp_path, 0), load_rank(tmp_path, 1)
    for r in (r0, r1):  # rank 1's own callback (stop after 1) is not run
        assert r["stats"]["epochs_trained"] == 2 and r["stats"]["stopped_early"]
    assert r0["vectors"].tobytes() == r1["vectors"].tobytes()


def test_one_rank_runs_callbacks_with_synchronised_weights(one_rank_group, planted_file):
    from sklearn_w2v.callbacks import Callback
    from sklearn_w2v.distributed import fit_distributed

    class Snapshot(Callback):
        def __init__(self):
            self.seen = []

        def on_epoch_end(self, model, epoch, stats):
            self.seen.append((epoch, stats.loss, stats.wv.vectors.copy()))
            return epoch == 1

    snap = Snapshot()
    params = dict(min_count=2, vector_size=8, epochs=4, n_jobs=1, random_state=0,
                  compute_loss=True, callbacks=[snap])
    model = fit_distributed(W2V(**params), LineCorpus(planted_file[0]), sync_words=3000)
    fitted = model.callbacks[0]  # fit_distributed fits a clone: its own copy of the callback
    assert [e for e, _, _ in fitted.seen] == [0, 1]
    assert model.training_stats_["epochs_trained"] == 2
    np.testing.assert_allclose([loss for _, loss, _ in fitted.seen], model.epoch_loss_)
    assert fitted.seen[-1][2].tobytes() == model.wv_.vectors.tobytes()


def test_fixed_vocabulary_skips_the_merge(one_rank_group, planted_file):
    from sklearn_w2v.distributed import fit_distributed

    counts = {"g0w0": 10, "g0w1": 9, "g1w0": 8}
    model = fit_distributed(W2V(vocabulary=counts, min_count=1, vector_size=8, n_jobs=1),
                            LineCorpus(planted_file[0]))
    assert model.wv_.index_to_key == ["g0w0", "g0w1", "g1w0"]
    assert model.wv_.expandos["count"].tolist() == [10, 9, 8]


@pytest.fixture(scope="module")
def pretrained_file(planted_file, tmp_path_factory):
    """Vectors for a few corpus words and two words no shard has; one value is -0.0."""
    from sklearn_w2v.vectors import write_vectors

    words = ["g0w0", "g1w1", "g2w2", "absent_a", "absent_b"]
    vectors = np.random.default_rng(5).normal(size=(5, 16)).astype(np.float32)
    vectors[0, 3] = -0.0
    path = tmp_path_factory.mktemp("pretrained") / "pre.bin"
    write_vectors(path, words, vectors, binary=True)
    return str(path), words, vectors


@pytest.mark.slow
def test_two_ranks_keep_frozen_pretrained_rows_bit_for_bit(planted_file, pretrained_file,
                                                           tmp_path):
    path, words, vectors = pretrained_file
    codes, errors, _ = run_workers("fit", tmp_path, planted_file[0], init_vectors=path,
                                   freeze_init=1, rows="all")
    assert codes == [0, 0], errors
    r0, r1 = load_rank(tmp_path, 0), load_rank(tmp_path, 1)
    assert np.array_equal(r0["vectors"], r1["vectors"])
    rank = np.array(r0["pretrained_rank"])
    assert r0["words"][-2:] == ["absent_a", "absent_b"]  # no shard has them: last
    assert r0["vectors"][rank > 0].tobytes() == vectors[rank[rank > 0] - 1].tobytes()
    assert np.abs(r0["context"]).sum() > 0  # the rest trained


def test_one_rank_fine_tunes_as_one_process_lays_out(one_rank_group, planted_file,
                                                    pretrained_file):
    from sklearn_w2v.distributed import fit_distributed

    path, words, vectors = pretrained_file
    params = dict(min_count=2, vector_size=16, window=3, epochs=2, n_jobs=1, random_state=0,
                  init_vectors=path)
    model = fit_distributed(W2V(**params), LineCorpus(planted_file[0]), sync_words=3000)
    single = W2V(**params).fit(LineCorpus(planted_file[0]))
    assert model.wv_.index_to_key == single.wv_.index_to_key
    assert np.array_equal(model.pretrained_rank_, single.pretrained_rank_)
    moved = model.wv_[words[0]]
    assert not np.array_equal(moved, vectors[0])  # fine-tuned, not frozen
    np.testing.assert_array_equal(model.wv_["absent_a"], vectors[3])
    with pytest.raises(ValueError, match="epochs=0"):
        fit_distributed(W2V(**{**params, "epochs": 0}), LineCorpus(planted_file[0]))


def test_weight_sync_keeps_frozen_rows_through_a_dense_sync(one_rank_group):
    import torch

    from sklearn_w2v.distributed import WeightSync

    w = torch.tensor([[-0.0, 1.0], [2.0, 3.0]])
    sync = WeightSync([w], rows="all", frozen=[torch.tensor([True, False])])
    w[1] += 1.0
    sync()
    assert torch.signbit(w[0, 0]) and w[1].tolist() == [3.0, 4.0]
