from sklearn_w2v import W2V
from sklearn_w2v.demo import main
from sklearn_w2v.training import ProgressReporter

from helpers import planted_corpus


def test_demo_runs_on_gensim_corpus(capsys):
    assert main(["--epochs", "1", "--words", "police"]) == 0
    out = capsys.readouterr().out
    assert "police:" in out and "analogy accuracy" in out and "words/s" in out


def test_verbose_reports_vocabulary_and_progress(capsys, monkeypatch):
    monkeypatch.setattr(ProgressReporter, "every", 0.0)
    docs = planted_corpus(n_docs=3000)[0]
    W2V(min_count=1, epochs=20, n_jobs=2, verbose=1, random_state=0).fit(docs)
    err = capsys.readouterr().err
    assert "3000 documents" in err
    assert "Words/thread/sec" in err and "Alpha: " in err and "Progress: 100.00%" in err
