"""Segments of line files and byte-range shards: every line read exactly once, in order."""

import gzip
import io
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sklearn_w2v._files as files  # patched below to count the bytes read
from sklearn_w2v import W2V, LineCorpus, Segment, shard_files
from sklearn_w2v.corpus import encode_line_corpus

# Pieces of random files: empty lines, \r\n, invalid UTF-8, and a line longer
# than the small block sizes used below.
PIECES = [b"a", b"bb", b" ", b"\t", b"\n", b"\n", b"\r\n", b"\xff", b"\xc3\xa9", b"x" * 40]
FILE_DATA = st.lists(st.sampled_from(PIECES), max_size=40).map(b"".join)
PROPERTY = settings(max_examples=80, deadline=None, derandomize=True)


def write(path, data: bytes):
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)
    return path


def lines_with_starts(data: bytes) -> list[tuple[int, bytes]]:
    """Reference: each line (with its newline) and the offset of its first byte."""
    out, pos = [], 0
    while pos < len(data):
        end = data.find(b"\n", pos)
        end = len(data) if end < 0 else end + 1
        out.append((pos, data[pos:end]))
        pos = end
    return out


def tokens(line: bytes) -> list[str]:
    return [t.decode("utf-8", "replace") for t in line.split()]


def cut_points(data: bytes):
    """Cuts anywhere, and especially at 0, the end, past it, on and after each newline."""
    special = {0, len(data), len(data) + 1}
    for i, byte in enumerate(data):
        if byte == ord("\n"):
            special |= {i, i + 1}
    return st.one_of(st.sampled_from(sorted(special)), st.integers(0, len(data) + 1))


@PROPERTY
@given(data=FILE_DATA, draw=st.data(), block_size=st.integers(1, 16))
def test_segments_hold_the_lines_beginning_in_their_range(tmp_path_factory, data, draw,
                                                          block_size):
    path = write(tmp_path_factory.mktemp("s") / "f.txt", data)
    cuts = sorted(draw.draw(st.lists(cut_points(data), max_size=5)))
    ranges = list(zip([0, *cuts], [*cuts, None]))
    reference = lines_with_starts(data)
    longest = max((len(line) for _, line in reference), default=0)
    read = []
    for start, stop in ranges:
        expected = [line for pos, line in reference
                    if start <= pos and (stop is None or pos < stop)]
        corpus = LineCorpus(Segment(path, start, stop))
        assert list(corpus) == [tokens(line) for line in expected]
        blocks = list(corpus.iter_blocks(block_size))
        # whole lines, or a line longer than a block cut after a blank
        assert all(b.endswith(b"\n") or b[-1:].isspace() for b in blocks)
        assert all(len(b) <= block_size + longest for b in blocks)
        text = b"".join(expected)
        assert b"".join(blocks) == text + (b"" if text.endswith(b"\n") or not text else b"\n")
        read += expected
    assert read == [line for _, line in reference]  # the segments partition the file


@PROPERTY
@given(
    files=st.lists(st.tuples(FILE_DATA, st.booleans()), min_size=1, max_size=3),
    n_shards=st.integers(1, 5),
    block_size=st.integers(1, 16),
)
def test_shards_read_in_order_give_the_whole_corpus(tmp_path_factory, files, n_shards,
                                                    block_size):
    folder = tmp_path_factory.mktemp("c")
    paths = [write(folder / f"{i}.txt{'.gz' if gz else ''}", data)
             for i, (data, gz) in enumerate(files)]
    whole = LineCorpus(paths)
    shards = shard_files(paths, n_shards)
    assert len(shards) == n_shards
    docs, blocks = [], []
    for shard in shards:
        assert all(isinstance(s, Segment) for s in shard)
        assert all(s.whole_file for s in shard if s.path.endswith(".gz"))
        for segment in shard:  # no segment without lines: an empty shard is []
            assert next(iter(LineCorpus(segment)), None) is not None
        if shard:
            docs += list(LineCorpus(shard))
            blocks += list(LineCorpus(shard).iter_blocks(block_size))
    assert docs == list(whole)
    assert b"".join(blocks) == b"".join(whole.iter_blocks(block_size))
    if not any(gz for _, gz in files):  # cuts move at most one line from the ideal
        sizes = [sum((s.stop if s.stop is not None else os.path.getsize(s.path)) - s.start
                     for s in shard) for shard in shards]
        longest = max(len(line) for data, _ in files for _, line in lines_with_starts(data)
                      ) if any(data for data, _ in files) else 0
        ideal = sum(sizes) / n_shards
        assert all(abs(size - ideal) <= longest + 1 for size in sizes)


def test_cuts_balance_bytes_and_fall_on_line_starts(tmp_path):
    data = b"".join(b"w%d " % i * (1 + i % 7) + b"\n" for i in range(2000))
    path = write(tmp_path / "big.txt", data)
    starts = {pos for pos, _ in lines_with_starts(data)}
    shards = shard_files([path], 4)
    assert [len(shard) for shard in shards] == [1, 1, 1, 1]
    segments = [shard[0] for shard in shards]
    assert segments[0].start == 0 and segments[-1].stop is None
    for a, b in zip(segments, segments[1:]):
        assert a.stop == b.start and b.start in starts
    sizes = [(s.stop or len(data)) - s.start for s in segments]
    assert max(sizes) - min(sizes) < 2 * 40  # lines are < 40 bytes


def test_gz_files_go_whole_to_the_shard_of_their_middle(tmp_path):
    plain = write(tmp_path / "a.txt", b"p q\n" * 500)  # 2000 bytes
    packed = write(tmp_path / "b.txt.gz", os.urandom(3000).hex().encode() + b"\n")
    size = os.path.getsize(packed)
    # Two shards: the .gz file's middle lies after the halfway byte when it outweighs a.txt.
    shards = shard_files([plain, packed], 2)
    assert shards[1] == [Segment(str(packed))]
    assert all(s.path == str(plain) for s in shards[0])
    assert size > 2000
    # A single .gz file and two ranks: one shard is empty.
    assert shard_files([packed], 2) == [[], [Segment(str(packed))]]
    assert shard_files(packed, 1) == [[Segment(str(packed))]]


def test_empty_shards_and_empty_files(tmp_path):
    tiny = write(tmp_path / "tiny.txt", b"a\nb")
    empty = write(tmp_path / "e.txt", b"")
    empty_gz = write(tmp_path / "e.txt.gz", b"")
    shards = shard_files([empty, tiny], 5)  # cuts at bytes 0, 1, 1, 2 of tiny.txt
    assert shards == [[], [Segment(str(tiny), 0, 2)], [], [], [Segment(str(tiny), 2)]]
    assert [doc for shard in shards if shard for doc in LineCorpus(shard)] == [["a"], ["b"]]
    assert shard_files([empty, empty_gz], 3) == [[], [], []]


def test_validation(tmp_path):
    path = write(tmp_path / "a.txt", b"a\n")
    gz = write(tmp_path / "a.txt.gz", b"a\n")
    for bad, match in [(dict(start=-1), "start"), (dict(start=3, stop=2), "stop")]:
        with pytest.raises(ValueError, match=match):
            Segment(str(path), **bad)
    with pytest.raises(TypeError, match="start"):
        Segment(str(path), 1.5)
    with pytest.raises(TypeError, match="path"):
        Segment(3)
    for start, stop in [(1, None), (0, 10), (0, 0)]:
        with pytest.raises(ValueError, match="gzip"):
            Segment(gz, start, stop)
    Segment(gz)  # the whole file is fine
    with pytest.raises(FileNotFoundError):
        LineCorpus(Segment(tmp_path / "nope.txt", 0, 4))
    for n in (0, -2):
        with pytest.raises(ValueError, match="n_shards"):
            shard_files([path], n)
    with pytest.raises(TypeError, match="n_shards"):
        shard_files([path], 2.0)
    with pytest.raises(ValueError, match="at least one file"):
        shard_files([], 2)
    with pytest.raises(FileNotFoundError, match="nope"):
        shard_files([path, tmp_path / "nope.txt"], 2)


def test_corpus_attributes_and_repr(tmp_path):
    a = write(tmp_path / "a.txt", b"a b\nc\n")
    b = write(tmp_path / "b.txt.gz", b"d\n")
    corpus = LineCorpus([a, Segment(a, 2), b])
    assert corpus.paths == [str(a), str(a), str(b)]
    assert corpus.segments == [Segment(str(a)), Segment(str(a), 2, None), Segment(str(b))]
    assert repr(corpus) == f"LineCorpus([{str(a)!r}, {Segment(str(a), 2)!r}, {str(b)!r}])"
    assert list(corpus) == [["a", "b"], ["c"], ["c"], ["d"]]
    assert list(LineCorpus(Segment(a, 4, 100))) == [["c"]]  # stop past the end is the end
    assert list(LineCorpus(Segment(a, 50))) == [] and list(LineCorpus(Segment(a, 1, 1))) == []
    assert repr(LineCorpus(a)) == f"LineCorpus([{str(a)!r}])"


class CountingFileIO(io.FileIO):
    n_read = 0

    def readinto(self, buffer):
        n = super().readinto(buffer)
        CountingFileIO.n_read += n or 0
        return n


def test_segments_seek_instead_of_reading_from_the_start(tmp_path, monkeypatch):
    path = write(tmp_path / "big.txt", b"some words on a line\n" * 50_000)  # 1.05 MB
    monkeypatch.setattr(files, "open",
                        lambda p, mode: io.BufferedReader(CountingFileIO(p, "r")), raising=False)
    segment = Segment(path, 1_000_003, 1_010_000)
    n_blocks = sum(b.count(b"\n") for b in LineCorpus(segment).iter_blocks(4096))
    assert n_blocks == 476 and CountingFileIO.n_read < 30_000
    CountingFileIO.n_read = 0
    assert sum(1 for _ in LineCorpus(segment)) == 476 and CountingFileIO.n_read < 30_000


def test_fit_on_a_segment(tmp_path):
    path = write(tmp_path / "a.txt", b"the cat sat\n" * 50 + b"a dog ran\n" * 50)
    model = W2V(min_count=1, n_jobs=1, random_state=0, vector_size=8, epochs=1)
    model.fit(LineCorpus(Segment(path, 12 * 49 - 5)))  # a cut inside a line skips it
    assert sorted(model.wv_.index_to_key) == ["a", "cat", "dog", "ran", "sat", "the"]
    assert model.training_stats_["n_documents"] == 51
    model.fit(LineCorpus(Segment(path, 12 * 50)))  # cut right after a newline
    assert sorted(model.wv_.index_to_key) == ["a", "dog", "ran"]
    assert model.training_stats_["n_documents"] == 50


@pytest.mark.parametrize("block_size", [3, 64, 1 << 20])
def test_two_pass_encoding_over_shards_equals_whole_files(tmp_path, block_size):
    long_line = b" ".join([b"x", b"y\xff"] * 3000) + b"\n"
    paths = [
        write(tmp_path / "a.txt", b"the cat\r\nsat on\n\nthe mat\n" * 40 + long_line + b"end"),
        write(tmp_path / "b.txt.gz", b"dog \xc3\xa9 cat\n" * 30),
        write(tmp_path / "c.txt", long_line + b"the dog the\n" * 25),
    ]
    whole = encode_line_corpus(LineCorpus(paths), min_count=1, block_size=block_size)
    for n_shards in (1, 2, 5):
        segments = [s for shard in shard_files(paths, n_shards) for s in shard]
        sharded = encode_line_corpus(LineCorpus(segments), min_count=1, block_size=block_size)
        assert sharded.vocabulary.words == whole.vocabulary.words
        assert sharded.vocabulary.counts.tolist() == whole.vocabulary.counts.tolist()
        assert sharded.corpus.ids.tolist() == whole.corpus.ids.tolist()
        assert sharded.corpus.offsets.tolist() == whole.corpus.offsets.tolist()
        assert (sharded.n_raw_words, sharded.n_documents) == (whole.n_raw_words, whole.n_documents)

