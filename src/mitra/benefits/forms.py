"""Forms of the benefit sharing. They turn what a person types into amounts; every rule (the spec's
checks, who may do what) lives in the services.

Amounts are typed in the game's unit (e.g. IDR million) with the reader's decimal separator and
stored in currency units."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.core.choices import Currency
from mitra.core.fields import LocalizedDecimalField
from mitra.core.money import format_number
from mitra.partnerships.forms import version_field

from .models import ProposalKind, SharingRule
from .selectors import CoalitionRow
from .specs import Player

MAX_IMPORT_BYTES = 2_000_000


def _amount(label: Any, *, required: bool = False, help_text: Any = "") -> LocalizedDecimalField:
    return LocalizedDecimalField(
        label=label, required=required, help_text=help_text, max_digits=24, decimal_places=6
    )


def field_name(member_ids: tuple[int, ...]) -> str:
    """The guided form's field of a group of partners: ``c_3_5_9``."""
    return "c_" + "_".join(str(i) for i in sorted(member_ids))


class CoalitionForm(forms.Form):
    """The guided form: the total benefit, each partner's own value (walk-away), then every
    group of partners by size; a group left blank is worth its members' own values plus the
    agreed synergies (the default shown beside it)."""

    total_benefit = _amount(_("All the partners together (total benefit)"), required=True)
    version = version_field()

    def __init__(
        self,
        *args: Any,
        players: list[Player],
        rows: list[CoalitionRow],
        unit: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.players = players
        self.rows = rows
        self.fields["total_benefit"].help_text = _(
            "What the partnership creates with every partner in it, in %(unit)s."
        ) % {"unit": unit}
        for row in rows:
            ids = tuple(p.member_id for p in row.members)
            name = field_name(ids)
            if row.size == 1:
                self.fields[name] = _amount(
                    row.members[0].name,
                    required=True,
                    help_text=_(
                        "What it gets without the partnership, in %(unit)s: its walk-away value."
                    )
                    % {"unit": unit},
                )
            else:
                self.fields[name] = _amount(
                    row.names,
                    help_text=_("Blank: %(default)s (their own values plus agreed synergies).")
                    % {"default": format_number(row.default, 1)},
                )
                self.fields[name].widget.attrs["placeholder"] = format_number(row.default, 1)
            self.fields[name].size = row.size  # type: ignore[attr-defined]

    def groups(self) -> list[tuple[int, list[Any]]]:
        """(size, bound fields) from the smallest groups up, for the template."""
        sizes: dict[int, list[Any]] = {}
        for row in self.rows:
            ids = tuple(p.member_id for p in row.members)
            sizes.setdefault(row.size, []).append(self[field_name(ids)])
        return sorted(sizes.items())

    def values(
        self, amount_unit: Decimal
    ) -> tuple[dict[int, Decimal], dict[frozenset[int], Decimal | None]]:
        """Walk-away values by member id and group worths (``None``: default), currency units."""
        walk: dict[int, Decimal] = {}
        worths: dict[frozenset[int], Decimal | None] = {}
        for row in self.rows:
            ids = tuple(p.member_id for p in row.members)
            value = self.cleaned_data.get(field_name(ids))
            amount = None if value is None else (value * amount_unit).quantize(Decimal("0.01"))
            if row.size == 1:
                walk[ids[0]] = amount if amount is not None else Decimal("0.00")
            else:
                worths[frozenset(ids)] = amount
        return walk, worths


class SettingsForm(forms.Form):
    """The currency and unit of the game and the proposed split."""

    name = forms.CharField(label=_("Name of the sharing game"), max_length=200, required=False)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    amount_unit = _amount(
        _("Amounts in"),
        required=True,
        help_text=_("The analysis shows amounts in multiples of this, e.g. 1.000.000 (millions)."),
    )
    proposal_kind = forms.ChoiceField(
        label=_("Proposed split"), choices=ProposalKind.choices[:2], widget=forms.RadioSelect
    )
    proposal_rule = forms.ChoiceField(label=_("Rule"), choices=SharingRule.choices, required=False)
    proposal_name = forms.CharField(label=_("Name of the proposal"), max_length=200, required=False)
    version = version_field()

    def __init__(self, *args: Any, players: list[Player], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.players = players
        for p in players:
            self.fields[f"share_{p.member_id}"] = LocalizedDecimalField(
                label=_("Share of %(party)s (%%)") % {"party": p.name},
                required=False,
                max_digits=9,
                decimal_places=6,
                min_value=Decimal(0),
                max_value=Decimal(100),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("proposal_kind") == ProposalKind.SHARES:
            shares = [data.get(f"share_{p.member_id}") or Decimal(0) for p in self.players]
            total = sum(shares, Decimal(0))
            if abs(total - 100) > Decimal("0.0001"):
                self.add_error(
                    f"share_{self.players[0].member_id}" if self.players else None,
                    _("The shares add up to %(total)s%%; they must add up to 100%%.")
                    % {"total": format_number(total, 2)},
                )
        elif data.get("proposal_kind") == ProposalKind.RULE and not data.get("proposal_rule"):
            self.add_error("proposal_rule", _("Choose a rule."))
        return data

    def proposal_values(self) -> dict[int, Decimal]:
        if self.cleaned_data.get("proposal_kind") != ProposalKind.SHARES:
            return {}
        return {
            p.member_id: (self.cleaned_data.get(f"share_{p.member_id}") or Decimal(0)) / 100
            for p in self.players
        }


class UnitValueForm(forms.Form):
    value = LocalizedDecimalField(
        label=_("Value of one unit"), max_digits=20, decimal_places=2, min_value=Decimal(0)
    )
    basis = forms.CharField(
        label=_("How it was set"),
        max_length=300,
        required=False,
        help_text=_("E.g. the day rate of a comparable consultant, a supplier's quote."),
    )
    version = version_field()


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Sharing-game file (JSON)"),
        help_text=_("The file `mitra share` reads, e.g. one downloaded from this page."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 2 MB)."))
        raw = upload.read()
        try:
            return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise forms.ValidationError(_("This is not a JSON file.")) from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


AGREEMENT_RULES = [
    ("proposal", _("The proposed split as it stands")),
    *SharingRule.choices,
]


class AgreementForm(forms.Form):
    rule = forms.ChoiceField(label=_("Agreed rule"), choices=AGREEMENT_RULES)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. the meeting where the partners agreed it."),
    )
