"""What every sub-command's parser shares: the program name, its errors, argument types,
formatting.
"""

from __future__ import annotations

import argparse
import os
import textwrap

import numpy as np

from ..training import TrainingParameter

PROG = "sklearn-w2v"
USAGE = f"""\
{PROG} [train] -train FILE [-output FILE] [options]
       {PROG} evaluate VECTORS [options]
       {PROG} neighbours VECTORS [WORD ...] [-n N]
       {PROG} phrases -train FILE -output FILE [options]
       {PROG} bench [bench options]
       {PROG} distributed [options]  (under torchrun)"""


class CommandError(Exception):
    """A problem the user can fix; printed without a traceback, exit status 1."""


def int_at_least(minimum: int, what: str):
    """An argparse type: an integer >= ``minimum``, described as ``what`` in errors."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected {what}, got {value}")
        return value

    return parse


positive_int = int_at_least(1, "a positive integer")
nonnegative_int = int_at_least(0, "an integer >= 0")


def nonnegative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (np.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {text!r}")
    return value


def positive_float(text: str) -> float:
    value = nonnegative_float(text)
    if value == 0:
        raise argparse.ArgumentTypeError("expected a number > 0, got 0")
    return value


def existing_folder(text: str) -> str:
    """An argparse type: the name of an existing folder (checked before any work starts)."""
    if not os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not an existing folder")
    return text


def flag01(text: str) -> int:
    if text not in ("0", "1"):
        raise argparse.ArgumentTypeError(f"expected 0 or 1, got {text!r}")
    return int(text)


def binary_choice(text: str) -> bool | None:
    if text == "auto":
        return None
    return bool(flag01(text))


#: The spellings of the help flag: argparse's two, and ``-help``, as a user of the C tool's
#: one-dash flags types it (plain argparse reads ``-help`` as ``-h`` given the value ``elp``).
HELP_FLAGS = ("-h", "-help", "--help")


class HelpParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose help flag is also spelled ``-help`` (:data:`HELP_FLAGS`).

    The parser of every command line of the package (the ``sklearn-w2v`` sub-commands, the
    benchmark, the demo, distributed training), so that each prints its help and exits 0
    however the help is asked for.
    """

    def __init__(self, *args, add_help: bool = True, **kwargs):
        super().__init__(*args, add_help=False, **kwargs)
        if add_help:
            self.add_argument(*HELP_FLAGS, action="help", default=argparse.SUPPRESS,
                              help="show this help message and exit")


class Parser(HelpParser):
    """No abbreviated flags: ``-siz`` must not pass for ``-size``.

    ``allow_abbrev=False`` does not cover one-dash long flags on every Python
    version, so only the split of a one-letter flag from its glued value
    (``-n3``) is kept from argparse's prefix matching.
    """

    def _get_option_tuples(self, option_string):
        return [t for t in super()._get_option_tuples(option_string) if len(t[1]) == 2]


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Lists each C-tool flag once, in its one-dash spelling."""

    def _format_action_invocation(self, action):
        shown = [
            s for s in action.option_strings
            if not (s.startswith("--") and s[1:] in action.option_strings)
        ]
        if len(shown) == len(action.option_strings):
            return super()._format_action_invocation(action)
        copy = argparse.Action(shown, action.dest, nargs=action.nargs, metavar=action.metavar,
                               choices=action.choices)
        return super()._format_action_invocation(copy)


def wrap(text: str) -> str:
    """Paragraphs filled to 79 columns (help texts)."""
    return "\n\n".join(textwrap.fill(p, 79, break_on_hyphens=False) for p in text.split("\n\n"))


def spellings(name: str) -> list[str]:
    """The C tool's one-dash spelling and the two-dash one."""
    return [f"-{name}", f"--{name}"]


def declared_type(parameter: TrainingParameter):
    """An argparse type: a value of the declared training ``parameter`` (its kind, range and
    choices), an error saying what was expected otherwise.
    """

    def parse(text: str):
        try:
            return parameter.parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = parameter.name
    return parse


_METAVARS = {int: "N", float: "X", bool: "0|1"}
_DECLARED = object()


def add_declared(group, parameter: TrainingParameter, *flags: str, default=_DECLARED,
                 default_text: str | None = None, dest: str | None = None,
                 note: str = "") -> None:
    """Add the flag of a declared training parameter to ``group``: its type, choices and
    help come from the declaration.

    ``flags`` default to the parameter's name with dashes, spelled with one
    dash or two (``-sg-rule``, ``--sg-rule``); ``default`` (by default the
    declared one) and ``default_text`` (what the help says of it) are the command's
    own where it differs, as the C tool's defaults do (None: resolved after
    parsing); ``note`` follows the declared description in the help.
    """
    flags = flags or tuple(spellings(parameter.name.replace("_", "-")))
    value = parameter.kind(parameter.default) if default is _DECLARED else default
    if default_text is None:
        default_text = str(int(value) if parameter.kind is bool else value)
    group.add_argument(
        *flags, type=declared_type(parameter), default=value,
        dest=dest or parameter.name,
        choices=parameter.choices or None,
        metavar=None if parameter.choices else _METAVARS[parameter.kind],
        help=f"{parameter.doc}{note} (default {default_text})")


def add_vectors_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("vectors", metavar="VECTORS",
                        help="word2vec vectors file (text or binary, .gz ok)")
    parser.add_argument("--binary", type=binary_choice, default=None, metavar="auto|0|1",
                        help="layout of VECTORS (default auto: detected from the first row)")
