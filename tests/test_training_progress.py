"""Progress: one reporter for every trainer; a tqdm bar on a terminal, C-tool lines elsewhere."""

import sys

import pytest

from sklearn_w2v import W2V
from sklearn_w2v.training import ProgressReporter, RateSchedule, TrainConfig

from helpers import planted_corpus

SCHEDULE = RateSchedule(0.025, 0.0001)
FAST = dict(vector_size=8, min_count=1, epochs=2, n_jobs=1, random_state=0, verbose=1)
DOCS = planted_corpus(n_groups=3, group_size=5, n_docs=200, doc_len=8)[0]


@pytest.fixture
def terminal(capsys, monkeypatch):
    """stderr (pytest's capture) claims to be a terminal."""
    monkeypatch.setattr(type(sys.stderr), "isatty", lambda self: True)


def test_lines_off_a_terminal_in_the_c_tools_format(capsys, monkeypatch):
    monkeypatch.setattr(ProgressReporter, "every", 0.0)
    progress = ProgressReporter("numba", 1000, SCHEDULE, verbose=1, n_threads=2)
    progress.update(500, loss=1000.0)
    progress.update(750, loss=lambda: 1250.0)  # a callable is read when shown
    progress.finish(2.0, loss=1500.0)
    first, second, last = capsys.readouterr().err.splitlines()
    assert first.startswith("Alpha: 0.012550  Progress: 50.00%  Words/thread/sec: ")
    assert first.endswith("  Loss/word: 2") and "Time left: " in first
    assert second.startswith("Alpha: 0.006325  Progress: 75.00%")
    assert second.endswith("Loss/word: 1")
    # 1000 words in 2 s on 2 threads: 0.25k words per thread and second.
    assert last == ("Alpha: 0.000100  Progress: 100.00%  Words/thread/sec: 0.25k  Time left: 0s"
                    "  Loss/word: 1")


def test_lines_are_spaced_by_every_seconds(capsys):
    progress = ProgressReporter("numba", 1000, SCHEDULE, verbose=1)
    for done in range(0, 1000, 10):
        progress.update(done)
    assert capsys.readouterr().err == ""  # not 5 s yet
    progress.finish()
    assert capsys.readouterr().err.count("\n") == 1


def test_bar_on_a_terminal(capsys, terminal):
    progress = ProgressReporter("torch", 2000, SCHEDULE, verbose=1)
    assert progress._bar is not None
    progress.update(1000, loss=500.0)
    progress.finish(loss=900.0)
    err = capsys.readouterr().err
    assert "\r" in err and "W2V torch: 100%|" in err and "2.00k/2.00k" in err
    assert "words/s" in err and "alpha=0.000100" in err and "loss/word=0.4" in err
    assert "Alpha:" not in err


def test_silent_unless_verbose(capsys, terminal):
    progress = ProgressReporter("numba", 10, SCHEDULE, verbose=0)
    progress.update(5, loss=1.0)
    progress.finish()
    assert capsys.readouterr().err == "" and progress._bar is None


@pytest.mark.parametrize("backend", ["numba", "torch"])
def test_every_backend_draws_the_same_bar(backend, capsys, terminal):
    if backend == "torch":
        pytest.importorskip("torch")
    options = {"device": "cpu"} if backend == "torch" else {}
    W2V(**FAST, backend=backend, compute_loss=True, **options).fit(DOCS)
    err = capsys.readouterr().err
    assert f"W2V {backend}: 100%|" in err and "3.20k/3.20k" in err  # 1,600 tokens x 2 epochs
    assert "loss/word=" in err and "alpha=" in err
    assert "[W2V] epoch 2: loss" in err


def test_estimator_off_a_terminal_prints_lines(capsys):
    W2V(**FAST).fit(DOCS)
    err = capsys.readouterr().err
    assert "\r" not in err and "Progress: 100.00%" in err and "Loss/word" not in err


def test_estimator_reports_its_corpus_and_progress(docs, capsys):
    W2V(**{**FAST, "vector_size": 16, "epochs": 3}).fit(docs)
    err = capsys.readouterr().err
    assert "300 documents" in err and "Progress: 100.00%" in err


def test_estimator_reports_vocabulary_rate_and_loss(capsys, monkeypatch):
    monkeypatch.setattr(ProgressReporter, "every", 0.0)
    docs = planted_corpus(n_docs=3000)[0]
    W2V(min_count=1, epochs=20, n_jobs=2, verbose=1, random_state=0).fit(docs)
    err = capsys.readouterr().err
    assert "3000 documents" in err
    assert "Words/thread/sec" in err and "Alpha: " in err and "Progress: 100.00%" in err


@pytest.mark.parametrize("sg, cbow_schedule", [(0, "stepped"), (0, "linear"), (1, "stepped")])
def test_the_rate_shown_is_the_rate_trained_with(sg, cbow_schedule, capsys, monkeypatch):
    # The display reads the configuration's one rule (rate_at), not word2vec's linear decay:
    # halfway through the first of two epochs, stepped CBOW has fallen a quarter of its share.
    monkeypatch.setattr(ProgressReporter, "every", 0.0)
    config = TrainConfig(alpha=0.02, min_alpha=0.0, epochs=2, sg=sg, cbow_schedule=cbow_schedule)
    progress = ProgressReporter("numba", 1000, config.schedule, verbose=1)
    for done in (250, 500, 750):
        progress.update(done)
    progress.finish()
    shown = [float(line.split()[1]) for line in capsys.readouterr().err.splitlines()]
    expected = [config.rate_at(share) for share in (0.25, 0.5, 0.75, 1.0)]
    assert shown == pytest.approx(expected, abs=1e-6)
    stepped = not sg and cbow_schedule == "stepped"
    assert shown[0] == pytest.approx(0.0175 if stepped else 0.015, abs=1e-6)
