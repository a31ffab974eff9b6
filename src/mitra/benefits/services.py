"""Writes of the benefit sharing: permission, validation (by the sharing-game spec's own rules,
so that the page, the API and ``mitra share`` refuse the same things), version check, audit.

Every write that changes the game checks the spec the game would become with
``mitra.analysis.validate_game``; its JSON paths become field errors (``$.total_benefit`` →
``total_benefit``, ``$.proposal.shares`` → ``proposal_values``). Problems that only mean the game
is not complete yet (no contribution valued) do not block a write: the page says what is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mitra.analysis import SpecIssue
from mitra.core.choices import Currency, Unit
from mitra.core.concurrency import save_versioned
from mitra.core.errors import ApplicationError, PermissionDenied
from mitra.core.money import format_money
from mitra.organisations.models import ResourceType
from mitra.partnerships.models import Partnership

from . import selectors, specs
from .models import (
    CoalitionEstimate,
    CoalitionKind,
    Missing,
    SharingAgreement,
    SharingPlayer,
    SharingRule,
    SharingSettings,
    UnitValue,
    key_of,
)
from .permissions import can_edit_sharing, can_record_agreement

SETTINGS_FIELDS = (
    "name",
    "description",
    "currency",
    "amount_unit",
    "total_benefit",
    "missing",
    "proposal_kind",
    "proposal_rule",
    "proposal_values",
    "proposal_name",
)
#: Spec path (its first segment) → the settings form's field.
_SETTINGS_FIELD = {
    "name": "name",
    "currency": "currency",
    "amount_unit": "amount_unit",
    "total_benefit": "total_benefit",
    "proposal": "proposal_values",
    "characteristic_function": "__all__",
    "players": "__all__",
}


def audited(instance: Any, actor: Any) -> None:
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None


def deny_unless(allowed: bool, message: Any) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _deny_unless_partner(actor: Any, partnership: Partnership) -> None:
    deny_unless(
        can_edit_sharing(actor, partnership),
        _("Only the partners of this partnership can work on its benefit sharing."),
    )


# --------------------------------------------------------------------------- rows on demand


def settings_get_or_create(partnership: Partnership, actor: Any) -> SharingSettings:
    settings = SharingSettings.objects.filter(partnership=partnership).first()
    if settings is None:
        currency = partnership.currency or Currency.IDR
        settings = SharingSettings(
            partnership=partnership,
            currency=currency,
            amount_unit=specs.default_amount_unit(currency),
        )
        settings.full_clean(exclude=["partnership"])
        audited(settings, actor)
        settings.save()
    return settings


def players_ensure(partnership: Partnership, actor: Any) -> dict[int, SharingPlayer]:
    """A ``SharingPlayer`` for each current partner (with the id the spec already shows)."""
    rows = {p.member_id: p for p in SharingPlayer.objects.filter(partnership=partnership)}
    for player in selectors.players_of(partnership):
        if player.member_id in rows:
            continue
        row = SharingPlayer(partnership=partnership, member_id=player.member_id, key=player.key)
        row.full_clean(exclude=["partnership", "member"], validate_unique=False)
        audited(row, actor)
        row.save()
        rows[player.member_id] = row
    return rows


# --------------------------------------------------------------------------- validation


def _spec_issues(partnership: Partnership, actor: Any) -> list[SpecIssue]:
    """The problems of the game as it now stands (inside the write's transaction), leaving out
    those that only say it is not complete yet."""
    spec = selectors.game_spec(user=actor, partnership=partnership, shared=True)
    return [i for i in selectors.game_issues(spec) if not _incomplete(i, spec)]


def _incomplete(issue: SpecIssue, spec: dict[str, Any]) -> bool:
    # no contribution valued yet: the page says so, a write is not refused for it
    return issue.path == "$.players" and "contribution" in issue.message


def _raise(issues: list[SpecIssue], fields: Mapping[str, str], spec_fields: Iterable[str]) -> None:
    errors: dict[str, list[str]] = {}
    known = set(spec_fields)
    for issue in issues:
        head = issue.path.removeprefix("$").lstrip(".").split(".")[0].split("[")[0]
        field = fields.get(head, "__all__")
        if field not in known:
            field = "__all__"
        message = issue.message if field != "__all__" else f"{issue.path}: {issue.message}"
        errors.setdefault(field, []).append(message)
    raise ValidationError(errors)


# --------------------------------------------------------------------------- settings


@transaction.atomic
def settings_update(
    *,
    actor: Any,
    partnership: Partnership,
    data: dict[str, Any],
    expected_version: int | None,
) -> SharingSettings:
    """Change the currency, the total benefit or the proposed split; ``proposal_values`` maps
    member ids to shares (0..1) or amounts (currency units)."""
    _deny_unless_partner(actor, partnership)
    settings = settings_get_or_create(partnership, actor)
    players_ensure(partnership, actor)
    fields = {k: v for k, v in data.items() if k in SETTINGS_FIELDS}
    if "proposal_values" in fields:
        current = {p.member_id for p in selectors.players_of(partnership)}
        values = {}
        for member_id, value in (fields["proposal_values"] or {}).items():
            if int(member_id) not in current:
                raise ValidationError(
                    {"proposal_values": _("That organisation is not a partner of this one.")}
                )
            if value is not None:
                values[str(int(member_id))] = str(Decimal(value))
        fields["proposal_values"] = values
    saved = save_versioned(settings, expected_version=expected_version, actor=actor, fields=fields)
    issues = _spec_issues(partnership, actor)
    if issues:
        _raise(issues, _SETTINGS_FIELD, SETTINGS_FIELDS)
    return saved


@transaction.atomic
def player_update(
    *,
    actor: Any,
    partnership: Partnership,
    member_id: int,
    data: dict[str, Any],
    expected_version: int | None,
) -> SharingPlayer:
    """A partner's walk-away value or bargaining weight."""
    _deny_unless_partner(actor, partnership)
    settings_get_or_create(partnership, actor)
    rows = players_ensure(partnership, actor)
    row = rows.get(int(member_id))
    if row is None:
        raise ValidationError({"member": _("That organisation is not a partner of this one.")})
    fields = {k: v for k, v in data.items() if k in ("walk_away", "bargaining_weight")}
    return save_versioned(row, expected_version=expected_version, actor=actor, fields=fields)


# --------------------------------------------------------------------------- unit values


def _check_unit(resource_type: str, unit: str) -> None:
    if resource_type not in ResourceType.values:
        raise ValidationError({"resource_type": _("Unknown resource type.")})
    if resource_type == ResourceType.CASH:
        if unit not in Currency.values:
            raise ValidationError({"unit": _("For cash, give the ISO 4217 code of its currency.")})
    elif unit not in Unit.values:
        raise ValidationError({"unit": _("Unknown unit.")})


@transaction.atomic
def unit_value_set(
    *,
    actor: Any,
    partnership: Partnership,
    resource_type: str,
    unit: str,
    value: Decimal,
    basis: str = "",
    expected_version: int | None = None,
) -> UnitValue:
    """Agree the value of one unit of a resource (in the sharing currency); audited with who
    set it. A new unit value needs no version; changing one needs the version it was read at."""
    _deny_unless_partner(actor, partnership)
    settings = settings_get_or_create(partnership, actor)
    _check_unit(resource_type, unit)
    if resource_type == ResourceType.CASH and unit == settings.currency:
        raise ValidationError({"unit": _("Cash in the sharing currency counts at its face value.")})
    row = UnitValue.objects.filter(
        partnership=partnership, resource_type=resource_type, unit=unit
    ).first()
    fields = {"value": value, "basis": basis or "", "set_by": actor}
    if row is None:
        row = UnitValue(partnership=partnership, resource_type=resource_type, unit=unit, **fields)
        row.full_clean(exclude=["partnership"])
        audited(row, actor)
        row.save()
        return row
    return save_versioned(row, expected_version=expected_version, actor=actor, fields=fields)


@transaction.atomic
def unit_value_delete(*, actor: Any, unit_value: UnitValue) -> None:
    _deny_unless_partner(actor, unit_value.partnership)
    audited(unit_value, actor)
    unit_value.delete()


# --------------------------------------------------------------------------- coalitions


def _members_in(partnership: Partnership, member_ids: Iterable[int], field: str) -> str:
    current = {p.member_id for p in selectors.players_of(partnership)}
    ids = {int(m) for m in member_ids}
    if not ids or not ids <= current:
        raise ValidationError({field: _("Choose partners of this partnership.")})
    return key_of(ids)


def _write_estimate(
    actor: Any,
    partnership: Partnership,
    kind: str,
    key: str,
    value: Decimal | None,
    note: str | None = None,
) -> None:
    row = CoalitionEstimate.objects.filter(
        partnership=partnership, kind=kind, members_key=key
    ).first()
    if value is None:
        if row is not None:
            audited(row, actor)
            row.delete()
        return
    if row is None:
        row = CoalitionEstimate(partnership=partnership, kind=kind, members_key=key)
    elif row.value == value and (note is None or row.note == note):
        return
    else:
        row.version += 1
    row.value = value
    if note is not None:
        row.note = note
    row.full_clean(exclude=["partnership"], validate_unique=False)
    audited(row, actor)
    row.save()


@transaction.atomic
def coalitions_update(
    *,
    actor: Any,
    partnership: Partnership,
    total_benefit: Decimal,
    walk_away: Mapping[int, Decimal],
    worths: Mapping[frozenset[int], Decimal | None],
    expected_version: int | None,
) -> SharingSettings:
    """The guided form: the total benefit (all partners together), each partner's own value
    (its walk-away value) and the worth of groups of partners (``None``: by the default rule,
    the members' own values plus the agreed synergies). One version: the settings'."""
    _deny_unless_partner(actor, partnership)
    settings = settings_get_or_create(partnership, actor)
    rows = players_ensure(partnership, actor)
    saved = save_versioned(
        settings,
        expected_version=expected_version,
        actor=actor,
        fields={"total_benefit": total_benefit},
    )
    for member_id, value in walk_away.items():
        row = rows.get(int(member_id))
        if row is None:
            raise ValidationError({"__all__": _("That organisation is not a partner of this one.")})
        # A partner's own value is its walk-away value: a one-partner estimate from a file gives
        # way to what the form says.
        _write_estimate(actor, partnership, CoalitionKind.WORTH, key_of([member_id]), None)
        if row.walk_away != value:
            row.walk_away = value
            row.version += 1
            row.full_clean(exclude=["partnership", "member"], validate_unique=False)
            audited(row, actor)
            row.save()
    n = len(rows)
    for members, value in worths.items():
        key = _members_in(partnership, members, "__all__")
        if len(members) in (1, n):
            continue
        _write_estimate(actor, partnership, CoalitionKind.WORTH, key, value)
    issues = _spec_issues(partnership, actor)
    if issues:
        _raise(issues, {"total_benefit": "total_benefit"}, ["total_benefit"])
    return saved


@transaction.atomic
def coalition_set(
    *,
    actor: Any,
    partnership: Partnership,
    member_ids: Iterable[int],
    value: Decimal | None,
    note: str | None = None,
    kind: str = CoalitionKind.WORTH,
) -> CoalitionEstimate | None:
    """Estimate one group (``None`` removes the estimate: the default rule applies again). All
    the partners together are the total benefit and are set in the settings."""
    _deny_unless_partner(actor, partnership)
    settings_get_or_create(partnership, actor)
    players_ensure(partnership, actor)
    key = _members_in(partnership, member_ids, "members")
    n = len(selectors.players_of(partnership))
    size = len(key.split(","))
    if kind == CoalitionKind.WORTH and size == n:
        raise ValidationError(
            {"members": _("All the partners together are the total benefit: change it there.")}
        )
    if kind == CoalitionKind.SYNERGY and size < 2:
        raise ValidationError({"members": _("A synergy needs at least two partners.")})
    _write_estimate(actor, partnership, kind, key, value, note)
    issues = _spec_issues(partnership, actor)
    if issues:
        _raise(issues, {}, [])
    return CoalitionEstimate.objects.filter(
        partnership=partnership, kind=kind, members_key=key
    ).first()


# --------------------------------------------------------------------------- import


def _issue(path: str, message: str) -> dict[str, str]:
    return {"path": path, "message": message}


def _refuse(issues: list[dict[str, str]]) -> None:
    raise ApplicationError(
        _("The sharing-game file has %(n)s problem(s); nothing was changed.") % {"n": len(issues)},
        {"issues": issues},
    )


@transaction.atomic
def game_import(*, actor: Any, partnership: Partnership, spec: Any) -> SharingSettings:
    """Replace the game with a sharing-game file (the JSON ``mitra share`` reads), all or
    nothing: the currency, total benefit, walk-away values, bargaining weights, coalitions,
    synergies and the proposal. Its players are matched to the partners by id (as exported),
    else by the organisation's name or short name; every current partner must be in it.
    Contributions are not imported: Mitra values them from the recorded deliveries."""
    _deny_unless_partner(actor, partnership)
    issues = selectors.game_issues(spec) if isinstance(spec, dict) else None
    if issues is None:
        _refuse([_issue("$", _("The file must be a JSON object."))])
    assert isinstance(spec, dict)
    found = [
        _issue(i.path, i.message)
        for i in issues or []
        if not (i.path == "$.players" and "contribution" in i.message)
    ]
    if found:
        _refuse(found)
    players = selectors.players_of(partnership)
    by_key = {p.key: p for p in players}
    by_name = {}
    for p in players:
        by_name[p.name.casefold()] = p
        by_name[p.short_name.casefold()] = p
    matched: dict[str, int] = {}
    problems = []
    for k, entry in enumerate(spec["players"]):
        player = by_key.get(entry["id"]) or by_name.get(str(entry["name"]).casefold())
        if player is None or player.member_id in matched.values():
            problems.append(
                _issue(
                    f"$.players[{k}].id",
                    _("No partner of this partnership has the id or name '%(id)s'.")
                    % {"id": entry["id"]},
                )
            )
            continue
        matched[entry["id"]] = player.member_id
    for p in players:
        if p.member_id not in matched.values() and not problems:
            problems.append(
                _issue(
                    "$.players",
                    _("The partner %(name)s (id '%(id)s') is missing from the file.")
                    % {"name": p.name, "id": p.key},
                )
            )
    if problems:
        _refuse(problems)
    currency = spec["currency"]
    if currency not in Currency.values:
        _refuse([_issue("$.currency", _("Unknown currency."))])
    unit = Decimal(repr(float(spec["amount_unit"])))
    settings = settings_get_or_create(partnership, actor)
    rows = players_ensure(partnership, actor)

    def amount(value: Any, path: str) -> Decimal:
        try:
            number = specs.from_spec_number(value, unit)
        except ValueError:
            _refuse([_issue(path, _("Not a number."))])
        if abs(number) > Decimal("90000000000000000"):
            _refuse([_issue(path, _("This amount is too large."))])
        return number

    proposal = spec["proposal"]
    kind = next(k for k in ("shares", "amounts", "rule") if k in proposal)
    values: dict[str, str] = {}
    if kind != "rule":
        for pid, number in proposal[kind].items():
            member_id = matched[pid]
            value = (
                amount(number, f"$.proposal.{kind}.{pid}")
                if kind == "amounts"
                else Decimal(repr(float(number)))
            )
            values[str(member_id)] = str(value)
    settings.name = spec["name"][:200]
    settings.description = spec.get("description", "")
    settings.currency = currency
    settings.amount_unit = unit
    settings.total_benefit = amount(spec["total_benefit"], "$.total_benefit")
    cf = spec.get("characteristic_function", {})
    settings.missing = cf.get("missing", Missing.ADDITIVE)
    settings.proposal_kind = kind
    settings.proposal_rule = proposal["rule"] if kind == "rule" else ""
    settings.proposal_values = values
    settings.proposal_name = proposal.get("name", "")[:200]
    settings.version += 1
    try:
        settings.full_clean(exclude=["partnership"])
    except ValidationError as exc:
        _refuse([_issue(f"$.{f}", " ".join(m)) for f, m in exc.message_dict.items()])
    audited(settings, actor)
    settings.save()
    for k, entry in enumerate(spec["players"]):
        row = rows[matched[entry["id"]]]
        row.walk_away = amount(entry["walk_away"], f"$.players[{k}].walk_away")
        row.bargaining_weight = Decimal(repr(float(entry.get("bargaining_weight", 1))))
        row.version += 1
        try:
            row.full_clean(exclude=["partnership", "member"], validate_unique=False)
        except ValidationError as exc:
            _refuse([_issue(f"$.players[{k}]", " ".join(exc.messages))])
        audited(row, actor)
        row.save()
    for old in CoalitionEstimate.objects.filter(partnership=partnership):
        audited(old, actor)
        old.delete()
    for name, what, field in (
        ("coalitions", CoalitionKind.WORTH, "worth"),
        ("synergies", CoalitionKind.SYNERGY, "bonus"),
    ):
        for k, entry in enumerate(cf.get(name, [])):
            key = key_of(matched[m] for m in entry["members"])
            if what == CoalitionKind.WORTH and len(entry["members"]) == len(players):
                continue  # the grand coalition is the total benefit
            row = CoalitionEstimate(
                partnership=partnership,
                kind=what,
                members_key=key,
                value=amount(entry[field], f"$.characteristic_function.{name}[{k}].{field}"),
                note=entry.get("note", "")[:500],
            )
            audited(row, actor)
            row.save()
    return settings


# --------------------------------------------------------------------------- agreements

RULE_LABELS = {
    "proposal": None,  # the proposal as set, named by its own label
    **{r.value: r.label for r in SharingRule},
}


@transaction.atomic
def agreement_record(
    *, actor: Any, partnership: Partnership, rule: str, note: str = ""
) -> SharingAgreement:
    """Record the sharing rule the partners agreed, with the split it gives today (computed on
    the game every partner sees: no contribution confidential to one partner counts), in this
    app's record and in the partnership's negotiation record (``mitra.goals``)."""
    deny_unless(
        can_record_agreement(actor, partnership),
        _("Only the lead partner's administrators record an agreement."),
    )
    if rule not in RULE_LABELS:
        raise ValidationError({"rule": _("Choose a sharing rule.")})
    spec = selectors.game_spec(user=actor, partnership=partnership, shared=True)
    if rule != "proposal":
        spec["proposal"] = {"rule": rule}
    issues = selectors.game_issues(spec)
    if issues:
        raise ValidationError(
            {"rule": [_("The sharing game is not complete yet:")] + [str(i) for i in issues]}
        )
    result = selectors.analyse(spec)
    settings = settings_get_or_create(partnership, actor)
    players = {p.key: p for p in selectors.players_of(partnership)}
    unit = settings.amount_unit
    total = settings.total_benefit or Decimal(0)
    split = []
    for key, amount in zip(result.game.ids, result.proposed, strict=True):
        value = specs.from_spec_number(float(amount), unit)
        split.append(
            {
                "member": players[key].member_id,
                "name": players[key].name,
                "amount": str(value),
                "share": _share(float(amount), result.game.total_benefit),
            }
        )
    if rule == "proposal":
        label = settings.proposal_name or str(
            RULE_LABELS.get(settings.proposal_rule) or _("the proposed split")
        )
    else:
        label = str(RULE_LABELS[rule])
    agreement = SharingAgreement(
        partnership=partnership,
        rule=rule,
        rule_label=label[:200],
        currency=settings.currency,
        total_benefit=total,
        split=split,
        spec=spec,
        result=result.to_dict(),
        note=note,
        agreed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    agreement.full_clean(exclude=["partnership", "agreed_by"])
    value = "; ".join(
        f"{row['name']} {format_money(Decimal(row['amount']), settings.currency)}" for row in split
    )
    agreement.in_negotiation_record = _negotiation_record(
        actor, partnership, _("Benefit-sharing rule"), f"{label}: {value}", note
    )
    audited(agreement, actor)
    agreement.save()
    return agreement


def _share(amount: float, total: float) -> str | None:
    if not total:
        return None
    return str(round(Decimal(repr(amount)) / Decimal(repr(total)), 6))


def _negotiation_record(
    actor: Any, partnership: Partnership, subject: str, value: str, note: str
) -> bool:
    """Record the agreement in the goals' negotiation record (``mitra.goals``), which sits one
    layer below this app."""
    from mitra.goals import services as goals_services

    record = getattr(goals_services, "record_agreement", None)
    if record is None:  # pragma: no cover - the goals app without its negotiation record
        return False
    record(actor=actor, partnership=partnership, subject=subject, value=value[:300], note=note)
    return True
