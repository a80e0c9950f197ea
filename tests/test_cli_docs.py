"""The command-line page lists exactly the flags the training parser takes."""

import pathlib
import re

import pytest

from sklearn_w2v.cli import train_parser

PAGE = pathlib.Path(__file__).parent.parent / "docs" / "user_guide" / "command_line.md"


def documented_flags() -> set[str]:
    text = PAGE.read_text(encoding="utf-8")
    table = text.split("## All flags", 1)[1].split("\n## ", 1)[0]
    return {m.group(1) for m in re.finditer(r"^\| `(-[-a-z]+)", table, re.MULTILINE)}


def test_command_line_page_lists_every_flag_of_the_parser():
    parsed = {action.option_strings[0] for action in train_parser()._actions}
    documented = documented_flags()
    assert documented == parsed, (f"missing from the page: {sorted(parsed - documented)}; "
                                  f"not in the parser: {sorted(documented - parsed)}")


def test_pretrained_file_flags_reach_the_estimator(tmp_path, capsys):
    from sklearn_w2v.cli import estimator_from_args, main, parse_train_args

    corpus = tmp_path / "c.txt"
    corpus.write_text("the cat sat\nthe dog sat\n" * 20)
    glove = tmp_path / "g.txt"
    glove.write_text("the 1 0 0\ncat 0 1 0\nthe 0 0 1\nzebra 1 1 1\n")
    args = parse_train_args(["-train", str(corpus), "-init-vectors", str(glove),
                             "-init-vectors-duplicates", "keep_first",
                             "-init-vectors-words", "corpus", "-cbow", "0",
                             "-sg-rule", "hogbatch"])
    assert args.size == 3  # the width of the headerless file's first row
    model = estimator_from_args(args)
    assert (model.init_vectors_format, model.init_vectors_duplicates, model.init_vectors_words,
            model.sg_rule) == ("auto", "keep_first", "corpus", "hogbatch")
    out = tmp_path / "v.txt"
    with pytest.warns(UserWarning, match="repeated word"):
        code = main(["-train", str(corpus), "-init-vectors", str(glove),
                     "-init-vectors-duplicates", "keep_first", "-init-vectors-words", "corpus",
                     "-output", str(out), "-threads", "1", "-min-count", "1", "-iter", "1"])
    assert code == 0
    assert "zebra" not in out.read_text()
    assert main(["-train", str(corpus), "-init-vectors-words", "corpus"]) == 2
    assert "-init-vectors-words needs -init-vectors" in capsys.readouterr().err
    assert main(["-train", str(corpus), "-init-vectors", str(glove), "-init-vectors-format",
                 "word2vec"]) == 2
    assert "no_header=True" in capsys.readouterr().err
    assert main(["-train", str(corpus), "-sg-rule", "pairs"]) == 2
