"""The sklearn-w2v command line: C-tool flags, outputs, sub-commands, errors."""

import importlib
import io
import json
import os
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest
from gensim.models import KeyedVectors

from sklearn_w2v._optional import torch_installed
from sklearn_w2v.cli import HELP_FLAGS, estimator_from_args, main, parse_train_args
from sklearn_w2v.estimator import available_cpus
from sklearn_w2v.vectors import read_vectors, read_vocabulary, write_vectors

from helpers import planted_corpus

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TINY = ["-size", "8", "-iter", "1", "-threads", "1", "-min-count", "1", "--seed", "0"]


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory):
    docs, _ = planted_corpus(n_groups=3, group_size=5, n_docs=150, doc_len=8)
    path = tmp_path_factory.mktemp("corpus") / "small.txt"
    path.write_text("".join(" ".join(d) + "\n" for d in docs))
    return path, docs


@pytest.fixture(scope="module")
def vectors_file(corpus_file, tmp_path_factory):
    path = tmp_path_factory.mktemp("vectors") / "vec.bin"
    assert main(["-train", str(corpus_file[0]), "-output", str(path), "-binary", "1", *TINY]) == 0
    return path


# ---------------------------------------------------------------- parsing


def test_cbow_learning_rate_rule():
    assert parse_train_args(["-train", "f"]).alpha == 0.05  # -cbow 1 is the default
    assert parse_train_args(["-train", "f", "-cbow", "1"]).alpha == 0.05
    assert parse_train_args(["-train", "f", "-cbow", "0"]).alpha == 0.025
    assert parse_train_args(["-train", "f", "-cbow", "1", "-alpha", "0.01"]).alpha == 0.01
    assert parse_train_args(["-alpha", "0.3", "-cbow", "0", "-train", "f"]).alpha == 0.3


def test_c_tool_defaults_and_mapping():
    args = parse_train_args(["-train", "f"])
    assert (args.size, args.window, args.sample, args.negative, args.iter, args.min_count) == (
        100, 5, 1e-3, 5, 5, 5
    )
    assert (args.hs, args.binary, args.cbow, args.classes) == (0, 0, 1, 0)
    assert args.threads == available_cpus()
    assert args.min_alpha == pytest.approx(0.05 * 1e-4)
    assert args.debug == 0  # stderr is not a terminal under pytest
    model = estimator_from_args(parse_train_args(["-train", "f", "-cbow", "0", "-size", "7",
                                                  "-iter", "2", "-threads", "3", "--seed", "4",
                                                  "-debug", "2"]))
    p = model.get_params()
    assert (p["sg"], p["vector_size"], p["epochs"], p["n_jobs"], p["random_state"],
            p["verbose"]) == (1, 7, 2, 3, 4, 1)
    assert p["alpha"] == 0.025 and p["min_alpha"] == pytest.approx(0.025e-4)


def test_double_dash_spellings_and_processes_alias():
    one = parse_train_args(["-train", "f", "-min-count", "2", "-threads", "3", "-save-vocab", "v"])
    two = parse_train_args(["--train", "f", "--min-count", "2", "--processes", "3",
                            "--save-vocab", "v"])
    assert vars(one) == vars(two)
    assert (one.min_count, one.threads, one.save_vocab) == (2, 3, "v")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["-train", "f", "-hs", "1"], "hierarchical softmax is not offered"),
        (["-train", "f", "-bogus", "1"], "unrecognized arguments: -bogus"),
        (["-train", "f", "-siz", "10"], "unrecognized arguments: -siz"),  # no abbreviations
        (["-train", "f", "-size", "0"], "-size/--size: expected a positive integer, got '0'"),
        (["-train", "f", "-size", "ten"], "expected a positive integer, got 'ten'"),
        (["-train", "f", "-cbow", "2"], "-cbow/--cbow: expected 0 or 1"),
        (["-train", "f", "-binary", "yes"], "expected 0 or 1"),
        (["-train", "f", "-sample", "-1"], "expected a finite number >= 0, got '-1'"),
        (["-train", "f", "-negative", "0"], "expected a positive integer"),
        (["-train", "f", "-alpha", "nan"], "finite number"),
        (["-train", "f", "-alpha", "0.01", "--min-alpha", "0.1"], "must not exceed -alpha"),
        (["-train", "f", "-ns-exponent", "11"], "expected a finite number in [-10, 10]"),
        (["-train", "f", "-cbow-schedule", "cosine"],
         "-cbow-schedule/--cbow-schedule: expected 'stepped' or 'linear', got 'cosine'"),
        (["-train", "f", "--backend", "torch", "--device", "cpu", "-cbow", "0", "-sg-rule",
          "hogbatch"], "torch backend does not implement sg_rule='hogbatch'"),
        (["-output", "x"], "-train FILE is required"),
        (["-train", "f", "--temp-folder", "/no/such/folder"], "is not an existing folder"),
        (["-train"], "expected one argument"),
        (["neighbours", "v.bin", "--top", "3"], "unrecognized arguments: --top"),
    ],
)
def test_bad_flags(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "usage: sklearn-w2v" in err


def test_no_arguments_prints_help(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "word2vec C tool flags" in out and "extras:" in out and "-min-count N" in out


def test_help_is_grouped_and_shows_defaults(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for text in ("(default 100;", "0.05 for CBOW", "--processes N", "the C tool's default is 12",
                 "--backend", "--device", "--seed", "-min-alpha", "-ns-exponent",
                 "-cbow-schedule {stepped,linear}", "evaluate"):
        assert text in out, text
    for sub in ("evaluate", "neighbours"):
        assert main([sub, "--help"]) == 0
    assert "VECTORS" in capsys.readouterr().out


@pytest.mark.parametrize("flag", HELP_FLAGS)
@pytest.mark.parametrize("command", [[], ["train"], ["evaluate"], ["neighbours"], ["neighbors"],
                                     ["phrases"], ["bench"], ["distributed"]])
def test_every_spelling_of_help_prints_the_help_and_exits_0(command, flag, capsys):
    # -help first of all: the C tool's users spell every flag with one dash.
    if command == ["distributed"] and not torch_installed():
        pytest.skip("distributed training needs torch (without it: tests/test_cli_without_torch)")
    assert main([*command, flag]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("usage:") and "-help" in captured.out
    assert captured.err == ""


@pytest.mark.parametrize("flag", HELP_FLAGS)
@pytest.mark.parametrize("module", ["sklearn_w2v.demo", "sklearn_w2v.bench"])
def test_the_other_command_lines_take_every_spelling_of_help(module, flag, capsys):
    with pytest.raises(SystemExit) as exit_:
        importlib.import_module(module).main([flag])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: python -m {module}")


# ---------------------------------------------------------------- training


def test_train_text_output_and_progress(corpus_file, tmp_path, capsys):
    out = tmp_path / "vec.txt"
    assert main(["-train", str(corpus_file[0]), "-output", str(out), *TINY, "-debug", "2"]) == 0
    err = capsys.readouterr().err
    assert "Vocab size: 15" in err and "Words in train file: 1200" in err
    assert "Progress: 100.00%  Words/thread/sec: " in err  # the C tool's progress line
    assert "\r" not in err and not err.startswith("sklearn-w2v: ")  # no bar, no summary line
    kv = KeyedVectors.load_word2vec_format(str(out), binary=False)
    assert len(kv) == 15 and kv.vector_size == 8


def test_one_summary_line_by_default_off_a_terminal(corpus_file, tmp_path, capsys):
    out = tmp_path / "v"
    assert main(["-train", str(corpus_file[0]), "-output", str(out), *TINY]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("sklearn-w2v: 1,200 words, vocabulary 15, ")
    assert " words/s (numba); wrote " in err and err.endswith(f"wrote {out}\n")
    assert main(["-train", str(corpus_file[0]), "-save-vocab", str(tmp_path / "voc"), *TINY]) == 0
    assert capsys.readouterr().err == (f"sklearn-w2v: vocabulary 15 from 1,200 words; "
                                       f"wrote {tmp_path / 'voc'}\n")


def test_debug_0_is_silent(corpus_file, tmp_path, capsys):
    argv = ["-train", str(corpus_file[0]), "-output", str(tmp_path / "v"), *TINY, "-debug", "0"]
    assert main(argv) == 0
    assert capsys.readouterr().err == ""


def test_a_bar_on_a_terminal(corpus_file, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(type(sys.stderr), "isatty", lambda self: True)
    assert main(["-train", str(corpus_file[0]), "-output", str(tmp_path / "v"), *TINY]) == 0
    err = capsys.readouterr().err
    assert "\rW2V numba: 100%|" in err and "Alpha:" not in err  # -debug 2 by default there
    assert "Vocab size: 15" in err and not err.startswith("sklearn-w2v: ")

def test_temp_folder_trains_out_of_core_with_the_same_result(corpus_file, tmp_path):
    folder = tmp_path / "scratch"
    folder.mkdir()
    argv = ["-train", str(corpus_file[0]), *TINY, "-threads", "1", "--seed", "3"]
    assert estimator_from_args(parse_train_args([*argv, "--temp-folder", str(folder)])
                               ).temp_folder == str(folder)
    assert main([*argv, "-output", str(tmp_path / "a.txt")]) == 0
    assert main([*argv, "-output", str(tmp_path / "b.txt"), "--temp-folder", str(folder)]) == 0
    assert (tmp_path / "a.txt").read_bytes() == (tmp_path / "b.txt").read_bytes()
    assert list(folder.iterdir()) == []  # the private folder is gone


def test_classes_output(corpus_file, tmp_path):
    out = tmp_path / "classes.txt"
    assert main(["-train", str(corpus_file[0]), "-output", str(out), "-classes", "3", *TINY]) == 0
    lines = [line.split() for line in out.read_text().splitlines()]
    vocab = {w for d in corpus_file[1] for w in d}
    assert len(lines) == len(vocab) and {w for w, _ in lines} == vocab
    assert all(len(line) == 2 and 0 <= int(line[1]) < 3 for line in lines)
    assert {int(c) for _, c in lines} == {0, 1, 2}


def test_too_many_classes(corpus_file, tmp_path, capsys):
    argv = ["-train", str(corpus_file[0]), "-output", str(tmp_path / "c"), "-classes", "99", *TINY]
    assert main(argv) == 1
    assert "-classes 99 exceeds the 15 words" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()


def test_vocabulary_only_run(corpus_file, tmp_path, capsys):
    vocab = tmp_path / "vocab.txt"
    argv = ["-train", str(corpus_file[0]), "-save-vocab", str(vocab), "-min-count", "82",
            "-debug", "1"]
    assert main(argv) == 0
    counts = Counter(w for d in corpus_file[1] for w in d)
    expected = sorted(((w, c) for w, c in counts.items() if c >= 82), key=lambda wc: -wc[1])
    assert list(read_vocabulary(vocab).items())[:1] == expected[:1]
    assert read_vocabulary(vocab) == dict(expected)
    assert f"Vocab size: {len(expected)}" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vocab.txt"]  # no vectors


def test_read_vocab_without_output_filters_and_skips_eos(corpus_file, tmp_path):
    c_vocab = tmp_path / "c.txt"
    c_vocab.write_text("</s> 150\nb 3\na 7\nc 1\n")
    argv = ["-train", str(corpus_file[0]), "-read-vocab", str(c_vocab), "-min-count", "2",
            "-save-vocab", str(tmp_path / "out.txt")]
    assert main(argv) == 0
    assert (tmp_path / "out.txt").read_text() == "a 7\nb 3\n"


def test_save_vocab_read_vocab_round_trip(corpus_file, tmp_path):
    train = str(corpus_file[0])
    assert main(["-train", train, "-output", str(tmp_path / "a.txt"), "-save-vocab",
                 str(tmp_path / "v.txt"), *TINY]) == 0
    saved = read_vocabulary(tmp_path / "v.txt")
    assert saved == dict(Counter(w for d in corpus_file[1] for w in d))
    # The C tool's vocabulary files start with </s>; it is skipped.
    (tmp_path / "c.txt").write_text("</s> 150\n" + (tmp_path / "v.txt").read_text())
    assert main(["-train", train, "-output", str(tmp_path / "b.txt"), "-read-vocab",
                 str(tmp_path / "c.txt"), "-save-vocab", str(tmp_path / "w.txt"), *TINY]) == 0
    # Same words and counts (the order of tied counts is W2V's business).
    assert read_vocabulary(tmp_path / "w.txt") == saved
    assert sorted(read_vectors(tmp_path / "b.txt").index_to_key) == sorted(saved)
    # -min-count still applies to a read vocabulary.
    assert main(["-train", train, "-output", str(tmp_path / "c.bin"), "-read-vocab",
                 str(tmp_path / "c.txt"), *TINY[:-4], "-min-count", "81", "--seed", "0"]) == 0
    assert set(read_vectors(tmp_path / "c.bin").index_to_key) == {
        w for w, c in saved.items() if c >= 81
    }


def test_errors_before_training(corpus_file, tmp_path, capsys):
    assert main(["-train", str(tmp_path / "missing.txt"), "-output", str(tmp_path / "v")]) == 1
    assert "Corpus file not found" in capsys.readouterr().err
    assert main(["-train", str(corpus_file[0]), "-output", str(tmp_path / "no" / "v")]) == 1
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "bad_vocab.txt").write_text("a 1\na 2\n")
    argv = ["-train", str(corpus_file[0]), "-read-vocab", str(tmp_path / "bad_vocab.txt")]
    assert main(argv) == 1
    assert "line 2: duplicate word 'a'" in capsys.readouterr().err


def test_device_reaches_the_estimator_and_is_checked(corpus_file, tmp_path, capsys):
    args = parse_train_args(["-train", str(corpus_file[0]), "--backend", "torch",
                             "--device", "cpu"])
    assert estimator_from_args(args).get_params()["device"] == "cpu"
    # the numba backend runs on the CPU only: a clear error, no traceback
    assert main(["-train", str(corpus_file[0]), "-output", str(tmp_path / "v.bin"),
                 "--device", "cuda"]) == 1
    assert "device='cuda' needs backend='torch'" in capsys.readouterr().err


@pytest.mark.slow
def test_end_to_end_subprocess(corpus_file, tmp_path):
    out = tmp_path / "vec.bin"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([REPO, os.environ.get("PYTHONPATH", "")]))
    argv = [sys.executable, "-m", "sklearn_w2v", "-train", str(corpus_file[0]), "-output", str(out),
            "-binary", "1", "-size", "16", "-min-count", "1", "-iter", "2", "-threads", "1"]
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith("sklearn-w2v: 1,200 words")  # not a terminal: one line
    assert proc.stderr.count("\n") == 1
    kv = KeyedVectors.load_word2vec_format(str(out), binary=True)
    assert len(kv) == 15 and kv.vector_size == 16 and np.isfinite(kv.vectors).all()


# ---------------------------------------------------------------- sub-commands


def test_neighbours(vectors_file, capsys):
    assert main(["neighbours", str(vectors_file), "g0w0", "g1w2", "-n", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "g0w0" and lines[4] == "g1w2" and len(lines) == 8
    assert all(line.startswith("  g") and len(line.split()) == 2 for line in lines[1:4])


def test_neighbours_unknown_word_and_stdin(vectors_file, capsys, monkeypatch):
    assert main(["neighbors", str(vectors_file), "nope", "--topn", "2"]) == 1
    assert "not in the vocabulary: nope" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO("g0w0 g0w1\n\ng2w0\n"))
    assert main(["neighbours", str(vectors_file), "-n", "1"]) == 0
    assert capsys.readouterr().out.splitlines()[::2] == ["g0w0 g0w1", "g2w0"]


def test_neighbours_suggests_the_lower_cased_word(vectors_file, capsys):
    assert main(["neighbours", str(vectors_file), "G0W0", "g1w0", "Nope"]) == 1
    first, second = capsys.readouterr().err.splitlines()
    assert first == ("sklearn-w2v: not in the vocabulary: G0W0; did you mean 'G0W0' -> 'g0w0' "
                     "(the vocabulary is case-sensitive)?")
    assert second == "sklearn-w2v: not in the vocabulary: Nope"  # 'nope' is not known either


def test_evaluate_custom_files(vectors_file, tmp_path, capsys):
    (tmp_path / "an.txt").write_text(": planted\ng0w0 g0w1 g1w0 g1w1\ng0w2 g0w3 g2w0 g2w1\n")
    (tmp_path / "pairs.tsv").write_text("g0w0\tg0w1\t9\ng0w0\tg1w1\t1\ng1w0\tg1w2\t8\n"
                                        "g2w0\tzz\t3\n")
    argv = ["evaluate", str(vectors_file), "--analogies", str(tmp_path / "an.txt"),
            "--pairs", str(tmp_path / "pairs.tsv"), "--json"]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["words"] == 15
    assert result["results"]["an.txt"]["questions"] == 2
    assert 0 <= result["results"]["an.txt"]["accuracy"] <= 1
    assert result["results"]["pairs.tsv"]["oov_percent"] == 25.0


def test_evaluate_default_files(vectors_file, capsys):
    assert main(["evaluate", str(vectors_file), "--binary", "1"]) == 0
    out = capsys.readouterr().out
    for name in ("questions-words.txt", "wordsim353.tsv", "simlex999.txt"):
        assert name in out
    assert "100.0% pairs skipped" in out  # planted words are in no test set


def test_evaluate_bad_vectors_file(tmp_path, capsys):
    (tmp_path / "v.txt").write_text("2 3\na 1 2 3\n")
    assert main(["evaluate", str(tmp_path / "v.txt")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("sklearn-w2v: error: ") and "v.txt" in err and "line 1" in err


def test_text_and_binary_outputs_agree(vectors_file, tmp_path):
    kv = read_vectors(vectors_file, binary=True)
    write_vectors(tmp_path / "v.txt", kv.index_to_key, kv.vectors)
    assert main(["neighbours", str(tmp_path / "v.txt"), "g0w0"]) == 0


def test_bench_is_forwarded(capsys):
    # The real bench command line: its trainer list, and its own error for a flag it lacks.
    assert main(["bench", "--list"]) == 0
    listed = capsys.readouterr().out
    assert "numba" in listed and "gensim-file" in listed
    assert main(["bench", "--no-such-flag"]) == 2
    assert "--no-such-flag" in capsys.readouterr().err


def test_progress_by_default_on_a_terminal(monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    args = parse_train_args(["-train", "f"])
    assert args.debug == 2 and estimator_from_args(args).verbose == 1
    assert parse_train_args(["-train", "f", "-debug", "0"]).debug == 0


def test_init_vectors_and_freeze_init(corpus_file, vectors_file, tmp_path, capsys):
    start = read_vectors(vectors_file)
    out = tmp_path / "tuned.txt"
    # -size defaults to the vectors' width (8); the pretrained rows stay as they were.
    argv = ["-train", str(corpus_file[0]), "-output", str(out), "-iter", "1", "-threads", "1",
            "-min-count", "1", "-init-vectors", str(vectors_file), "-freeze-init"]
    assert main(argv) == 0
    tuned = read_vectors(out)
    assert tuned[start.index_to_key].tobytes() == start.vectors.tobytes()
    args = parse_train_args(argv)
    model = estimator_from_args(args)
    assert model.init_vectors == str(vectors_file) and model.freeze_init and args.size == 8
    assert main([*argv[:-1], "-iter", "0", "-output", str(tmp_path / "same.bin")]) == 0
    assert read_vectors(tmp_path / "same.bin").vectors.tobytes() == start.vectors.tobytes()


@pytest.mark.parametrize("extra, message", [
    (["-iter", "0"], "-iter 0 trains nothing"),
    (["-freeze-init"], "-freeze-init needs -init-vectors"),
    (["-init-vectors", "no-such.bin"], "-init-vectors no-such.bin"),
    (["-init-vectors", "VEC", "-size", "9"], "-size 9 differs from the 8 dimensions"),
    (["-init-vectors", "VEC", "-read-vocab", "v.txt"], "cannot be combined"),
])
def test_init_vectors_flags_refused(corpus_file, vectors_file, tmp_path, capsys, extra, message):
    extra = [str(vectors_file) if x == "VEC" else x for x in extra]
    argv = ["-train", str(corpus_file[0]), "-output", str(tmp_path / "v"), *extra]
    assert main(argv) == 2
    assert message in capsys.readouterr().err
