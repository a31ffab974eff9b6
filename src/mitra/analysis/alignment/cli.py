"""``mitra align``: goal alignment of partners' objectives on the command line (no Django).

Usage::

    mitra align OBJECTIVES.json [--format table|json] [--out FILE]

Reports the weighted conflict matrix between partners, per lever whether the
acceptable ranges intersect (and the gap where they do not), and the maximin
compromise (see :mod:`mitra.analysis.alignment` and ``docs/alignment.md``).

Exit codes: 0 success, including a spec whose ranges do not intersect (the
report says so and shows the relaxed compromise); 2 unreadable or invalid
spec, bad arguments or an unwritable ``--out`` (one ``path: what is wrong``
line per problem on stderr, never a traceback).
"""

from __future__ import annotations

import argparse

from mitra.analysis._cli import add_output_options, emit, fail, heading, parse, problems
from mitra.analysis._i18n import _, gettext_noop, ngettext, num
from mitra.analysis._spec import SpecError
from mitra.analysis.alignment.compromise import AlignmentResult, Compromise, align

#: Words translated inside f-strings below, marked here for the catalogue (xgettext does
#: not read f-strings).
_MARKED = (
    gettext_noop("lever"),
    gettext_noop("value"),
    gettext_noop("satisfaction"),
)

__all__ = ["build_parser", "format_table", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``mitra align``."""
    parser = argparse.ArgumentParser(
        prog="mitra align",
        description=(
            "Goal alignment of an objectives spec (alignment.schema.json): weighted conflict "
            "matrix, intersection of acceptable ranges per lever, maximin compromise."
        ),
    )
    parser.add_argument(
        "spec", metavar="OBJECTIVES.json", help="path to the alignment (objectives) spec"
    )
    add_output_options(parser)
    return parser


def _num(value: float) -> str:
    text = num(value, ",.6g")
    return "0" if text == "-0" else text


def _compromise_lines(result: AlignmentResult, c: Compromise) -> list[str]:
    spec = result.spec
    lines = ["", c.label[0].upper() + c.label[1:]]
    width = max(len(j) for j in spec.lever_ids) + 2
    lines.append(f"  {heading(_('lever'), width, '<')}{heading(_('value'), 14)}  {_('unit')}")
    for lever in spec.levers:
        lines.append(f"  {lever.id:<{width}}{_num(c.point[lever.id]):>14}  {lever.unit}")
        if c.relaxations and lever.id in c.relaxations:
            moved = ", ".join(
                _("%(partner)s by %(amount)s") % {"partner": p, "amount": _num(d)}
                for p, d in c.relaxations[lever.id].items()
            )
            outside = _("outside the range of: %(moved)s") % {"moved": moved}
            lines.append(f"  {'':<{width}}{'':>14}  {outside}")
    pwidth = max(len(p) for p in spec.partner_ids) + 2
    lines.append(f"  {heading(_('partner'), pwidth, '<')}{heading(_('satisfaction'), 13)}")
    binding = _("(binding)")
    for pid, s in c.satisfaction.items():
        mark = f"  {binding}" if pid in c.binding else ""
        lines.append(f"  {pid:<{pwidth}}{num(s, '.4f'):>13}{mark}")
    lines.append(
        "  "
        + _("minimum satisfaction %(min)s; binding: %(partners)s")
        % {"min": num(c.min_satisfaction, ".4f"), "partners": ", ".join(c.binding)}
    )
    return lines


def format_table(result: AlignmentResult) -> str:
    """Plain-text report of an alignment result for a terminal (levers in their own units)."""
    spec = result.spec
    verdict = _("yes") if result.feasible else _("NO")
    partners = ngettext("%(n)s partner", "%(n)s partners", len(spec.partners)) % {
        "n": len(spec.partners)
    }
    levers = ngettext("%(n)s lever", "%(n)s levers", len(spec.levers)) % {"n": len(spec.levers)}
    lines = [
        spec.name,
        f"{partners}, {levers}; "
        + _("acceptable ranges intersect on every lever: %(verdict)s") % {"verdict": verdict},
        "",
        _("Acceptable ranges by lever"),
    ]
    width = max(len(j) for j in spec.lever_ids) + 2
    for lever, r in zip(spec.levers, result.ranges, strict=True):
        bounds = f"[{_num(lever.min)}, {_num(lever.max)}] {lever.unit}".rstrip()
        if r.intersection is not None:
            lo, hi = r.intersection
            status = _("intersection [%(lo)s, %(hi)s]") % {"lo": _num(lo), "hi": _num(hi)}
        else:
            assert r.tightest_pair is not None
            above, below = r.tightest_pair
            rlo, rhi = r.relaxed_interval
            if rlo == rhi:
                where = _("at %(value)s") % {"value": _num(rlo)}
            else:
                where = _("on [%(lo)s, %(hi)s]") % {"lo": _num(rlo), "hi": _num(rhi)}
            status = _(
                "NO INTERSECTION: gap %(gap)s (%(above)s's lower end is above %(below)s's "
                "upper end); minimal total relaxation %(relaxation)s %(where)s"
            ) % {
                "gap": _num(r.gap),
                "above": above,
                "below": below,
                "relaxation": _num(r.relaxation),
                "where": where,
            }
        lines.append(f"  {lever.id:<{width}}{bounds}: {status}")
    ids = spec.partner_ids
    pwidth = max(max(len(p) for p in ids) + 2, 9)
    lines += [
        "",
        _("Conflict matrix: C_ab = sum over levers pulled in opposite directions of w_a * w_b"),
        " " * (pwidth + 2) + "".join(f"{p:>{pwidth}}" for p in ids),
    ]
    for i, pid in enumerate(ids):
        cells = "".join(
            f"{num(result.conflicts.total[i, k], '.3f'):>{pwidth}}" for k in range(len(ids))
        )
        lines.append(f"  {pid:<{pwidth}}{cells}")
    pairs = result.conflicts.pairs()
    if pairs:
        lines += ["", _("Opposed pairs (largest first)")]
        for pair in pairs:
            a, b = pair["partners"]
            weights = ", ".join(f"{j} {num(w, '.3f')}" for j, w in pair["levers"].items())
            versus = _("%(a)s vs %(b)s") % {"a": a, "b": b}
            lines.append(f"  {versus}: {num(pair['weight'], '.3f')} ({weights})")
    else:
        lines += ["", _("No pair of partners pulls a lever in opposite directions.")]
    if result.compromise is not None:
        lines += _compromise_lines(result, result.compromise)
    else:
        lines += [
            "",
            _("No compromise satisfies every partner's acceptable ranges (see the gaps above)."),
        ]
        if result.relaxed_compromise is not None:
            lines += _compromise_lines(result, result.relaxed_compromise)
            lines.append(
                "  "
                + _("(scores outside a partner's range are extended linearly and can be negative)")
            )
    return "\n".join(lines) + "\n"


def main(args: list[str]) -> int:
    """Run ``mitra align`` with the arguments after ``align``; return the exit code."""
    options = parse(build_parser(), args)
    if isinstance(options, int):
        return options
    try:
        result = align(options.spec)
    except SpecError as exc:
        return fail(problems("mitra align", options.spec, exc.issues))
    return emit(options, result.to_dict, lambda: format_table(result), ensure_ascii=False)
