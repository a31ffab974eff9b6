from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.core.choices import Currency
from mitra.partnerships.models import PartnershipForm

from .report import ALL_OR_NOTHING, MODES

#: Largest table the web UI accepts (the command line has no limit).
MAX_UPLOAD_BYTES = 30 * 1024 * 1024
EXTENSIONS = {".csv": "csv", ".xlsx": "xlsx"}


def mapping_choices() -> list[tuple[str, str]]:
    from .models import SavedMapping
    from .tables import shipped_mappings

    shipped = [(n, n) for n in shipped_mappings()]
    label = _("saved")  # outside the f-string, where makemessages finds it
    saved = [(m.name, f"{m.name} ({label})") for m in SavedMapping.objects.all()]
    return shipped + saved


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Table (CSV or XLSX)"),
        help_text=_("At most 30 MB. CSV in UTF-8 (Windows-1252 is read with a warning)."),
    )
    mapping = forms.ChoiceField(label=_("Column mapping"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mapping"].choices = mapping_choices()

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 30 MB."))
        if Path(f.name).suffix.lower() not in EXTENSIONS:
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return f


class MappingChoiceForm(forms.Form):
    mapping = forms.ChoiceField(label=_("Column mapping"), choices=())
    mode = forms.ChoiceField(
        label=_("Rows with errors"),
        choices=[(k, v) for k, v in MODES.items()],
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "A rejected row writes nothing; the other rows of its partnership are rejected with it."
        ),
    )

    def clean_mode(self) -> str:
        return self.cleaned_data.get("mode") or ALL_OR_NOTHING

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mapping"].choices = mapping_choices()


#: Targets a column can feed in the simple mapping builder.
TARGETS = [
    ("", _("— not imported —")),
    ("id", _("Row id (required)")),
    ("title", _("Title")),
    ("summary", _("Summary")),
    ("country", _("Country")),
    ("province", _("Province")),
    ("regency", _("Regency or city")),
    ("start_date", _("Start date (YYYY-MM-DD)")),
    ("end_date", _("End date (YYYY-MM-DD)")),
    ("estimated_value", _("Estimated value")),
    ("agency", _("Contracting agency (name)")),
    ("other", _("Keep as other published data")),
]


class MappingBuilderForm(forms.Form):
    """Build a simple mapping: one row per detected column → one target field."""

    name = forms.SlugField(label=_("Mapping name"), max_length=60)
    form = forms.ChoiceField(label=_("Partnership form"), choices=PartnershipForm.choices)
    currency = forms.ChoiceField(label=_("Currency of amounts"), choices=Currency.choices)
    multiplier = forms.ChoiceField(
        label=_("Unit of amounts"),
        choices=[("1", _("units")), ("1000", _("thousands")), ("1000000", _("millions"))],
    )

    def __init__(self, *args: Any, columns: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        for i, column in enumerate(columns):
            self.fields[f"col_{i}"] = forms.ChoiceField(
                label=column, choices=TARGETS, required=False
            )

    def clean_name(self) -> str:
        from .models import SavedMapping
        from .tables import shipped_mappings

        name = self.cleaned_data["name"]
        if name in shipped_mappings() or SavedMapping.objects.filter(name=name).exists():
            raise forms.ValidationError(_("A mapping with this name exists."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [data.get(f"col_{i}") for i in range(len(self.columns))]
        if "id" not in chosen:
            raise forms.ValidationError(_("Choose the column that identifies each row."))
        if "title" not in chosen:
            raise forms.ValidationError(_("Choose the column with the title."))
        for target in ("title", "summary", "country", "province", "regency", "estimated_value"):
            if chosen.count(target) > 1:
                raise forms.ValidationError(
                    _("Only one column may feed %(target)s.") % {"target": target}
                )
        return data

    def spec(self) -> dict[str, Any]:
        """The mapping document (same format as the shipped ones)."""
        data = self.cleaned_data
        by_target: dict[str, list[str]] = {}
        for i, column in enumerate(self.columns):
            target = data.get(f"col_{i}")
            if target:
                by_target.setdefault(target, []).append(column)
        one = {k: v[0] for k, v in by_target.items()}
        partnership: dict[str, Any] = {
            "title_ind": {"column": one["title"], "parse": "text", "required": True},
            "form": {"value": data["form"]},
        }
        if "summary" in one:
            partnership["summary_ind"] = {"column": one["summary"], "parse": "html"}
        if "country" in one:
            partnership["country"] = {"column": one["country"], "parse": "country"}
        if "province" in one:
            partnership["province"] = {"column": one["province"], "parse": "province"}
        if "regency" in one:
            partnership["regency"] = {"column": one["regency"], "parse": "text"}
        for target in ("start_date", "end_date"):
            if target in one:
                partnership[target] = {
                    "column": one[target],
                    "parse": "date",
                    "formats": ["%Y-%m-%d", "%d/%m/%Y"],
                }
        if "estimated_value" in one:
            partnership["estimated_value"] = {
                "column": one["estimated_value"],
                "parse": "amount",
                "currency": data["currency"],
                "multiplier": data["multiplier"],
            }
        spec: dict[str, Any] = {
            "name": data["name"],
            "title": data["name"],
            "placeholders": ["", "N/A", "NA", "Not Available", "..", "-"],
            "id_columns": by_target["id"],
            "partnership": partnership,
        }
        if by_target.get("other"):
            spec["other_data"] = {"columns": by_target["other"]}
        if "agency" in one:
            spec["members"] = [
                {
                    "type": "named",
                    "column": one["agency"],
                    "roles": ["contracting_agency"],
                    "sector": "public",
                    "kind": "other",
                }
            ]
        return spec


def safe_token(token: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-f]{32}", token))
