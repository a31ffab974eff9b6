"""Shared plumbing of the ``mitra`` sub-commands of the computation core (private).

``mitra simulate``, ``finance``, ``vfm``, ``share`` and ``align`` (the ``cli`` module
of the ``risk``, ``finance``, ``appraisal``, ``sharing`` and ``alignment``
subpackages) parse their arguments without letting argparse exit, report an
unreadable or invalid spec as ``PROG: LABEL: N problems found`` and one
``path: what is wrong`` line per problem on stderr (exit 2), and print a table or
JSON to stdout or ``--out``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from mitra.analysis._i18n import _, gettext_noop, ngettext, num
from mitra.analysis._spec import SpecIssue

#: Words translated inside f-strings below, marked here for the catalogue (xgettext does
#: not read f-strings).
_MARKED = (gettext_noop("interrupted"),)

__all__ = [
    "add_output_options",
    "emit",
    "fail",
    "heading",
    "interrupted",
    "parse",
    "positive_int",
    "problems",
    "seed",
    "unit_label",
    "whole",
]


# --------------------------------------------------------------------------- argument types


def whole(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number >= ``minimum`` (``_`` and ``,`` as separators)."""

    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", "").replace(",", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(
                _("must be a whole number, got %(text)s") % {"text": repr(text)}
            ) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(
                _("must be >= %(minimum)s, got %(value)s") % {"minimum": minimum, "value": value}
            )
        return value

    return parse


#: An argparse type: a whole number >= 1 (iterations, workers).
positive_int = whole(1)


def seed(text: str) -> int:
    """An argparse type: a root seed, a whole number >= 0 (no separators)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("must be a whole number, got %(text)s") % {"text": repr(text)}
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(
            _("must be >= %(minimum)s, got %(value)s") % {"minimum": 0, "value": value}
        )
    return value


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """``--format table|json`` and ``--out/-o FILE``."""
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help=_("output format")
    )
    parser.add_argument("--out", "-o", metavar="FILE", help=_("write the output to FILE"))


def parse(parser: argparse.ArgumentParser, args: Sequence[str]) -> argparse.Namespace | int:
    """The parsed options, or the exit code once argparse has printed its message."""
    try:
        return parser.parse_args(args)
    except SystemExit as exc:  # argparse has printed its message (usage errors exit 2)
        return exc.code if isinstance(exc.code, int) else 2


# --------------------------------------------------------------------------- reporting


def heading(text: str, width: int, align: str = ">") -> str:
    """A column heading padded to ``width``; one that does not fit (a translation may be longer)
    keeps a space from its neighbour instead of running into it."""
    if len(text) < width:
        return f"{text:{align}{width}}"
    return " " + text if align == ">" else text + " "


def fail(lines: list[str], code: int = 2) -> int:
    """Print ``lines`` on stderr; return ``code``."""
    for line in lines:
        print(line, file=sys.stderr)
    return code


def problems(prog: str, label: str, issues: Sequence[SpecIssue]) -> list[str]:
    """``PROG: LABEL: N problems found`` and one line per issue."""
    n = len(issues)
    found = ngettext("%(n)d problem found", "%(n)d problems found", n) % {"n": n}
    head = f"{prog}: {label}: {found}"
    return [head, *(str(issue) for issue in issues)]


def interrupted(prog: str) -> int:
    """Report a Ctrl-C on stderr; return 130."""
    print(f"\n{prog}: {_('interrupted')}", file=sys.stderr)
    return 130


def unit_label(currency: str, unit: float) -> str:
    """``EUR million`` for a currency and an amount_unit (``EUR x 250`` when unnamed)."""
    if unit == 1.0:
        return currency
    names = {1e3: _("thousand"), 1e6: _("million"), 1e9: _("billion"), 1e12: _("trillion")}
    if unit in names:
        return f"{currency} {names[unit]}"
    return f"{currency} x {num(unit, ',g')}"


def emit(
    options: argparse.Namespace,
    data: Callable[[], Mapping[str, Any]],
    table: Callable[[], str],
    *,
    ensure_ascii: bool = True,
) -> int:
    """Write ``data()`` as JSON or ``table()`` (per ``--format``) to ``--out`` or stdout.

    Returns 0, or 2 (with a message on stderr) when ``--out`` cannot be written.
    """
    if options.format == "json":
        text = json.dumps(data(), indent=2, allow_nan=False, ensure_ascii=ensure_ascii) + "\n"
    else:
        text = table()
    if options.out:
        try:
            with open(options.out, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            message = _("cannot write the output (%(error)s)") % {"error": exc.strerror}
            return fail([f"{options.out}: {message}"])
    else:
        sys.stdout.write(text)
    return 0
