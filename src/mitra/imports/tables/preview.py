"""Preview: the detected columns and the first rows as the mapping parses them, for the web UI
before anything is written."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mitra.partnerships.models import DevelopmentSector, PartnershipForm, Role, Stage

from ..report import ImportReport
from .mapping import TableMapping
from .planning import Planner
from .reading import Table, read_table

# --------------------------------------------------------------------------------------------
# Preview (the web UI shows the first rows as parsed before anything is written)


def _label(choices: Any, value: Any) -> str:
    """The translated label of a choice value (the value itself when it is not one)."""
    return str(dict(choices.choices).get(value, value or ""))


def preview_table(
    path: str | Path, *, fmt: str, mapping: TableMapping, limit: int = 10
) -> dict[str, Any]:
    """The detected columns and the first ``limit`` partnerships as the mapping parses them."""
    path = Path(path)
    report = ImportReport(format=fmt, source=mapping.name, dry_run=True)
    table = read_table(path, fmt, report)
    result: dict[str, Any] = {"columns": table.header, "rows": []}
    if any(table.header.count(c) != 1 for c in mapping.columns()):
        return result
    head = Table(table.header, table.rows[: limit * 20], table.first_row)
    planner = Planner(mapping, head, report)
    planner.build(None, 1)
    for want in list(planner.partnerships.values())[:limit]:
        f = want.fields
        result["rows"].append(
            {
                "row": want.row,
                "source_id": want.source_id,
                "title": f["title_ind"],
                "form": _label(PartnershipForm, f["form"]),
                "development_sector": _label(DevelopmentSector, f["development_sector"]),
                "country": f["country"],
                "province": f["province"],
                "stage": _label(Stage, f["stage"]),
                "start_date": f["start_date"].isoformat() if f["start_date"] else "",
                "estimated_value": f["estimated_value"],
                "currency": f["currency"],
                "value_note": (
                    ""
                    if f["estimated_value"] is not None
                    else (f["other_data"].get("not_published", {}).get("estimated_value") or "")
                ),
                "members": [
                    f"{planner.orgs[k].name} ({', '.join(_label(Role, r) for r in m.roles)}"
                    + (f", {m.equity_share}%" if m.equity_share is not None else "")
                    + ")"
                    for k, m in want.members.items()
                ],
            }
        )
    return result


def detect_columns(path: str | Path, *, fmt: str) -> list[str]:
    return read_table(Path(path), fmt).header


def iter_rows(table: Table) -> Iterable[dict[str, str]]:
    for row in table.rows:
        yield dict(zip(table.header, row, strict=False))
