"""LineCorpus: documents read from text files, decoded and split like bytes.split."""

import gzip
import threading

import pytest

from sklearn_w2v import W2V, LineCorpus
from sklearn_w2v.estimator import STAGE_NAMES
from sklearn_w2v.text import map_blocks

from helpers import AWKWARD, awkward_file_set, write


@pytest.fixture
def awkward_files(tmp_path):
    return awkward_file_set(tmp_path)


def test_iteration_decodes_and_splits_like_bytes_split(tmp_path):
    corpus = LineCorpus(write(tmp_path / "a.txt", AWKWARD))
    docs = list(corpus)
    assert len(docs) == 6
    assert docs[0] == ["the", "cat", "sat", "on", "the", "mat"]
    assert docs[1] == ["\ufffd", "dog", "\ufffd", "the", "a\ufffd"]
    assert docs[2] == docs[3] == []
    assert docs[5] == ["mat", "\ufffd", "sat", "a\ufffd", "dog"]


@pytest.mark.parametrize("block_size", [1, 7, 64, 1 << 20])
def test_blocks_hold_whole_lines_and_cut_long_ones_between_tokens(awkward_files, block_size):
    corpus = LineCorpus(awkward_files)
    blocks = list(corpus.iter_blocks(block_size))
    expected = b""
    for path in awkward_files:
        with (gzip.open if path.suffix == ".gz" else open)(path, "rb") as f:
            data = f.read()
        expected += data + (b"\n" if data and not data.endswith(b"\n") else b"")
    assert b"".join(blocks) == expected
    for block in blocks:
        # a whole-lines block ends its last line; a long line is cut after a blank
        assert block.endswith(b"\n") or block[-1:].isspace()
        # bounded: at most a block of reads plus the line cut before it
        assert len(block) <= 2 * block_size + 1 or len(block.split()) <= 1  # or one long token
    if block_size == 64:  # the 25,001-token line of b.txt.gz comes in pieces
        assert max(map(len, blocks)) <= 2 * 64 + 1


def test_a_long_line_is_iterated_in_pieces(tmp_path):
    tokens = [f"w{k % 7}" for k in range(25_003)]
    path = write(tmp_path / "long.txt", b"a b\n" + " ".join(tokens).encode() + b"\n\nc")
    for block_size in (50, 1 << 20):
        corpus = LineCorpus(path)
        corpus_blocks = list(corpus.iter_blocks(block_size))
        assert (len(corpus_blocks) > 1000) == (block_size == 50)
    docs = list(LineCorpus(path))
    assert [len(d) for d in docs] == [2, 10_000, 10_000, 5_003, 0, 1]
    assert sum(docs[1:4], []) == tokens
    # A line longer than a block (1 MiB): the blocks cut it, the pieces stay the same.
    tokens = [f"w{k % 100_000:05d}" for k in range(200_007)]  # 1.4 MB
    docs = list(LineCorpus(write(tmp_path / "longer.txt", " ".join(tokens).encode() + b"\n")))
    assert [len(d) for d in docs] == [10_000] * 20 + [7]
    assert sum(docs, []) == tokens


def test_bad_block_size_and_missing_files(tmp_path):
    with pytest.raises(ValueError, match="block_size"):
        next(LineCorpus(write(tmp_path / "a.txt", b"a\n")).iter_blocks(0))
    with pytest.raises(FileNotFoundError):
        LineCorpus(tmp_path / "nope.txt")
    with pytest.raises(ValueError):
        LineCorpus([])


def test_fit_on_files(tmp_path, awkward_files):
    with pytest.raises(ValueError, match="no documents"):
        W2V().fit(LineCorpus(write(tmp_path / "e.txt", b"")))
    with pytest.raises(ValueError, match="min_count=5"):
        W2V().fit(LineCorpus(write(tmp_path / "r.txt", b"a b\nc\n")))
    model = W2V(vector_size=4, min_count=2, epochs=1, n_jobs=1, random_state=0)
    model.fit(LineCorpus(awkward_files))
    assert model.training_stats_["n_documents"] == 15
    assert "\ufffd" in model.wv_ and model.wv_.get_vecattr("\ufffd", "count") == 9


@pytest.mark.parametrize("n_threads", [1, 2, 3])
def test_map_blocks_gives_every_block_in_order(awkward_files, n_threads):
    corpus = LineCorpus(awkward_files)
    blocks = list(corpus.iter_blocks(50))
    out = list(map_blocks(corpus, lambda k, block: (k, len(block)), n_threads, 50))
    assert [b for b, _ in out] == blocks
    assert [r for _, r in out] == [(k, len(b)) for k, b in enumerate(blocks)]


def test_map_blocks_runs_the_blocks_at_once_and_passes_errors_on(awkward_files):
    corpus = LineCorpus(awkward_files)
    meet = threading.Barrier(2, timeout=10)  # broken unless two blocks are in work together

    def work(k, block):
        if k < 2:
            meet.wait()
        return threading.get_ident()

    idents = {r for _, r in map_blocks(corpus, work, 2, 50)}
    assert len(idents) == 2

    def fail(k, block):
        if k == 3:
            raise OSError("disk gone")
        return k

    with pytest.raises(OSError, match="disk gone"):
        list(map_blocks(corpus, fail, 2, 50))
    with pytest.raises(ValueError, match="n_threads"):
        next(map_blocks(corpus, fail, 0))


def test_fit_on_files_reports_stage_times_and_reads_alike_with_threads(awkward_files):
    models = [W2V(vector_size=4, min_count=2, epochs=1, n_jobs=n, random_state=0)
              .fit(LineCorpus(awkward_files)) for n in (1, 2)]
    assert models[0].wv_.index_to_key == models[1].wv_.index_to_key
    for model in models:
        stats = model.training_stats_
        stages = stats["stage_seconds"]
        assert tuple(stages) == STAGE_NAMES
        assert stages["copies"] is None and stats["kernel_seconds"] is None  # no device
        ran = {k: v for k, v in stages.items() if v is not None}
        assert set(ran) == set(STAGE_NAMES) - {"copies"} and all(s > 0 for s in ran.values())
        # The trainer's call is the tables and the training; every stage lies in the fit.
        assert stages["train"] + stages["tables"] >= stats["seconds"]
        assert stats["unaccounted_seconds"] == pytest.approx(
            stats["fit_seconds"] - sum(ran.values()), abs=1e-9)
        assert 0 <= stats["unaccounted_seconds"] < 1e-3  # the stages tile the fit
