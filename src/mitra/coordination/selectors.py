"""Reads of coordination: the lifecycle state of a partnership (its checklist and gate) and
invitations. Every read is filtered by what the user may see."""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.core.choices import Confidentiality
from mitra.core.errors import PermissionDenied
from mitra.organisations.models import OrganisationMembership, OrganisationRole
from mitra.organisations.permissions import user_admin_organisation_ids
from mitra.partnerships.models import (
    STAGE_ORDER,
    DocumentType,
    Partnership,
    PartnershipMember,
    Role,
    Stage,
)
from mitra.partnerships.permissions import can_view_internal

from .definitions import Lifecycle, LifecycleStage, Party, Step, check_get, check_label
from .definitions import lifecycle_for as lifecycle_for
from .models import (
    ApprovalPolicy,
    DeadlineExtension,
    Decision,
    Invitation,
    InvitationStatus,
    SignOff,
)

#: A deadline warns this many days before it falls due.
WARN_DAYS = 60


def step_choices(partnership: Any) -> list[tuple[str, str]]:
    """(step key, "Stage · step" label in the active language) of the partnership's lifecycle,
    in order: what a workplan task may link to."""
    lifecycle = lifecycle_for(partnership)
    return [
        (step.key, f"{stage.label} · {step.label}")
        for stage in lifecycle.stages
        for step in stage.steps
    ]


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- the state of a lifecycle -------------------------------------------------------------------


@dataclass
class MemberSignOff:
    """Where one partner organisation stands on one step."""

    member: Any
    required: int
    approvals: list[Any] = field(default_factory=list)  # the SignOffs that count, one per person
    rejections: list[Any] = field(default_factory=list)
    approver_ids: set[int] = field(default_factory=set)

    @property
    def counts(self) -> bool:
        return not self.rejections and len(self.approvals) >= self.required

    @property
    def status(self) -> str:
        if self.rejections:
            return "rejected"
        return "signed" if self.counts else "pending"


@dataclass
class PartyState:
    party: Party
    members: list[MemberSignOff]

    @property
    def satisfied(self) -> bool:
        return any(m.counts for m in self.members)


@dataclass
class OutputState:
    kind: str  # "document" | "document_any" | "check"
    codes: tuple[str, ...]
    label: str
    present: bool
    #: False for a named check no installed app registered: it cannot be verified here and
    #: does not hold the gate (the page says so).
    verified: bool = True


@dataclass
class DeadlineState:
    due: datetime.date | None
    days_left: int | None
    source: str
    extendable: bool
    after_label: str
    met: bool
    #: The due date the lifecycle sets, before any extension.
    original_due: datetime.date | None = None
    #: The step's extensions, oldest first (``DeadlineExtension``).
    extensions: list[Any] = field(default_factory=list)

    @property
    def overdue_days(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def level(self) -> str:
        """ "met", "waiting" (its start is not reached), "ok", "warning" or "overdue"."""
        if self.met:
            return "met"
        if self.days_left is None:
            return "waiting"
        if self.days_left < 0:
            return "overdue"
        return "warning" if self.days_left <= WARN_DAYS else "ok"


@dataclass
class StepState:
    step: Step
    stage: str
    outputs: list[OutputState]
    parties: list[PartyState]
    deadline: DeadlineState | None = None
    completed_at: datetime.datetime | None = None
    #: The partners through which the reader may sign it off (filled for pages).
    mine: list[MemberSignOff] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(o.present for o in self.outputs) and all(p.satisfied for p in self.parties)

    def missing(self) -> list[str]:
        """What keeps the step open, in plain words."""
        out = [
            _("%(step)s: %(output)s is missing.") % {"step": self.step.label, "output": o.label}
            for o in self.outputs
            if not o.present
        ]
        for party in self.parties:
            if party.satisfied:
                continue
            if not party.members:
                out.append(
                    _("%(step)s: no current partner is %(party)s; invite one.")
                    % {"step": self.step.label, "party": party.party.label}
                )
                continue
            for m in party.members:
                name = m.member.organisation.name
                if m.rejections:
                    out.append(
                        _("%(step)s: %(organisation)s rejected it.")
                        % {"step": self.step.label, "organisation": name}
                    )
                else:
                    out.append(
                        _("%(step)s: sign-off of %(organisation)s (%(done)s of %(required)s).")
                        % {
                            "step": self.step.label,
                            "organisation": name,
                            "done": len(m.approvals),
                            "required": m.required,
                        }
                    )
        return out


@dataclass
class StageState:
    lstage: LifecycleStage
    steps: list[StepState]
    position: str  # "done" | "current" | "future"
    #: Whether one of its steps waits for the reader's own sign-off (filled for pages).
    awaits_me: bool = False
    #: Whether the page shows it unfolded (the current stage is never folded).
    unfolded: bool = False

    @property
    def stage(self) -> str:
        return self.lstage.stage

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.complete)

    @property
    def complete(self) -> bool:
        return all(s.complete for s in self.steps)


@dataclass
class LifecycleState:
    lifecycle: Lifecycle
    partnership: Partnership
    stages: list[StageState]
    next_stage: str | None
    previous_stage: str | None

    @property
    def current(self) -> StageState | None:
        return next((s for s in self.stages if s.position == "current"), None)

    @property
    def gate_open(self) -> bool:
        current = self.current
        if self.next_stage is None:
            return False
        return current is None or current.complete

    def missing(self) -> list[str]:
        current = self.current
        return [m for s in (current.steps if current else []) for m in s.missing()]

    def step(self, key: str) -> StepState | None:
        return next((s for st in self.stages for s in st.steps if s.step.key == key), None)

    def deadlines(self) -> list[StepState]:
        return [
            s
            for st in self.stages
            for s in st.steps
            if s.deadline is not None and s.deadline.level in ("ok", "warning", "overdue")
        ]

    def waiting_for(self) -> list[tuple[Any, list[str]]]:
        """(organisation, [step labels]) of the partners who still have to sign off a step of
        the current stage."""
        current = self.current
        waiting: dict[int, tuple[Any, list[str]]] = {}
        for s in current.steps if current else []:
            for party in s.parties:
                if party.satisfied:
                    continue
                for m in party.members:
                    org = m.member.organisation
                    # The label itself (not its words now): a notification stores both languages.
                    waiting.setdefault(org.pk, (org, []))[1].append(s.step.label)
        return list(waiting.values())


def approvers_by_organisation(org_ids: set[int]) -> dict[int, tuple[int, set[int]]]:
    """organisation id → (approvals required, ids of its designated approvers)."""
    admins: dict[int, set[int]] = defaultdict(set)
    for org_id, user_id in OrganisationMembership.objects.filter(
        organisation_id__in=org_ids, role=OrganisationRole.ADMIN
    ).values_list("organisation_id", "user_id"):
        admins[org_id].add(user_id)
    result = {org_id: (1, admins[org_id]) for org_id in org_ids}
    for policy in ApprovalPolicy.objects.filter(organisation_id__in=org_ids).prefetch_related(
        "approvers"
    ):
        named = {u.pk for u in policy.approvers.all()}
        result[policy.organisation_id] = (
            policy.required_approvals,
            named or admins[policy.organisation_id],
        )
    return result


def _matches(party: Party, member: Any) -> bool:
    if party.role:
        return party.role in (member.roles or [])
    return member.organisation.sector == party.sector


def _document_output(codes: tuple[str, ...], present: set[str], kind: str) -> OutputState:
    labels = [str(DocumentType(c).label) for c in codes]
    label = labels[0] if len(labels) == 1 else _(" or ").join(labels)
    return OutputState(kind, codes, label, any(c in present for c in codes))


def lifecycle_state(
    *, partnership: Partnership, today: datetime.date | None = None
) -> LifecycleState:
    """The whole checklist of a partnership (no permission check: callers check)."""
    lifecycle = lifecycle_for(partnership)
    today = today or timezone.localdate()
    members = list(partnership.members.filter(left_on__isnull=True).select_related("organisation"))
    present_docs = set(
        partnership.documents.exclude(confidentiality=Confidentiality.OWNER).values_list(
            "doc_type", flat=True
        )
    )
    policies = approvers_by_organisation({m.organisation_id for m in members})
    latest: dict[tuple[str, int, int | None], SignOff] = {}  # (step, member, user)
    for signoff in SignOff.objects.filter(
        partnership=partnership, withdrawn_at__isnull=True
    ).select_related("user"):
        latest[(signoff.step, signoff.member_id, signoff.user_id)] = signoff  # ordered: last wins
    by_step_member: dict[tuple[str, int], list[SignOff]] = defaultdict(list)
    for (step_key, member_id, _user), signoff in latest.items():
        by_step_member[(step_key, member_id)].append(signoff)

    current = partnership.stage
    position_of = STAGE_ORDER.index(current) if current in STAGE_ORDER else None
    stages: list[StageState] = []
    completion: dict[str, datetime.datetime | None] = {}
    for lstage in lifecycle.stages:
        index = STAGE_ORDER.index(lstage.stage)
        if current == Stage.CANCELLED or position_of is None:
            position = "future"
        elif index < position_of:
            position = "done"
        elif index == position_of:
            position = "current"
        else:
            position = "future"
        step_states = []
        for step in lstage.steps:
            outputs = [_document_output((c,), present_docs, "document") for c in step.documents]
            if step.documents_any:
                outputs.append(_document_output(step.documents_any, present_docs, "document_any"))
            for key in step.checks:
                check = check_get(key)
                outputs.append(
                    OutputState(
                        "check",
                        (key,),
                        check_label(key),
                        check.test(partnership) if check else True,
                        verified=check is not None,
                    )
                )
            parties = []
            for party in step.sign_offs:
                states = []
                for member in members:
                    if not _matches(party, member):
                        continue
                    required, approvers = policies.get(member.organisation_id, (1, set()))
                    ms = MemberSignOff(member, required, approver_ids=approvers)
                    for so in by_step_member.get((step.key, member.pk), []):
                        if so.user_id not in approvers:
                            continue  # no longer a designated approver: does not count
                        (ms.approvals if so.decision == Decision.APPROVE else ms.rejections).append(
                            so
                        )
                    states.append(ms)
                parties.append(PartyState(party, states))
            state = StepState(step, lstage.stage, outputs, parties)
            if state.complete:
                times = [
                    so.created_at
                    for p in parties
                    for m in p.members
                    if m.counts
                    for so in m.approvals
                ]
                state.completed_at = max(times) if times else None
            completion[step.key] = state.completed_at
            step_states.append(state)
        stages.append(StageState(lstage, step_states, position))
    # deadlines, now that every step's completion is known; the latest extension sets the date
    extensions: dict[str, list[DeadlineExtension]] = defaultdict(list)
    for ext in DeadlineExtension.objects.filter(partnership=partnership).select_related("actor"):
        extensions[ext.step].append(ext)
    for st in stages:
        for s in st.steps:
            d = s.step.deadline
            if d is None:
                continue
            started = completion.get(d.after)
            original = add_months(timezone.localdate(started), d.months) if started else None
            moved = extensions.get(s.step.key, [])
            due = moved[-1].to_date if original and moved else original
            after = lifecycle.steps[d.after]
            s.deadline = DeadlineState(
                due,
                (due - today).days if due else None,
                d.source,
                d.extendable,
                str(after.label),
                s.complete,
                original_due=original,
                extensions=moved,
            )
    return LifecycleState(
        lifecycle,
        partnership,
        stages,
        lifecycle.next_stage(current) if current != Stage.CANCELLED else None,
        lifecycle.previous_stage(current) if current != Stage.CANCELLED else None,
    )


def lifecycle_get(*, user: Any, partnership: Partnership) -> LifecycleState:
    if not can_view_internal(user, partnership):
        raise PermissionDenied(_("Only partners see the lifecycle of this partnership."))
    return lifecycle_state(partnership=partnership)


def my_sign_off_members(user: Any, state: LifecycleState, step: StepState) -> list[MemberSignOff]:
    """The partner organisations through which ``user`` may sign ``step`` off."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [m for party in step.parties for m in party.members if user.pk in m.approver_ids]


# --- approval policies ----------------------------------------------------------------------------


def organisation_user_ids(organisation: Any) -> set[int]:
    return set(
        OrganisationMembership.objects.filter(organisation=organisation).values_list(
            "user_id", flat=True
        )
    )


def organisation_admin_ids(organisation: Any) -> set[int]:
    return set(
        OrganisationMembership.objects.filter(
            organisation=organisation, role=OrganisationRole.ADMIN
        ).values_list("user_id", flat=True)
    )


def organisation_users(organisation: Any) -> list[Any]:
    """The organisation's users (whom it may designate as approvers), by name."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(org_memberships__organisation=organisation, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


@dataclass
class PolicyView:
    """An organisation's approval policy as it applies (its defaults when none is saved)."""

    organisation: Any
    required_approvals: int
    approvers: list[Any]
    #: True when nobody is designated: its administrators approve.
    admins_approve: bool
    version: int
    saved: bool


def approval_policy_get(*, user: Any, organisation: Any) -> PolicyView:
    """The policy, for the organisation's users and platform staff."""
    from django.contrib.auth import get_user_model

    if not getattr(user, "is_authenticated", False) or not (
        user.is_staff or user.pk in organisation_user_ids(organisation)
    ):
        raise PermissionDenied(_("Only the organisation's users see how it approves."))
    policy = (
        ApprovalPolicy.objects.filter(organisation=organisation)
        .prefetch_related("approvers")
        .first()
    )
    named = sorted(policy.approvers.all(), key=lambda u: u.pk) if policy else []
    approvers = named or list(
        get_user_model()
        .objects.filter(pk__in=organisation_admin_ids(organisation))
        .order_by("first_name", "last_name", "username")
    )
    return PolicyView(
        organisation,
        policy.required_approvals if policy else 1,
        approvers,
        not named,
        policy.version if policy else 0,
        policy is not None,
    )


# --- invitations ----------------------------------------------------------------------------------


def invitations_for_user(*, user: Any) -> QuerySet[Invitation]:
    """Invitations to the user's organisations (admins answer them) and those sent by
    partnerships the user's organisation leads."""
    if not getattr(user, "is_authenticated", False):
        return Invitation.objects.none()
    admin_orgs = user_admin_organisation_ids(user)
    led = PartnershipMember.objects.filter(
        organisation_id__in=admin_orgs, left_on__isnull=True, role_rows__role=Role.LEAD
    ).values("partnership_id")
    return (
        Invitation.objects.filter(Q(organisation_id__in=admin_orgs) | Q(partnership_id__in=led))
        .select_related("partnership", "organisation", "invited_by")
        .distinct()
    )


def pending_invitations(*, partnership: Partnership) -> QuerySet[Invitation]:
    return partnership.invitations.filter(status=InvitationStatus.PENDING).select_related(
        "organisation"
    )


def invitation_get(*, user: Any, pk: int) -> Invitation:
    from mitra.core.errors import NotFound

    invitation = invitations_for_user(user=user).filter(pk=pk).first()
    if invitation is None:
        raise NotFound(_("No such invitation."))
    return invitation
