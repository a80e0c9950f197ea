"""``sklearn-w2v phrases``: word2phrase's command line, run twice for trigrams."""

import gzip

import pytest

from sklearn_w2v.cli import main

from helpers import planted_phrase_corpus


@pytest.fixture(scope="module")
def text_file(tmp_path_factory):
    docs = planted_phrase_corpus()
    docs.insert(5, [])  # an empty line stays a line
    path = tmp_path_factory.mktemp("phrases") / "text.txt"
    path.write_text("".join(" ".join(d) + "\n" for d in docs))
    return path


def tokens(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt") as f:
        return [line.split() for line in f]


def test_word2phrase_defaults_join_the_planted_pair_only(text_file, tmp_path, capsys):
    out = tmp_path / "out.txt"
    assert main(["phrases", "-train", str(text_file), "-output", str(out)]) == 0
    lines = tokens(out)
    assert len(lines) == 1001 and lines[5] == []
    joined = {t for line in lines for t in line if "_" in t}
    assert joined == {"new_york"}  # "york city" always follows "new", which takes "york" first
    assert sum(line.count("new_york") for line in lines) == 100
    assert not any("w1_w2" in line for line in lines)  # frequent words, adjacent by chance
    err = capsys.readouterr().err  # not a terminal: one summary line
    assert err == f"sklearn-w2v: 20,000 words, 100 pairs joined; wrote {out}\n"


def test_run_twice_for_trigrams(text_file, tmp_path, capsys):
    first, second = tmp_path / "p1.txt", tmp_path / "p2.txt.gz"
    assert main(["phrases", "-train", str(text_file), "-output", str(first), "-debug", "0"]) == 0
    assert main(["phrases", "-train", str(first), "-output", str(second),
                 "-threshold", "50", "-debug", "1"]) == 0
    lines = tokens(second)
    assert sum(line.count("new_york_city") for line in lines) == 30
    assert sum(line.count("new_york") for line in lines) == 70
    err = capsys.readouterr().err
    assert "Words in train file: 19900" in err and "30 pairs joined" in err
    assert not err.startswith("sklearn-w2v:")  # -debug given: no summary line


def test_output_may_replace_the_input(text_file, tmp_path):
    path = tmp_path / "in_place.txt"
    path.write_bytes(text_file.read_bytes())
    assert main(["phrases", "-train", str(path), "-output", str(path), "-debug", "0"]) == 0
    assert sum(line.count("new_york") for line in tokens(path)) == 100
    assert [p.name for p in tmp_path.iterdir()] == ["in_place.txt"]  # no temporary file left


@pytest.mark.parametrize("argv,status,message", [
    (["-train", "T"], 2, "the following arguments are required: -output"),
    (["-train", "T", "-output", "O", "-threshold", "x"], 2, "invalid float value"),
    (["-train", "T", "-output", "O", "--scoring", "npmi"], 1, "between -1 and 1"),
    (["-train", "missing.txt", "-output", "O"], 1, "not found"),
    (["-train", "T", "-output", "nofolder/O"], 1, "does not exist"),
])
def test_errors_in_one_line_and_no_output(text_file, tmp_path, capsys, argv, status, message):
    argv = [str(text_file) if a == "T" else str(tmp_path / a) if a in ("O", "nofolder/O") else a
            for a in argv]
    assert main(["phrases", *argv]) == status
    err = capsys.readouterr().err
    assert message in err
    if status == 1:
        assert err.count("\n") == 1 and err.startswith("sklearn-w2v: error: ")
    assert list(tmp_path.iterdir()) == []
