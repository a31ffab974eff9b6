"""CSV/XLSX table imports through a column mapping (docs/imports.md, "Table imports").

A mapping (a JSON document, see ``mappings/mapping.schema.json``) says which column feeds which
field of a partnership, how each cell is parsed (placeholders, units, enums, dates), which
column(s) identify a row in its source, whether several rows form one partnership (H2020: one
row per participant), and which organisations each row names (an agency by name, sponsors in a
"Name (29% / France)" cell, participants by register identifier).

``import_table`` works in two passes: it reads and checks every row first, building the whole
import in memory; any error refuses the file (:class:`~.report.ImportRefused`, every error
listed, nothing written). Then it matches what exists in bulk — organisations by (scheme,
identifier), by name and by the mapping's alias table; partnerships by (source, source_id) — and
writes the difference in one transaction with ``bulk_create_with_history`` /
``bulk_update_with_history``. Re-importing the same file therefore creates nothing.

The modules, in the order an import runs them (each imports only those before it):

- :mod:`.mapping` — load and check a column mapping (:func:`load_mapping`).
- :mod:`.reading` — read the CSV/XLSX file into a :class:`Table` of strings.
- :mod:`.cells` — parse one cell by its field spec (:class:`RowParser`, :func:`parse_sponsors`).
- :mod:`.planning` — build the plan in memory: partnerships and the organisations they name.
- :mod:`.resolving` — match the planned organisations with existing ones; queue similar names.
- :mod:`.writing` — :func:`import_table`: compare with what exists and write it in one go.
- :mod:`.preview` — the first rows as parsed, for the web UI (uses reading and planning).
"""

from __future__ import annotations

from .cells import parse_sponsors
from .mapping import (
    TableMapping,
    load_mapping,
    mapping_from_spec,
    shipped_mappings,
    validate_mapping,
)
from .preview import preview_table
from .reading import read_table
from .resolving import similarity
from .writing import import_table

__all__ = [
    "TableMapping",
    "import_table",
    "load_mapping",
    "mapping_from_spec",
    "parse_sponsors",
    "preview_table",
    "read_table",
    "shipped_mappings",
    "similarity",
    "validate_mapping",
]
