"""Writes of coordination: invitations, sign-offs, moving the stage through the gate, leaving.

Each service checks permission inside, writes in a transaction, records who did it (history or
an audit row) and tells the people concerned through ``notifications.services.notify``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mitra.core.concurrency import save_versioned
from mitra.core.errors import ApplicationError, PermissionDenied, StaleEdit
from mitra.notifications.services import notify
from mitra.organisations.models import Organisation
from mitra.organisations.permissions import user_admin_organisation_ids
from mitra.partnerships import services as partnership_services
from mitra.partnerships.models import (
    STAGE_ORDER,
    Partnership,
    PartnershipMember,
    Role,
    Stage,
)
from mitra.partnerships.permissions import can_manage_partnership

from . import selectors
from .hooks import invitation_answered
from .models import (
    ApprovalPolicy,
    DeadlineExtension,
    Decision,
    Departure,
    Invitation,
    InvitationStatus,
    SignOff,
    StageChange,
)


class GateClosed(ApplicationError):
    """The stage cannot move: ``extra["missing"]`` says what is still missing (422)."""

    status = 422


def _audited(instance: Any, actor: Any) -> None:
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None


def lifecycle_url(partnership: Partnership) -> str:
    return reverse("partnerships:tab", args=[partnership.pk, "lifecycle"])


def _lead_organisations(partnership: Partnership) -> list[Organisation]:
    return [
        m.organisation
        for m in partnership.members.filter(left_on__isnull=True).select_related("organisation")
        if Role.LEAD in m.roles
    ]


def _current_organisations(partnership: Partnership) -> list[Organisation]:
    return [
        m.organisation
        for m in partnership.members.filter(left_on__isnull=True).select_related("organisation")
    ]


# --- invitations ----------------------------------------------------------------------------------


@transaction.atomic
def invitation_create(
    *,
    actor: Any,
    partnership: Partnership,
    organisation: Organisation,
    roles: list[str],
    message: str = "",
) -> Invitation:
    """The lead invites ``organisation``; it becomes a partner only when one of its admins
    accepts."""
    if not can_manage_partnership(actor, partnership):
        raise PermissionDenied(_("Only administrators of the lead partner may invite partners."))
    if partnership.members.filter(organisation=organisation).exists():
        raise ApplicationError(
            _("This organisation is already a partner, or was one."), {"field": "organisation"}
        )
    if partnership.invitations.filter(
        organisation=organisation, status=InvitationStatus.PENDING
    ).exists():
        raise ApplicationError(
            _("This organisation is already invited."), {"field": "organisation"}
        )
    roles = [r for r in dict.fromkeys(roles) if r != Role.LEAD]
    if not roles:
        raise ValidationError({"roles": _("Choose at least one role.")})
    if not all(r in Role.values for r in roles):
        raise ValidationError({"roles": _("Unknown role.")})
    invitation = Invitation(
        partnership=partnership,
        organisation=organisation,
        roles=roles,
        message=message.strip(),
        invited_by=actor,
    )
    invitation.full_clean()
    _audited(invitation, actor)
    invitation.save()
    notify(
        kind="coordination.invited",
        actor=actor,
        organisations=[organisation],
        partnership_id=partnership.pk,
        url=reverse("coordination:invitations"),
        params={"organisation": organisation.name, "partnership": partnership.title},
    )
    return invitation


def _answerable(actor: Any, invitation: Invitation) -> None:
    if invitation.organisation_id not in user_admin_organisation_ids(actor):
        raise PermissionDenied(
            _("Only administrators of the invited organisation may answer this invitation.")
        )
    if invitation.status != InvitationStatus.PENDING:
        raise ApplicationError(
            _("This invitation has already been answered or withdrawn."), {"field": "status"}
        )


@transaction.atomic
def invitation_accept(*, actor: Any, invitation: Invitation, message: str = "") -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _answerable(actor, invitation)
    partnership = invitation.partnership
    member = partnership_services.member_add(
        actor=actor,
        partnership=partnership,
        organisation=invitation.organisation,
        roles=invitation.roles,
        by_invitation=True,
    )
    invitation.status = InvitationStatus.ACCEPTED
    invitation.responded_by = actor
    invitation.response = message.strip()
    invitation.responded_at = timezone.now()
    invitation.member = member
    invitation.version += 1
    _audited(invitation, actor)
    invitation.save()
    invitation_answered(invitation=invitation, actor=actor)
    notify(
        kind="coordination.invitation_accepted",
        actor=actor,
        organisations=_lead_organisations(partnership),
        partnership_id=partnership.pk,
        url=reverse("partnerships:tab", args=[partnership.pk, "partners"]),
        params={"organisation": invitation.organisation.name, "partnership": partnership.title},
    )
    return invitation


@transaction.atomic
def invitation_decline(*, actor: Any, invitation: Invitation, message: str = "") -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _answerable(actor, invitation)
    invitation.status = InvitationStatus.DECLINED
    invitation.responded_by = actor
    invitation.response = message.strip()
    invitation.responded_at = timezone.now()
    invitation.version += 1
    _audited(invitation, actor)
    invitation.save()
    invitation_answered(invitation=invitation, actor=actor)
    partnership = invitation.partnership
    notify(
        kind="coordination.invitation_declined",
        actor=actor,
        organisations=_lead_organisations(partnership),
        partnership_id=partnership.pk,
        url=reverse("partnerships:tab", args=[partnership.pk, "partners"]),
        params={"organisation": invitation.organisation.name, "partnership": partnership.title},
    )
    return invitation


@transaction.atomic
def invitation_withdraw(*, actor: Any, invitation: Invitation) -> Invitation:
    if not can_manage_partnership(actor, invitation.partnership):
        raise PermissionDenied(_("Only administrators of the lead partner may withdraw it."))
    if invitation.status != InvitationStatus.PENDING:
        raise ApplicationError(_("This invitation has already been answered or withdrawn."))
    invitation.status = InvitationStatus.WITHDRAWN
    invitation.responded_by = actor
    invitation.responded_at = timezone.now()
    invitation.version += 1
    _audited(invitation, actor)
    invitation.save()
    invitation_answered(invitation=invitation, actor=actor)
    return invitation


# --- leaving --------------------------------------------------------------------------------------


@transaction.atomic
def member_leave(
    *, actor: Any, member: PartnershipMember, reason: str, expected_version: int | None
) -> list[str]:
    """The partner leaves with a reason. Returns the sectors the form now misses (the page
    warns)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the partner leaves.")})
    partnership = member.partnership
    partnership_services.member_leave(actor=actor, member=member, expected_version=expected_version)
    Departure.objects.create(
        partnership=partnership, organisation=member.organisation, reason=reason, actor=actor
    )
    missing = partnership_services.missing_sectors(partnership)
    notify(
        kind="coordination.partner_left",
        actor=actor,
        organisations=_current_organisations(partnership),
        partnership_id=partnership.pk,
        url=reverse("partnerships:tab", args=[partnership.pk, "partners"]),
        params={"organisation": member.organisation.name, "partnership": partnership.title},
    )
    return missing


# --- sign-offs ------------------------------------------------------------------------------------


@transaction.atomic
def sign_off(
    *,
    actor: Any,
    partnership: Partnership,
    step: str,
    decision: str,
    note: str = "",
    organisation_id: int | None = None,
) -> SignOff:
    """A designated approver of a required partner approves or rejects a step (a rejection
    says why). The step counts once each required party's internal chain is complete."""
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Approve or reject.")})
    note = (note or "").strip()
    if decision == Decision.REJECT and not note:
        raise ValidationError({"note": _("Say why you reject this step.")})
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    state = selectors.lifecycle_state(partnership=partnership)
    step_state = state.step(step)
    if step_state is None:
        raise ValidationError({"step": _("This step is not in the partnership's lifecycle.")})
    mine = selectors.my_sign_off_members(actor, state, step_state)
    if organisation_id is not None:
        mine = [m for m in mine if m.member.organisation_id == organisation_id]
    if not mine:
        raise PermissionDenied(
            _("Your organisation does not sign this step off, or you are not its approver.")
        )
    if partnership.stage in (Stage.CLOSED, Stage.CANCELLED) or (
        STAGE_ORDER.index(step_state.stage) > STAGE_ORDER.index(partnership.stage)
    ):
        raise ApplicationError(
            _("This step belongs to a later stage: it cannot be signed off yet."),
            {"field": "step"},
        )
    chosen = {m.member.pk: m for m in mine}
    if len(chosen) > 1:
        raise ApplicationError(
            _("You approve for several partners: choose which one signs."),
            {"field": "organisation_id"},
        )
    member_state = next(iter(chosen.values()))
    record = SignOff(
        partnership=partnership,
        step=step,
        member=member_state.member,
        user=actor,
        decision=decision,
        note=note,
    )
    _audited(record, actor)
    record.save()
    after = selectors.lifecycle_state(partnership=partnership)
    step_after = after.step(step)
    params = {"partnership": partnership.title, "step": step_state.step.label}
    url = lifecycle_url(partnership)
    org = member_state.member.organisation
    if decision == Decision.REJECT:
        notify(
            kind="coordination.signoff_rejected",
            actor=actor,
            organisations=_lead_organisations(partnership),
            partnership_id=partnership.pk,
            url=url,
            params={**params, "organisation": org.name},
        )
    else:
        mine_after = next(
            (
                m
                for p in step_after.parties  # type: ignore[union-attr]
                for m in p.members
                if m.member.pk == member_state.member.pk
            ),
            None,
        )
        if mine_after is not None and not mine_after.counts:
            # The organisation's internal chain: tell its other approvers.
            from django.contrib.auth import get_user_model

            others = get_user_model().objects.filter(
                pk__in=mine_after.approver_ids - {a.user_id for a in mine_after.approvals}
            )
            notify(
                kind="coordination.signoff_requested",
                actor=actor,
                users=others,
                partnership_id=partnership.pk,
                url=url,
                params=params,
                feed=False,
                followers=False,
            )
        if after.gate_open and not state.gate_open and after.next_stage:
            notify(
                kind="coordination.gate_open",
                actor=actor,
                organisations=_lead_organisations(partnership),
                partnership_id=partnership.pk,
                url=url,
                params={**params, "stage": Stage(after.next_stage).label},
            )
    return record


# --- the stage ------------------------------------------------------------------------------------


def _request_sign_offs(actor: Any, partnership: Partnership) -> None:
    """Tell the partners who sign off the steps of the (new) current stage."""
    state = selectors.lifecycle_state(partnership=partnership)
    for org, steps in state.waiting_for():
        notify(
            kind="coordination.signoff_requested",
            actor=actor,
            organisations=[org],
            partnership_id=partnership.pk,
            url=lifecycle_url(partnership),
            params={
                "partnership": partnership.title,
                "step": format_lazy(", ".join(["{}"] * len(steps)), *steps),
            },
            feed=False,
            followers=False,
        )


@transaction.atomic
def stage_move(
    *,
    actor: Any,
    partnership: Partnership,
    stage: str,
    expected_version: int | None,
    reason: str = "",
) -> Partnership:
    """Move forward one stage when the gate is open; go back (or cancel) with a reason."""
    if not can_manage_partnership(actor, partnership):
        raise PermissionDenied(_("Only administrators of the lead partner may move the stage."))
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Unknown stage.")})
    if expected_version is not None and expected_version != partnership.version:
        fresh = Partnership.objects.get(pk=partnership.pk)
        from mitra.core.history import changes_since

        raise StaleEdit(
            _(
                "Someone else saved this partnership after you opened it. Nothing was saved; "
                "review their changes and try again."
            ),
            current=fresh,
            changes=changes_since(fresh, expected_version),
        )
    current = partnership.stage
    reason = (reason or "").strip()
    if stage == current:
        raise ValidationError({"stage": _("The partnership is already in this stage.")})
    state = selectors.lifecycle_state(partnership=partnership)
    going_back = stage == Stage.CANCELLED or (
        current == Stage.CANCELLED or STAGE_ORDER.index(stage) < STAGE_ORDER.index(current)
    )
    if going_back:
        if not reason:
            raise ValidationError(
                {"reason": _("Say why the partnership goes back or is cancelled.")}
            )
    else:
        if stage != state.next_stage:
            next_label = Stage(state.next_stage).label if state.next_stage else "—"
            raise GateClosed(
                _(
                    "A partnership moves forward one stage at a time, through its gate: the "
                    "next stage is %(next)s."
                )
                % {"next": next_label},
                {"field": "stage", "missing": state.missing()},
            )
        if not state.gate_open:
            raise GateClosed(
                _("The gate of this stage is closed: some steps are not complete."),
                {"field": "stage", "missing": state.missing()},
            )
    saved = partnership_services.partnership_set_stage(
        actor=actor,
        partnership=partnership,
        stage=stage,
        reason=reason,
        expected_version=expected_version,
    )
    StageChange.objects.create(
        partnership=saved, from_stage=current, to_stage=stage, reason=reason, actor=actor
    )
    params = {
        "partnership": saved.title,
        "from": Stage(current).label,
        "to": Stage(stage).label,
        "reason": reason,
    }
    if going_back:
        # The stages to redo are signed off again: their sign-offs are withdrawn (kept).
        if stage in STAGE_ORDER:
            redo = {
                s.key
                for st in state.lifecycle.stages
                if STAGE_ORDER.index(st.stage) >= STAGE_ORDER.index(stage)
                for s in st.steps
            }
            SignOff.objects.filter(
                partnership=saved, step__in=redo, withdrawn_at__isnull=True
            ).update(withdrawn_at=timezone.now())
        notify(
            kind="coordination.stage_back",
            actor=actor,
            organisations=_current_organisations(saved),
            partnership_id=saved.pk,
            url=lifecycle_url(saved),
            params=params,
        )
    else:
        notify(
            kind="coordination.stage_changed",
            actor=actor,
            organisations=_current_organisations(saved),
            partnership_id=saved.pk,
            url=lifecycle_url(saved),
            params=params,
        )
    _request_sign_offs(actor, saved)
    return saved


# --- an organisation's approval policy ------------------------------------------------------------


def can_set_approval_policy(actor: Any, organisation: Organisation) -> bool:
    """The organisation's administrators (and platform staff) set how it signs off."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return bool(actor.is_staff) or organisation.pk in user_admin_organisation_ids(actor)


@transaction.atomic
def approval_policy_set(
    *,
    actor: Any,
    organisation: Organisation,
    required_approvals: int,
    approver_ids: list[int],
    expected_version: int | None,
) -> ApprovalPolicy:
    """Set how many of the organisation's approvers must approve a step, and who they are
    (nobody named: its administrators). ``expected_version`` is the policy's version the form
    was opened on (None or 0 when it had none yet); an older one raises ``StaleEdit``."""
    if not can_set_approval_policy(actor, organisation):
        raise PermissionDenied(
            _("Only administrators of this organisation may set how it approves.")
        )
    required = required_approvals
    if not 1 <= required <= 10:
        raise ValidationError({"required_approvals": _("Between 1 and 10 approvals are required.")})
    chosen = set(approver_ids)
    members = selectors.organisation_user_ids(organisation)
    if chosen - members:
        raise ValidationError(
            {"approvers": _("Designated approvers must be users of the organisation.")}
        )
    if chosen and len(chosen) < required:
        raise ValidationError(
            {
                "approvers": _("Choose at least as many approvers as approvals required (%(n)s).")
                % {"n": required}
            }
        )
    if not chosen:
        admins = selectors.organisation_admin_ids(organisation)
        if required > len(admins):
            raise ValidationError(
                {
                    "required_approvals": _(
                        "Without designated approvers its administrators approve, and it has "
                        "%(n)s: no more approvals than that can be required."
                    )
                    % {"n": len(admins)}
                }
            )
    policy = ApprovalPolicy.objects.select_for_update().filter(organisation=organisation).first()
    if policy is None:
        if expected_version:
            raise ApplicationError(
                _("This policy changed after you opened it: reload the page."),
                {"field": "version"},
            )
        policy = ApprovalPolicy(organisation=organisation, required_approvals=required)
        policy.full_clean()
        _audited(policy, actor)
        policy.save()
    else:
        policy = save_versioned(
            policy,
            expected_version=expected_version if expected_version else 0,
            actor=actor,
            fields={"required_approvals": required},
        )
    _audited(policy, actor)
    policy.approvers.set(sorted(chosen))
    return policy


# --- deadline extensions --------------------------------------------------------------------------


@transaction.atomic
def deadline_extend(
    *,
    actor: Any,
    partnership: Partnership,
    step: str,
    to_date: datetime.date,
    reason: str,
    expected_due: datetime.date | None = None,
) -> DeadlineExtension:
    """The lead partner's administrators move an extendable step's deadline later, with a
    reason; the countdown then follows the new date. ``expected_due`` is the due date the form
    showed: if someone extended it meanwhile, nothing is saved."""
    if not can_manage_partnership(actor, partnership):
        raise PermissionDenied(_("Only administrators of the lead partner may extend a deadline."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the deadline is extended.")})
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    state = selectors.lifecycle_state(partnership=partnership)
    step_state = state.step(step)
    if step_state is None:
        raise ValidationError({"step": _("This step is not in the partnership's lifecycle.")})
    deadline = step_state.deadline
    if deadline is None or not deadline.extendable:
        raise ApplicationError(_("This step's deadline may not be extended."), {"field": "step"})
    if deadline.met:
        raise ApplicationError(_("This step is complete: its deadline is met."), {"field": "step"})
    if deadline.due is None:
        raise ApplicationError(
            _("This deadline has not started yet: there is no date to extend."),
            {"field": "step"},
        )
    if expected_due is not None and expected_due != deadline.due:
        raise ApplicationError(
            _(
                "Someone changed this deadline after you opened the page (it is now due "
                "%(due)s). Nothing was saved; try again."
            )
            % {"due": formats.date_format(deadline.due, "SHORT_DATE_FORMAT")},
            {"field": "to_date"},
        )
    if to_date <= deadline.due:
        raise ValidationError(
            {
                "to_date": _("The new date must be after the current due date (%(due)s).")
                % {"due": formats.date_format(deadline.due, "SHORT_DATE_FORMAT")}
            }
        )
    record = DeadlineExtension(
        partnership=partnership,
        step=step,
        from_date=deadline.due,
        to_date=to_date,
        reason=reason,
        actor=actor,
    )
    record.full_clean()
    _audited(record, actor)
    record.save()
    notify(
        kind="coordination.deadline_extended",
        actor=actor,
        organisations=_current_organisations(partnership),
        partnership_id=partnership.pk,
        url=lifecycle_url(partnership),
        params={
            "partnership": partnership.title,
            "step": step_state.step.label,
            "from": record.from_date.isoformat(),  # each reader reads it their way
            "to": record.to_date.isoformat(),
            "reason": reason,
        },
    )
    return record
