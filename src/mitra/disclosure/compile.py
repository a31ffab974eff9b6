"""Record packages: each contracting process's releases plus its compiled release.

The compiled release is made by OCDS merging
(https://standard.open-contracting.org/1.1/en/schema/merging/), implemented here for the fields
Mitra emits: objects merge field by field; an array of objects that all have an `id` merges
item by item on that id; any other array, and the arrays the schema marks `wholeListMerge`,
replace the earlier one whole; `null` removes a field. `ocdsmerge` (the Open Contracting
Partnership's library) would be the well-kept choice if it becomes a dependency.

Merging is cumulative, as OCDS intends: once published, an array item (a party, a document)
stays in the compiled release even if a later release leaves it out.
"""

from __future__ import annotations

import copy
import datetime
from typing import Any

from . import conf
from .ocds import OCDS_VERSION, PPP_EXTENSION, rfc3339

#: Fields whose arrays replace the earlier value whole (`wholeListMerge` in the PPP schema).
WHOLE_LIST_FIELDS = frozenset({"additionalIdentifiers", "additionalClassifications", "locations"})
#: Fields of a release that are not merged into the compiled release.
OMIT = frozenset({"id", "date", "tag"})


def _is_identified_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, dict) and "id" in item for item in value)
    )


def merge_into(target: dict[str, Any], source: dict[str, Any]) -> dict[str, Any]:
    """Merge `source` into `target` (changed in place and returned) by the OCDS rules above."""
    for key, new in source.items():
        if new is None:
            target.pop(key, None)
        elif isinstance(new, dict):
            old = target.get(key)
            target[key] = merge_into(old if isinstance(old, dict) else {}, new)
        elif (
            key not in WHOLE_LIST_FIELDS
            and _is_identified_list(new)
            and _is_identified_list(target.get(key))
        ):
            merged = target[key]
            index = {str(item["id"]): item for item in merged}
            for item in new:
                found = index.get(str(item["id"]))
                if found is None:
                    copied = merge_into({}, item)
                    merged.append(copied)
                    index[str(item["id"])] = copied
                else:
                    merge_into(found, item)
        else:
            target[key] = copy.deepcopy(new)
    return target


def compile_releases(releases: list[dict[str, Any]]) -> dict[str, Any]:
    """The compiled release of one contracting process (releases in date order)."""
    ordered = sorted(releases, key=lambda r: (r["date"], r["id"]))
    compiled: dict[str, Any] = {}
    for release in ordered:
        merge_into(compiled, {k: v for k, v in release.items() if k not in OMIT})
    last = ordered[-1]
    compiled["id"] = f"{last['ocid']}-compiled-{last['id']}"
    compiled["date"] = last["date"]
    compiled["tag"] = ["compiled"]
    return compiled


def record_package(
    records: list[tuple[str, list[dict[str, Any]]]], *, uri: str, published: datetime.datetime
) -> dict[str, Any]:
    """A record package: one record per (ocid, releases) with embedded releases."""
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": [PPP_EXTENSION],
        "publishedDate": rfc3339(published),
        "publisher": {"name": conf.publisher_name(), "uri": conf.public_url() + "/"},
        "license": "http://opendatacommons.org/licenses/pddl/1.0/",
        "records": [
            {
                "ocid": ocid,
                "releases": sorted(releases, key=lambda r: (r["date"], r["id"])),
                "compiledRelease": compile_releases(releases),
            }
            for ocid, releases in records
        ],
    }
