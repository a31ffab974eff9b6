"""What an import found and did: the report every importer returns, and its refusal."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mitra.core.errors import ApplicationError

#: How an import treats rows with errors: refuse the whole file (the default), or import the
#: valid rows and list the rejected ones with their reasons (table imports).
ALL_OR_NOTHING = "all_or_nothing"
VALID_ROWS = "valid_rows"
MODES = {
    ALL_OR_NOTHING: gettext_lazy("All or nothing: any error refuses the whole file"),
    VALID_ROWS: gettext_lazy("Import the valid rows; list the rejected ones with their reasons"),
}


@dataclass(frozen=True)
class ImportIssue:
    """One problem: where (a JSON path such as ``$.releases[3].parties[0].id``, or a table cell
    such as ``row 12, column proyek_nilai_capex``), the value found, and what is wrong (translated)."""

    where: str
    message: str
    value: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"where": self.where, "value": self.value, "message": self.message}


@dataclass(frozen=True)
class RejectedRow:
    """A row a partial import left out, and why (one entry per problem of the row)."""

    row: int
    source_id: str
    where: str
    message: str
    value: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "id": self.source_id,
            "where": self.where,
            "value": self.value,
            "message": self.message,
        }


@dataclass
class ImportReport:
    """Counts by entity ("partnership", "organisation", "member", "document", ...) and issues.

    ``errors`` refuse the whole import; ``warnings`` are deviations the importer normalised
    (each one listed, none silently)."""

    format: str
    source: str
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    warnings: list[ImportIssue] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    rows: int = 0
    dry_run: bool = False
    mode: str = ALL_OR_NOTHING
    #: Rows left out by a partial import (mode VALID_ROWS), each with its reason.
    rejected: list[RejectedRow] = field(default_factory=list)

    @property
    def rejected_rows(self) -> int:
        return len({r.row for r in self.rejected})

    @property
    def ok(self) -> bool:
        return not self.errors

    def warn(self, where: str, message: str, value: Any = "") -> None:
        self.warnings.append(ImportIssue(where, str(message), _short(value)))

    def error(self, where: str, message: str, value: Any = "") -> None:
        self.errors.append(ImportIssue(where, str(message), _short(value)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "source": self.source,
            "dry_run": self.dry_run,
            "mode": self.mode,
            "rows": self.rows,
            "rejected_rows": self.rejected_rows,
            "created": dict(self.created),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
            "warnings": [w.to_dict() for w in self.warnings],
            "errors": [e.to_dict() for e in self.errors],
            "rejected": [r.to_dict() for r in self.rejected],
        }


def _short(value: Any, limit: int = 200) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ImportRefused(ApplicationError):
    """The input has errors: nothing was written. ``report`` lists every error."""

    status = 422

    def __init__(self, report: ImportReport) -> None:
        super().__init__(
            _("The import was refused: %(n)d error(s); nothing was saved.")
            % {"n": len(report.errors)},
            {"report": report.to_dict()},
        )
        self.report = report


def entity_count(entity: str, n: int) -> str:
    """``3 partnerships`` / ``3 kemitraan``: a report count in the reader's language."""
    from django.utils.translation import ngettext

    phrases = {
        "partnership": ngettext("%(n)d partnership", "%(n)d partnerships", n),
        "organisation": ngettext("%(n)d organisation", "%(n)d organisations", n),
        "member": ngettext("%(n)d partner", "%(n)d partners", n),
        "document": ngettext("%(n)d document", "%(n)d documents", n),
        "review": ngettext("%(n)d match to review", "%(n)d matches to review", n),
    }
    return phrases.get(entity, f"%(n)d {entity}") % {"n": n}


def counts_text(counts: Any) -> str:
    """Every non-zero count of a report's counter, joined: ``6 partnerships, 3 organisations``."""
    parts = [entity_count(k, n) for k, n in sorted(dict(counts or {}).items()) if n]
    return ", ".join(parts) or "0"
