"""Every code block of the README and the documentation runs, and prints what the page shows.

Each Markdown page is read as a list of fenced blocks, and every block must be accounted for:

* ```` ```python ```` blocks run, in order, each page in a namespace and a temporary folder of
  its own (so a block may use what an earlier block of its page defined, and the files blocks
  write land there). A ```` ```text ```` block right after one is its printed output, compared
  exactly; so is a ``print(...)  # output`` comment (the printed text, then nothing or ``:``,
  ``;`` or ``,`` and words about it).
* ```` ```bash ```` blocks: each command a user types runs (``sklearn-w2v ...`` in this
  process, other commands in ``bash``) unless :data:`NOT_RUN` says why not (an install, a GPU,
  minutes of training on the shared corpus). A ```` ```text ```` block right after is their
  output, compared in form (:func:`form`): words and numbers stand for any.
* ```` ```{code-block} python ```` blocks are shown, not run; :data:`NOT_RUN` says why.
* Any other ```` ```text ```` block is the output of a command the prose names
  (:data:`PRODUCED_BY`, compared in form) or is listed in :data:`NOT_COMPARED` with the reason.

Where a page's examples start from something the reader has (``texts`` and ``labels``, a
corpus file, a fitted ``model``), :data:`STAND_INS` provides a small one.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import io
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import tokenize

import joblib
import pytest
from gensim.test.utils import datapath

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGES = sorted(["README.md", *(str(p.relative_to(ROOT)) for p in (ROOT / "docs").rglob("*.md")
                               if "_build" not in p.parts)])


@dataclasses.dataclass(frozen=True)
class Block:
    page: str
    line: int  # of the opening fence, 1-based
    info: str  # what follows the opening fence: "python", "bash", "text", "{code-block} python"
    text: str
    after: Block | None  # the block right before, when only blank lines separate the two

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def blocks(page: str) -> list[Block]:
    """The fenced blocks of a Markdown page, in order."""
    lines = (ROOT / page).read_text(encoding="utf-8").splitlines()
    out: list[Block] = []
    k, last_end = 0, None
    while k < len(lines):
        if not lines[k].startswith("```"):
            k += 1
            continue
        start = k
        info = lines[k][3:].strip()
        k += 1
        while lines[k] != "```":
            k += 1
        previous = out[-1] if out and all(not t.strip() for t in lines[last_end + 1:start]) \
            else None
        out.append(Block(page, start + 1, info, "\n".join(lines[start + 1:k]) + "\n", previous))
        last_end = k
        k += 1
    return out


def commands(block: Block) -> list[str]:
    """The command lines of a bash block: continuations joined, comment lines dropped."""
    joined = block.text.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines()
            if line.strip() and not line.strip().startswith("#")]


# ----------------------------------------------------------------- what is not run, and why

#: Code not run here: (page, a regular expression matching the command line or the block's
#: first line) -> why. Every entry must match something (a stale entry fails).
NOT_RUN = {
    ("*", r"^pip install "): "installs packages into the environment; .ci/run runs the README's "
                             "install and test commands in a fresh virtual environment",
    ("*", r"^torchrun "): "launches several processes under torchrun; tests/test_distributed.py "
                          "launches such runs on CPU",
    ("*", r"\.\./shared/data/en-mix"): "minutes of training on the shared en-mix corpus "
                                       "(7.2M tokens); the figures beside it are what it printed",
    ("docs/user_guide/figures.md", r"^python examples/plot_benchmark\.py sg1\.json"):
        "plots the JSON files of the benchmark runs above it (not run); the command below it "
        "runs on the files the repository keeps",
    ("docs/user_guide/reliability_measurements.md", r"^python examples/out_of_core_memory\.py"):
        "writes and trains on a 100 MB corpus, measuring memory (minutes)",
    ("docs/user_guide/usage.md", r"^from sklearn_w2v\.callbacks import"):
        "needs your corpus and evaluation files (the page says so); sklearn_w2v.callbacks' "
        "docstring has a callback example that runs",
    ("docs/user_guide/distributed.md", r"^import torch\.distributed"):
        "runs on every rank of a torchrun launch; tests/distributed_rank.py does this on CPU",
}

#: ```text blocks that are not the output of the block before them: (page, the start of the
#: block's first line) -> what checks them, or why nothing does.
NOT_COMPARED = {
    ("docs/user_guide/progress.md", "W2V numba:  59%"):
        "a snapshot of a terminal's bar in the middle of a run; the bar at its end is compared "
        "(the block after the next Python block)",
    ("docs/user_guide/architecture.md", "sklearn_w2v/"):
        "test_the_architecture_tree_names_every_package_and_top_level_module",
}

#: ```text blocks that show the output of the run block before them, with prose between the
#: two, on a corpus of the reader's: (page, the start of the block's first line) -> what the
#: prose says. Compared in form, any word standing for any word.
AFTER_PROSE = {
    ("docs/user_guide/command_line.md", "king"):
        "what neighbours printed on en-mix; here its form, on the stand-in corpus",
}

#: ```text blocks that show what a command named in the prose printed: (page, the start of the
#: block's first line) -> the sklearn-w2v arguments that print it here (on the page's stand-in
#: corpus, stderr not a terminal).
PRODUCED_BY = {
    ("docs/user_guide/progress.md", "Alpha: "):
        ["-train", "text.txt", "-output", "v.bin", "-iter", "8", "-threads", "2", "-debug", "2"],
    ("docs/user_guide/progress.md", "sklearn-w2v: "):
        ["-train", "text.txt", "-output", "vectors.bin"],
}


def matches(block: Block, entry: tuple[str, str], command: str | None = None) -> bool:
    page, pattern = entry
    line = command if command is not None else block.text.splitlines()[0]
    return page in ("*", block.page) and re.search(pattern, line) is not None


def not_run(block: Block, command: str | None = None) -> str | None:
    """Why this block (or command of it) is not run; None when it runs."""
    for entry, why in NOT_RUN.items():
        if matches(block, entry, command):
            return why
    return None


def listed(table: dict, block: Block):
    first = block.text.splitlines()[0]
    for (page, start), value in table.items():
        if page == block.page and first.startswith(start):
            return value
    return None


# ----------------------------------------------------------------- what pages start from

TEXTS = ["a great and moving film", "dull , slow and far too long",
         "wonderful acting and a great story", "boring plot and terrible acting"] * 10
LABELS = [1, 0, 1, 0] * 10


def _corpus_file(name: str) -> None:
    """A small lower-cased, tokenized corpus (gensim's news stories)."""
    with open(datapath("lee_background.cor"), encoding="utf-8") as f:
        pathlib.Path(name).write_text(f.read().lower(), encoding="utf-8")


def _raw_text(name: str) -> None:
    """Raw text with capitals and punctuation, where king, queen and paris each occur 5+ times
    once normalised (gensim's text8 head, then its news stories).
    """
    with open(datapath("head500.noblanks.cor"), encoding="utf-8") as a, \
            open(datapath("lee_background.cor"), encoding="utf-8") as b:
        pathlib.Path(name).write_text(a.read() + "\n" + b.read(), encoding="utf-8")


def _labelled_texts(namespace: dict, folder: pathlib.Path) -> None:
    namespace.update(texts=list(TEXTS), labels=list(LABELS))


def _pretrained_page(namespace: dict, folder: pathlib.Path) -> None:
    from sklearn_w2v import W2V

    _labelled_texts(namespace, folder)
    W2V(vector_size=300, min_count=1, random_state=0).fit(TEXTS).wv_.save_word2vec_format(
        "vectors.bin", binary=True)


def _safe_loading_page(namespace: dict, folder: pathlib.Path) -> None:
    """texts and labels; model.skops, a model whose tokenizer is mypackage.text.tokenize."""
    from sklearn_w2v import W2V
    from sklearn_w2v.persistence import save

    _labelled_texts(namespace, folder)
    package = folder / "mypackage"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "text.py").write_text("def tokenize(text):\n    return text.split()\n")
    sys.path.insert(0, str(folder))
    from mypackage.text import tokenize

    save(W2V(min_count=1, tokenizer=tokenize).fit(TEXTS), "model.skops")
    namespace["tokenize"] = tokenize


def _reliability_page(namespace: dict, folder: pathlib.Path) -> None:
    from sklearn_w2v import W2V

    namespace["model"] = W2V(min_count=1, random_state=0).fit(TEXTS)


#: What a page's examples take as given -> a function that provides a small stand-in (names in
#: the page's namespace, files in its folder).
STAND_INS = {
    "docs/user_guide/pretrained.md": _pretrained_page,  # texts, labels, vectors.bin (300-d)
    "docs/user_guide/safe_loading.md": _safe_loading_page,
    "docs/user_guide/reliability.md": _reliability_page,  # model
    "docs/user_guide/progress.md": lambda ns, folder: _corpus_file("text.txt"),
    "docs/user_guide/phrases.md": lambda ns, folder: _corpus_file("text.txt"),
    "docs/user_guide/command_line.md": lambda ns, folder: _raw_text("raw.txt"),
}

#: Pages whose blocks take seconds; they run with the slow tests.
SLOW_PAGES = {"docs/user_guide/command_line.md", "docs/user_guide/figures.md"}


# ----------------------------------------------------------------- comparing outputs

_NUMBER = r"[-+]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?[kMG]?"
_BAR = "[█▏▎▍▌▋▊▉]+ *"  # a tqdm bar's blocks, and the spaces of what is left


def form(expected_line: str, any_word: bool = False) -> re.Pattern:
    """A line's form: its numbers and a progress bar's blocks stand for any, and its words too
    when ``any_word`` (output of another corpus)."""
    pattern = []
    for piece in re.split(rf"({_NUMBER}|[^\W\d]\w*|{_BAR}(?=\|))", expected_line):
        if not piece:
            continue
        if re.fullmatch(_NUMBER, piece):
            pattern.append(_NUMBER)
        elif any_word and re.fullmatch(r"[^\W\d]\w*", piece):
            pattern.append(r"[^\W\d]\w*")
        elif re.fullmatch(_BAR, piece):
            pattern.append(r"[^|]*")
        else:
            pattern.append(re.escape(piece))
    return re.compile("".join(pattern))


def assert_same_form(expected: str, output: str, where: str, any_word: bool = False) -> None:
    """Every line the page shows has the form of some line of ``output`` (whose lines may
    include others: redraws of a bar, progress lines)."""
    lines = [s.rstrip() for s in re.split(r"[\r\n]+", output) if s.strip()]
    for line in expected.splitlines():
        pattern = form(line, any_word)
        assert any(pattern.fullmatch(out) for out in lines), (
            f"{where}: nothing printed has the form of {line!r}; printed:\n" + "\n".join(lines))


def print_comments(source: str) -> dict[int, str]:
    """Line number -> the comment on that line."""
    out = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            out[token.start[0]] = token.string[1:].strip()
    return out


def is_print(node: ast.stmt) -> bool:
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name) and node.value.func.id == "print")


class Terminal(io.StringIO):
    """stderr as a terminal: progress draws its bar."""

    def isatty(self) -> bool:
        return True


def run_python(block: Block, namespace: dict, terminal: bool) -> str:
    """Run a block statement by statement; check its ``print(...)  # output`` comments; return
    what it printed (stdout, then stderr)."""
    tree = ast.parse(block.text)
    comments = print_comments(block.text)
    out, err = io.StringIO(), Terminal() if terminal else io.StringIO()
    for node in tree.body:
        code = compile(ast.Module([node], []), f"{block.where} (line {node.lineno})", "exec")
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(err):
            exec(code, namespace)
        out.write(printed.getvalue())
        claim = comments.get(node.end_lineno)
        if is_print(node) and claim is not None:
            shown = printed.getvalue().rstrip("\n")
            rest = claim[len(shown):] if claim.startswith(shown) else None
            assert rest is not None and (not rest or rest[0] in ":;, "), (
                f"{block.where}, line {node.lineno}: printed {shown!r}, the comment says "
                f"{claim!r}")
    return out.getvalue() + err.getvalue()


def run_command(command: str, folder: pathlib.Path, block: Block) -> str:
    """Run a command line as a user would, in ``folder``; return what it printed."""
    argv = shlex.split(command, comments=True)
    if argv[0] == "sklearn-w2v":
        from sklearn_w2v.cli import main

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(argv[1:])
        assert status == 0, f"{block.where}: {command!r} exited {status}: {err.getvalue()}"
        return out.getvalue() + err.getvalue()
    if argv[0] == "python":  # this interpreter, whatever "python" is on the PATH
        if argv[1].startswith("examples/") and not (folder / "examples").exists():
            (folder / "examples").symlink_to(ROOT / "examples")  # the repository's paths
        for source in re.findall(r"\S+\.json", command):  # files of the repository it reads
            (folder / source).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / source, folder / source)
        command = shlex.join([sys.executable, *argv[1:]])
    proc = subprocess.run(["bash", "-c", command], cwd=folder, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, f"{block.where}: {command!r} failed: {proc.stderr}"
    return proc.stdout + proc.stderr


# ----------------------------------------------------------------- the tests


def page_params():
    return [pytest.param(page, marks=[pytest.mark.slow] if page in SLOW_PAGES else [])
            for page in PAGES if any(b.info in ("python", "bash") for b in blocks(page))]


@pytest.mark.parametrize("page", page_params())
def test_the_code_of_the_page_runs_and_prints_what_it_shows(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))  # a stand-in may add its folder
    namespace = {"__name__": "__docs__"}
    if page in STAND_INS:
        STAND_INS[page](namespace, tmp_path)
    outputs: dict[Block, str] = {}
    last_run = None
    terminal = {b.after for b in blocks(page)
                if b.info == "text" and b.after is not None and "%|" in b.text}
    # Parallel grid searches in threads: the blocks' claims hold for both joblib backends,
    # and starting worker processes (each importing numba) would take most of the time.
    with joblib.parallel_config(backend="threading"):
        for block in blocks(page):
            if block.info == "python" and not_run(block) is None:
                outputs[block] = run_python(block, namespace, terminal=block in terminal)
                last_run = block
            elif block.info == "bash":
                printed = [run_command(c, tmp_path, block) for c in commands(block)
                           if not_run(block, c) is None]
                if printed:
                    outputs[block] = "".join(printed)
                    last_run = block
            elif block.info == "text" and listed(AFTER_PROSE, block) is not None:
                assert_same_form(block.text, outputs[last_run], block.where, any_word=True)
            elif block.info == "text" and block.after in outputs:
                if block.after.info == "python" and block.after not in terminal:
                    assert outputs[block.after] == block.text, (
                        f"{block.where}: the block before printed\n{outputs[block.after]}")
                else:
                    assert_same_form(block.text, outputs[block.after], block.where)
            elif block.info == "text" and listed(PRODUCED_BY, block) is not None:
                from sklearn_w2v.cli import main

                err = io.StringIO()
                with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                    assert main(listed(PRODUCED_BY, block)) == 0
                assert_same_form(block.text, err.getvalue(), block.where)
            elif block.info == "text":
                assert listed(NOT_COMPARED, block), f"{block.where}: nothing here printed it"


@pytest.mark.parametrize("page", PAGES)
def test_every_block_is_run_or_says_why_not(page):
    for block in blocks(page):
        if block.info in ("python", "{toctree}"):
            continue
        if block.info == "{code-block} python":
            assert not_run(block), f"{block.where}: a Python block shown, not run, without a " \
                                   "reason in NOT_RUN (or make it ```python)"
        elif block.info == "bash":
            for command in commands(block):
                runs = not_run(block, command) is None
                assert not runs or command.split()[0] in ("sklearn-w2v", "python", "tr"), (
                    f"{block.where}: {command!r}: not a command this test knows how to run; "
                    "list it in NOT_RUN with the reason")
        elif block.info == "text":
            shown_after_a_run = block.after is not None and block.after.info in (
                "python", "bash") and not (not_run(block.after) and block.after.info == "python")
            assert shown_after_a_run or any(listed(table, block) for table in (
                NOT_COMPARED, PRODUCED_BY, AFTER_PROSE)), (
                f"{block.where}: a text block that is no run's output; list it in AFTER_PROSE, "
                "PRODUCED_BY or NOT_COMPARED")
        else:
            pytest.fail(f"{block.where}: a block of kind {block.info!r}: give it a language "
                        "(python, bash, text) or mark shown-only Python as {code-block} python")


def test_every_reason_is_used():
    everything = [b for page in PAGES for b in blocks(page)]
    for entry in NOT_RUN:
        used = any(matches(b, entry) for b in everything if b.info != "bash") or any(
            matches(b, entry, c) for b in everything if b.info == "bash" for c in commands(b))
        assert used, f"NOT_RUN entry {entry} matches nothing"
    for table in (NOT_COMPARED, PRODUCED_BY, AFTER_PROSE):
        for page, start in table:
            assert any(b.page == page and b.info == "text" and b.text.startswith(start)
                       for b in everything), f"{(page, start)} matches no text block"
    assert set(STAND_INS) <= set(PAGES) and SLOW_PAGES <= set(PAGES)


def test_the_architecture_tree_names_every_package_and_top_level_module():
    tree = next(b for b in blocks("docs/user_guide/architecture.md") if b.info == "text").text
    named = set(re.findall(r"^ {2,4}(\w+(?:\.py)?)/?\s", tree, flags=re.M))
    package = ROOT / "sklearn_w2v"
    expected = {p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    expected |= {p.name for p in package.glob("*.py") if not p.name.startswith("_")}
    expected |= {p.name for p in (package / "backends").iterdir()
                 if p.is_dir() and (p / "__init__.py").exists()}
    assert named == expected, (expected - named, named - expected)


def test_the_form_of_a_line():
    assert form("  queen\t0.7055", any_word=True).fullmatch("  prince\t0.6861")
    assert not form("  queen\t0.7055").fullmatch("  prince\t0.6861")
    assert not form("  queen\t0.7055", any_word=True).fullmatch("queen 0.7055")
    assert not form("  queen 0.7055", any_word=True).fullmatch("  queen\t0.7055")
    assert not form("Words/thread/sec: 1k").fullmatch("Words/thread/s: 1k")
    bar = "W2V numba: 100%|█████| 3.80M/3.80M [00:11<00:00, 319k words/s, alpha=0.000100]"
    assert form(bar).fullmatch("W2V numba: 100%|██████████| 12.3k/12.3k [00:00<00:00, "
                               "1.2M words/s, alpha=0.000100]")
    assert not form(bar).fullmatch("W2V numba: 100%| 12.3k [00:00<00:00, 1.2M words/s]")


def test_the_reading_of_a_page(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    (tmp_path / "p.md").write_text("# t\n\n```python\nprint(1)\n```\n\n```text\n1\n```\n"
                                   "words\n```text\n2\n```\n")
    first, second, third = blocks("p.md")
    assert (first.info, first.text, first.line) == ("python", "print(1)\n", 3)
    assert second.after is first and third.after is None


def test_the_distributed_snippet_is_marked_as_not_runnable():
    page = "docs/user_guide/distributed.md"
    assert not any("fit_distributed" in b.text for b in blocks(page) if b.info == "python")
    assert "not runnable on its own" in (ROOT / page).read_text()

