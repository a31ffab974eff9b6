"""Writes for partnerships and everything that hangs off them.

Each service checks the actor's permission, validates (`full_clean`), writes inside a transaction
and records who did it in the history (simple-history reads `_history_user`). Edits carry the
version they were made on; a stale one raises `StaleEdit` and writes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mitra.core.choices import unit_code
from mitra.core.concurrency import save_versioned
from mitra.core.errors import ApplicationError, PermissionDenied
from mitra.core.money import format_number, format_quantity
from mitra.organisations.models import Organisation, Sector
from mitra.organisations.permissions import user_admin_organisation_ids, user_organisation_ids

from .models import (
    CODE_PREFIX,
    REQUIRED_SECTORS,
    SECTOR_FROM_STAGE,
    Commitment,
    Delivery,
    Document,
    Initiative,
    MemberRole,
    Need,
    Objective,
    Partnership,
    PartnershipMember,
    Role,
    Stage,
    Visibility,
    sectors_required_at,
)
from .permissions import (
    can_create_partnership,
    can_edit_member_items,
    can_manage_partnership,
    can_view_item,
)

PARTNERSHIP_FIELDS = (
    "title_ind",
    "title_en",
    "summary_ind",
    "summary_en",
    "form",
    "development_sector",
    "country",
    "province",
    "regency",
    "stage",
    "stage_since",
    "start_date",
    "end_date",
    "estimated_value",
    "currency",
    "sdgs",
    "initiative",
    "return_mechanism",
    "government_support",
    "concession_years",
    "listing_status",
    "agreement_type",
    "visibility",
)
MEMBER_FIELDS = ("roles", "joined_on", "left_on", "equity_share")
NEED_FIELDS = (
    "title_ind",
    "title_en",
    "resource_type",
    "description_ind",
    "description_en",
    "quantity",
    "unit",
    "currency",
    "due_date",
)
COMMITMENT_FIELDS = ("quantity", "due_date", "confidentiality", "notes")
DELIVERY_FIELDS = ("delivered_on", "quantity", "evidence", "notes")
OBJECTIVE_FIELDS = ("text", "sdg", "weight", "confidentiality")
DOCUMENT_FIELDS = ("title", "doc_type", "revision", "confidentiality")


def _pick(data: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in allowed}


def _need_data(data: dict[str, Any]) -> dict[str, Any]:
    """A need's fields; a plain `title` or `description` (the API's and older callers' name) is
    the Indonesian one unless that is given too."""
    data = dict(data)
    for name in ("title", "description"):
        if name in data and f"{name}_ind" not in data:
            data[f"{name}_ind"] = data[name]
    return _with_unit_code(_pick(data, NEED_FIELDS))


def _with_unit_code(fields: dict[str, Any]) -> dict[str, Any]:
    """A unit written as a label or a common spelling ("person days", "hectares") becomes its
    code; an unknown one stays as written, for the model to refuse with a field error."""
    if isinstance(fields.get("unit"), str) and fields["unit"]:
        fields["unit"] = unit_code(fields["unit"]) or fields["unit"]
    return fields


def _audited(instance: models.Model, actor: Any) -> None:
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[attr-defined]


def _deny_unless(allowed: bool, message: Any) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- sector requirements ------------------------------------------------------------------------


def _present_sectors(partnership: Partnership, initiative: str | None = None) -> set[str]:
    """Sectors the current members bring. In an unsolicited KPBU the Pemrakarsa stands for
    the business side until the tender names the Badan Usaha Pelaksana, whatever its sector
    (a BUMN may be one)."""
    present: set[str] = set()
    for sector, roles in partnership.members.filter(left_on__isnull=True).values_list(
        "organisation__sector", "roles"
    ):
        present.add(sector)
        unsolicited = (initiative or partnership.initiative) == Initiative.UNSOLICITED
        if unsolicited and Role.INITIATOR in (roles or []):
            present.add(Sector.PRIVATE)
    return present


def sector_requirements(
    partnership: Partnership, *, form: str | None = None, stage: str | None = None
) -> list[tuple[str, str, bool]]:
    """(sector, from stage, present) for every sector the form brings together, in order."""
    form = form or partnership.form
    present = _present_sectors(partnership)
    since = SECTOR_FROM_STAGE.get(form, {})
    return [
        (s, since.get(s, Stage.PREPARATION), s in present) for s in REQUIRED_SECTORS.get(form, ())
    ]


def missing_sectors(
    partnership: Partnership,
    form: str | None = None,
    stage: str | None = None,
    initiative: str | None = None,
) -> list[str]:
    """Sectors the form requires at the stage (the partnership's own by default) that no
    current member brings; empty when complete."""
    form = form or partnership.form
    required = sectors_required_at(form, stage or partnership.stage)
    present = _present_sectors(partnership, initiative)
    return [s for s, _since in required if s not in present]


def stage_gate_message(missing: list[str], stage: str) -> str:
    """Why a partnership cannot be at `stage`: the sectors it lacks there, in plain words."""
    labels = ", ".join(str(Sector(s).label) for s in missing)
    return str(
        _(
            "In the %(stage)s stage this partnership needs partners from these sectors: "
            "%(sectors)s. Add them on the Partners tab."
        )
        % {"stage": Stage(stage).label, "sectors": labels}
    )


def _check_stage_gate(
    partnership: Partnership, *, stage: str, form: str, initiative: str | None = None
) -> None:
    missing = missing_sectors(partnership, form, stage, initiative)
    if missing:
        raise ApplicationError(
            stage_gate_message(missing, stage), {"field": "stage", "missing": missing}
        )


# --- partnerships ---------------------------------------------------------------------------------


def next_code(form: str, year: int) -> str:
    """The next free code of a form and year: PREFIX-YEAR-NNNN, one past the highest taken.

    Numbers are at least four digits; past 9999 they grow, so the highest is found by length
    first (text order would put KPBU-2026-9999 after KPBU-2026-10000).
    """
    prefix = f"{CODE_PREFIX[form]}-{year}-"
    last = (
        Partnership.objects.filter(code__startswith=prefix)
        .order_by(Length("code").desc(), "-code")
        .values_list("code", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


#: Tries to find a free code when many partnerships are created at once (each try sees the
#: codes the others took): enough for far more simultaneous creates than a web server serves.
CODE_ATTEMPTS = 50


def _later_code(candidate: str, refused: str) -> str:
    """``candidate``, or the code after ``refused`` if that is higher (same prefix and year)."""
    prefix, number = refused.rsplit("-", 1)
    bumped = f"{prefix}-{int(number) + 1:04d}"
    by_number = {c: int(c.rsplit("-", 1)[1]) for c in (candidate, bumped)}
    return max(by_number, key=by_number.__getitem__)


@transaction.atomic
def partnership_create(
    *,
    actor: Any,
    lead_organisation: Organisation,
    data: dict[str, Any],
    lead_roles: list[str] | None = None,
) -> Partnership:
    """Start a partnership led by `lead_organisation` (the actor must be one of its admins)."""
    _deny_unless(
        can_create_partnership(actor)
        and lead_organisation.pk in user_admin_organisation_ids(actor),
        _("Only an administrator of the lead organisation may start a partnership."),
    )
    fields = _pick(data, PARTNERSHIP_FIELDS)
    fields.setdefault("stage", Stage.PLANNING)
    if fields["stage"] != Stage.PLANNING:
        raise ApplicationError(
            _("A new partnership starts in planning; move it on once its partners are in."),
            {"field": "stage"},
        )
    partnership = Partnership(**fields, created_by=actor)
    partnership.stage_since = partnership.stage_since or timezone.localdate()
    if partnership.visibility == Visibility.PUBLIC:
        partnership.published_at = timezone.now()
    year = timezone.localdate().year
    partnership.code = next_code(partnership.form, year) if partnership.form in CODE_PREFIX else ""
    # The code is Mitra's to allocate (the loop below finds a free one), never the client's
    # error: a code taken meanwhile by a simultaneous create must not refuse this one.
    partnership.full_clean(exclude=["code"])
    _audited(partnership, actor)
    for attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                partnership.save()
            break
        except IntegrityError:
            # Another request took the same code at the same moment: take the next one (past
            # the one just refused, even if the other's row is not visible to us yet).
            if attempt == CODE_ATTEMPTS - 1:
                raise
            partnership.pk = None
            partnership.code = _later_code(next_code(partnership.form, year), partnership.code)
    roles = [Role.LEAD, *[r for r in (lead_roles or []) if r != Role.LEAD]]
    _member_save(
        PartnershipMember(
            partnership=partnership,
            organisation=lead_organisation,
            roles=roles,
            joined_on=timezone.localdate(),
        ),
        actor,
    )
    return partnership


@transaction.atomic
def partnership_update(
    *, actor: Any, partnership: Partnership, data: dict[str, Any], expected_version: int | None
) -> Partnership:
    _deny_unless(
        can_manage_partnership(actor, partnership),
        _("Only administrators of the lead partner may edit this partnership."),
    )
    fields = _pick(data, PARTNERSHIP_FIELDS)
    if fields.get("stage", partnership.stage) != partnership.stage:
        # The stage moves only through the lifecycle's gate (coordination: the Lifecycle tab,
        # POST /partnerships/{id}/stage), which checks the steps and their sign-offs.
        raise ValidationError(
            {
                "stage": _(
                    "The stage changes only through the gate of the lifecycle: use the "
                    "Lifecycle tab (Tahapan) or POST /api/v1/partnerships/%(id)s/stage."
                )
                % {"id": partnership.pk}
            }
        )
    fields.pop("stage", None)
    stage = partnership.stage
    form = fields.get("form", partnership.form)
    initiative = fields.get("initiative", partnership.initiative)
    if (
        stage != partnership.stage
        or form != partnership.form
        or initiative != partnership.initiative
    ):
        _check_stage_gate(partnership, stage=stage, form=form, initiative=initiative)
    if fields.get("visibility") == Visibility.PUBLIC and partnership.published_at is None:
        fields["published_at"] = timezone.now()
    return save_versioned(
        partnership, expected_version=expected_version, actor=actor, fields=fields
    )


@transaction.atomic
def partnership_set_stage(
    *,
    actor: Any,
    partnership: Partnership,
    stage: str,
    reason: str = "",
    expected_version: int | None,
    since: datetime.date | None = None,
) -> Partnership:
    """Move the stage (the lifecycle's gate in ``coordination`` decides when; only it and the
    demo's mid-way projects call this). The form's sectors are still checked; the reason goes
    into the history."""
    _deny_unless(
        can_manage_partnership(actor, partnership),
        _("Only administrators of the lead partner may move the stage."),
    )
    if stage != partnership.stage:
        _check_stage_gate(partnership, stage=stage, form=partnership.form)
    partnership._change_reason = reason[:100] if reason else None  # type: ignore[attr-defined]
    return save_versioned(
        partnership,
        expected_version=expected_version,
        actor=actor,
        fields={"stage": stage, "stage_since": since or timezone.localdate()},
    )


@transaction.atomic
def partnership_delete(*, actor: Any, partnership: Partnership) -> None:
    _deny_unless(
        can_manage_partnership(actor, partnership),
        _("Only administrators of the lead partner may delete this partnership."),
    )
    if partnership.stage != Stage.PLANNING:
        raise ApplicationError(
            _("Only a partnership in planning can be deleted; cancel it instead.")
        )
    # Delete the items one by one, leaves first, so that each deletion is audited with the actor
    # (a cascade would record them without a user) and no PROTECT reference blocks the way.
    items: list[models.QuerySet[Any]] = [
        Delivery.objects.filter(commitment__need__partnership=partnership),
        Commitment.objects.filter(need__partnership=partnership),
        Objective.objects.filter(member__partnership=partnership),
        Document.objects.filter(partnership=partnership),
        Need.objects.filter(partnership=partnership),
        PartnershipMember.objects.filter(partnership=partnership),
    ]
    files = [(d.file.storage, d.file.name) for d in items[3]]
    for queryset in items:
        for item in queryset:
            _audited(item, actor)
            item.delete()
    _audited(partnership, actor)
    partnership.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


# --- members ------------------------------------------------------------------------------------


def _member_save(member: PartnershipMember, actor: Any) -> PartnershipMember:
    member.full_clean()
    _audited(member, actor)
    member.save()
    _sync_roles(member)
    return member


def _sync_roles(member: PartnershipMember) -> None:
    MemberRole.objects.filter(member=member).exclude(role__in=member.roles).delete()
    existing = set(MemberRole.objects.filter(member=member).values_list("role", flat=True))
    MemberRole.objects.bulk_create(
        [MemberRole(member=member, role=r) for r in member.roles if r not in existing]
    )


def _ensure_a_lead_remains(
    partnership: Partnership,
    member: PartnershipMember,
    roles: list[str],
    left_on: datetime.date | None,
) -> None:
    still_lead = Role.LEAD in roles and left_on is None
    if still_lead:
        return
    others = partnership.members.filter(left_on__isnull=True, role_rows__role=Role.LEAD).exclude(
        pk=member.pk
    )
    if not others.exists():
        raise ApplicationError(
            _("A partnership needs a current lead partner: make another partner lead first."),
            {"field": "roles"},
        )


@transaction.atomic
def member_add(
    *,
    actor: Any,
    partnership: Partnership,
    organisation: Organisation,
    roles: list[str],
    joined_on: datetime.date | None = None,
    equity_share: Decimal | None = None,
    by_invitation: bool = False,
) -> PartnershipMember:
    """Add a partner. ``by_invitation``: an admin of ``organisation`` accepts the lead's
    invitation (coordination checked that it is pending)."""
    _deny_unless(
        organisation.pk in user_admin_organisation_ids(actor)
        if by_invitation
        else can_manage_partnership(actor, partnership),
        _("Only administrators of the lead partner may add partners."),
    )
    if partnership.members.filter(organisation=organisation).exists():
        raise ApplicationError(
            _("This organisation is already a partner."), {"field": "organisation"}
        )
    member = PartnershipMember(
        partnership=partnership,
        organisation=organisation,
        roles=list(roles),
        joined_on=joined_on or timezone.localdate(),
        equity_share=equity_share,
    )
    return _member_save(member, actor)


@transaction.atomic
def member_update(
    *, actor: Any, member: PartnershipMember, data: dict[str, Any], expected_version: int | None
) -> PartnershipMember:
    partnership = member.partnership
    _deny_unless(
        can_manage_partnership(actor, partnership),
        _("Only administrators of the lead partner may change partners."),
    )
    fields = _pick(data, MEMBER_FIELDS)
    _ensure_a_lead_remains(
        partnership,
        member,
        fields.get("roles", member.roles),
        fields.get("left_on", member.left_on),
    )
    saved = save_versioned(member, expected_version=expected_version, actor=actor, fields=fields)
    _sync_roles(saved)
    return saved


@transaction.atomic
def member_leave(
    *, actor: Any, member: PartnershipMember, expected_version: int | None
) -> PartnershipMember:
    """The partner leaves today: an admin of its own organisation, or of the lead, records it."""
    _deny_unless(
        member.left_on is None
        and (
            member.organisation_id in user_admin_organisation_ids(actor)
            or can_manage_partnership(actor, member.partnership)
        ),
        _("Only administrators of this partner or of the lead partner may record its leaving."),
    )
    today = timezone.localdate()
    _ensure_a_lead_remains(member.partnership, member, member.roles, today)
    return save_versioned(
        member, expected_version=expected_version, actor=actor, fields={"left_on": today}
    )


@transaction.atomic
def member_delete(*, actor: Any, member: PartnershipMember) -> None:
    partnership = member.partnership
    _deny_unless(
        can_manage_partnership(actor, partnership),
        _("Only administrators of the lead partner may remove partners."),
    )
    _ensure_a_lead_remains(partnership, member, [], None)
    if member.commitments.exists() or member.documents.exists():
        # Said without naming what it holds: some of it may be confidential to the partner, and
        # a refusal must not tell the lead that such items exist.
        raise ApplicationError(
            _(
                "Deleting is only for a partner added by mistake. Record the date this partner "
                "left instead: what it recorded stays in the partnership's history."
            )
        )
    _audited(member, actor)
    member.delete()


# --- needs --------------------------------------------------------------------------------------


@transaction.atomic
def need_create(*, actor: Any, partnership: Partnership, data: dict[str, Any]) -> Need:
    _deny_unless(
        can_manage_partnership(actor, partnership),
        _("Only administrators of the lead partner may record needs."),
    )
    need = Need(partnership=partnership, **_need_data(data))
    need.full_clean()
    _audited(need, actor)
    need.save()
    return need


@transaction.atomic
def need_update(
    *, actor: Any, need: Need, data: dict[str, Any], expected_version: int | None
) -> Need:
    _deny_unless(
        can_manage_partnership(actor, need.partnership),
        _("Only administrators of the lead partner may change needs."),
    )
    fields = _need_data(data)
    changes_measure = any(
        k in fields and fields[k] != getattr(need, k) for k in ("resource_type", "unit", "currency")
    )
    if changes_measure and need.commitments.exists():
        raise ApplicationError(
            _(
                "Partners have already committed against this need: its resource type, unit and "
                "currency can no longer change."
            ),
            {"field": "resource_type"},
        )
    return save_versioned(need, expected_version=expected_version, actor=actor, fields=fields)


@transaction.atomic
def need_delete(*, actor: Any, need: Need) -> None:
    _deny_unless(
        can_manage_partnership(actor, need.partnership),
        _("Only administrators of the lead partner may delete needs."),
    )
    if need.commitments.exists():
        raise ApplicationError(
            _("Partners have committed against this need: it cannot be deleted.")
        )
    _audited(need, actor)
    need.delete()


# --- commitments and deliveries -------------------------------------------------------------------


def acting_member(
    actor: Any, partnership: Partnership, organisation_id: int | None = None
) -> PartnershipMember:
    """The current member through which the actor acts (their organisation's membership)."""
    orgs = user_organisation_ids(actor)
    members = [
        m for m in partnership.members.filter(left_on__isnull=True) if m.organisation_id in orgs
    ]
    if organisation_id is not None:
        members = [m for m in members if m.organisation_id == organisation_id]
    if not members:
        raise PermissionDenied(_("Your organisation is not a current partner of this partnership."))
    if len(members) > 1:
        raise ApplicationError(
            _("You belong to several partner organisations: choose which one acts."),
            {"field": "organisation"},
        )
    return members[0]


#: A pledge above this many times what a need still lacks is saved only once its author confirms
#: it: most often a few zeros too many (Rp 999 T typed against a need of Rp 18 M).
OVER_PLEDGE_FACTOR = Decimal(10)


def _check_pledge(
    *, actor: Any, need: Need, quantity: Any, confirmed: bool, exclude: int | None = None
) -> None:
    """Refuse an implausible pledge until confirmed, with a message on the amount and one on the
    confirmation box. "Still lacks" counts only the commitments the actor may see, so that the
    message never lets anyone work out a confidential amount."""
    if confirmed or quantity is None:
        return
    partnership = need.partnership
    seen = sum(
        (
            c.quantity
            for c in need.commitments.select_related("member").exclude(pk=exclude)
            if can_view_item(actor, partnership, c.confidentiality, c.member.organisation_id)
        ),
        Decimal(0),
    )
    missing = max(need.quantity - seen, Decimal(0))
    if quantity <= OVER_PLEDGE_FACTOR * missing:
        return
    lacking = format_quantity(missing, currency=need.currency, unit=need.unit)
    message = (
        _(
            "This pledge is more than ten times what the need still lacks "
            "(%(missing)s). Check the amount."
        )
        if missing
        else _("The commitments you can see already cover this need. Check the amount.")
    )
    raise ValidationError(
        {
            "quantity": ValidationError(message, code="over_pledge", params={"missing": lacking}),
            "confirm_over_pledge": ValidationError(
                _("Tick this box to pledge this amount anyway."), code="over_pledge"
            ),
        }
    )


@transaction.atomic
def commitment_create(
    *,
    actor: Any,
    need: Need,
    member: PartnershipMember,
    data: dict[str, Any],
    confirm_over_pledge: bool = False,
) -> Commitment:
    _deny_unless(
        can_edit_member_items(actor, member),
        _("You may only record commitments for your own organisation."),
    )
    commitment = Commitment(need=need, member=member, **_pick(data, COMMITMENT_FIELDS))
    commitment.full_clean()
    _check_pledge(
        actor=actor, need=need, quantity=commitment.quantity, confirmed=confirm_over_pledge
    )
    _audited(commitment, actor)
    commitment.save()
    return commitment


@transaction.atomic
def commitment_update(
    *,
    actor: Any,
    commitment: Commitment,
    data: dict[str, Any],
    expected_version: int | None,
    confirm_over_pledge: bool = False,
) -> Commitment:
    _deny_unless(
        can_edit_member_items(actor, commitment.member),
        _("You may only change your own organisation's commitments."),
    )
    fields = _pick(data, COMMITMENT_FIELDS)
    if fields.get("quantity") is not None and fields["quantity"] != commitment.quantity:
        _check_pledge(
            actor=actor,
            need=commitment.need,
            quantity=fields["quantity"],
            confirmed=confirm_over_pledge,
            exclude=commitment.pk,
        )
    return save_versioned(commitment, expected_version=expected_version, actor=actor, fields=fields)


@transaction.atomic
def commitment_delete(*, actor: Any, commitment: Commitment) -> None:
    _deny_unless(
        can_edit_member_items(actor, commitment.member),
        _("You may only delete your own organisation's commitments."),
    )
    if commitment.deliveries.exists():
        raise ApplicationError(
            _("Deliveries are recorded against this commitment: delete them first.")
        )
    _audited(commitment, actor)
    commitment.delete()


@transaction.atomic
def delivery_create(*, actor: Any, commitment: Commitment, data: dict[str, Any]) -> Delivery:
    _deny_unless(
        can_edit_member_items(actor, commitment.member),
        _("You may only record deliveries for your own organisation's commitments."),
    )
    delivery = Delivery(commitment=commitment, **_pick(data, DELIVERY_FIELDS))
    delivery.full_clean()
    _audited(delivery, actor)
    delivery.save()
    return delivery


@transaction.atomic
def delivery_update(
    *, actor: Any, delivery: Delivery, data: dict[str, Any], expected_version: int | None
) -> Delivery:
    _deny_unless(
        can_edit_member_items(actor, delivery.commitment.member),
        _("You may only change your own organisation's deliveries."),
    )
    fields = _pick(data, DELIVERY_FIELDS)
    return save_versioned(delivery, expected_version=expected_version, actor=actor, fields=fields)


@transaction.atomic
def delivery_delete(*, actor: Any, delivery: Delivery) -> None:
    _deny_unless(
        can_edit_member_items(actor, delivery.commitment.member),
        _("You may only delete your own organisation's deliveries."),
    )
    _audited(delivery, actor)
    delivery.delete()


# --- objectives -----------------------------------------------------------------------------------


@transaction.atomic
def objective_create(*, actor: Any, member: PartnershipMember, data: dict[str, Any]) -> Objective:
    _deny_unless(
        can_edit_member_items(actor, member),
        _("You may only record objectives for your own organisation."),
    )
    objective = Objective(member=member, **_pick(data, OBJECTIVE_FIELDS))
    objective.full_clean()
    _audited(objective, actor)
    objective.save()
    return objective


@transaction.atomic
def objective_update(
    *, actor: Any, objective: Objective, data: dict[str, Any], expected_version: int | None
) -> Objective:
    _deny_unless(
        can_edit_member_items(actor, objective.member),
        _("You may only change your own organisation's objectives."),
    )
    fields = _pick(data, OBJECTIVE_FIELDS)
    return save_versioned(objective, expected_version=expected_version, actor=actor, fields=fields)


@transaction.atomic
def objective_delete(*, actor: Any, objective: Objective) -> None:
    _deny_unless(
        can_edit_member_items(actor, objective.member),
        _("You may only delete your own organisation's objectives."),
    )
    _audited(objective, actor)
    objective.delete()


# --- documents ------------------------------------------------------------------------------------


def _check_storage_quota(member: PartnershipMember, size: int) -> None:
    """An organisation keeps at most MITRA_ORGANISATION_STORAGE_BYTES of documents in all its
    partnerships together (the disk is shared by every organisation on the platform)."""
    from django.conf import settings

    quota = int(getattr(settings, "MITRA_ORGANISATION_STORAGE_BYTES", 0) or 0)
    if not quota:
        return
    used = (
        Document.objects.filter(owner__organisation_id=member.organisation_id).aggregate(
            total=models.Sum("size")
        )["total"]
        or 0
    )
    if used + size > quota:
        raise ApplicationError(
            _(
                "Your organisation's documents would then take more than its %(gb)s GB of "
                "storage (%(used)s MB used). Delete old versions, or ask the platform team."
            )
            % {"gb": format_number(quota / 1024**3, 0), "used": format_number(used / 1024**2, 0)},
            {"field": "file"},
        )


@transaction.atomic
def document_create(
    *, actor: Any, member: PartnershipMember, data: dict[str, Any], file: Any
) -> Document:
    _deny_unless(
        can_edit_member_items(actor, member),
        _("You may only upload documents for your own organisation."),
    )
    from django.conf import settings

    if file is None:
        raise ApplicationError(_("Choose a file to upload."), {"field": "file"})
    if file.size > settings.MITRA_MAX_DOCUMENT_BYTES:
        raise ApplicationError(
            _("The file is larger than %(mb)d MB.")
            % {"mb": settings.MITRA_MAX_DOCUMENT_BYTES // 2**20},
            {"field": "file"},
        )
    _check_storage_quota(member, file.size)
    document = Document(
        partnership=member.partnership,
        owner=member,
        file=file,
        size=file.size,
        **_pick(data, DOCUMENT_FIELDS),
    )
    document.full_clean()
    _audited(document, actor)
    document.save()
    return document


@transaction.atomic
def document_update(
    *, actor: Any, document: Document, data: dict[str, Any], expected_version: int | None
) -> Document:
    _deny_unless(
        can_edit_member_items(actor, document.owner),
        _("You may only change your own organisation's documents."),
    )
    fields = _pick(data, DOCUMENT_FIELDS)
    return save_versioned(document, expected_version=expected_version, actor=actor, fields=fields)


@transaction.atomic
def document_delete(*, actor: Any, document: Document) -> None:
    _deny_unless(
        can_edit_member_items(actor, document.owner),
        _("You may only delete your own organisation's documents."),
    )
    for delivery in Delivery.objects.filter(evidence=document):
        save_versioned(
            delivery, expected_version=delivery.version, actor=actor, fields={"evidence": None}
        )
    _audited(document, actor)
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))
