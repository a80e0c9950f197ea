from sklearn_w2v.demo import main


def test_demo_runs_on_gensim_corpus(capsys):
    assert main(["--epochs", "1", "--words", "police"]) == 0
    out = capsys.readouterr().out
    assert "police:" in out and "analogy accuracy" in out and "words/s" in out
