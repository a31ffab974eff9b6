"""The review queue of uncertain organisation matches: staff accept (merge) or reject."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.core.errors import ApplicationError, PermissionDenied
from mitra.organisations.models import Organisation
from mitra.partnerships.models import MemberRole, PartnershipMember

from .models import OrganisationMatchReview, ReviewStatus
from .services import can_import


def _audited(instance: Any, actor: Any) -> None:
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def review_resolve(
    *, actor: Any, review: OrganisationMatchReview, accept: bool
) -> OrganisationMatchReview:
    """Accept: the imported spelling is the candidate — its partnerships move to the candidate,
    the spelling becomes one of the candidate's aliases, and the organisation created for it is
    deleted when nothing else refers to it. Reject: both organisations stay as they are."""
    if not can_import(actor):
        raise PermissionDenied(_("Only platform staff may review organisation matches."))
    review = OrganisationMatchReview.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.PENDING:
        raise ApplicationError(_("This match has already been reviewed."))
    if accept:
        if review.candidate is None:
            raise ApplicationError(_("The candidate organisation no longer exists."))
        candidate = Organisation.objects.select_for_update().get(pk=review.candidate_id)
        if review.imported_name not in candidate.aliases:
            candidate.aliases = [*candidate.aliases, review.imported_name]
            candidate.version += 1
            _audited(candidate, actor)
            candidate.save()
        duplicate = review.organisation
        if duplicate is not None and duplicate.pk != candidate.pk:
            for member in PartnershipMember.objects.filter(organisation=duplicate):
                existing = PartnershipMember.objects.filter(
                    partnership_id=member.partnership_id, organisation=candidate
                ).first()
                if existing is not None:
                    existing.roles = [
                        *existing.roles,
                        *[r for r in member.roles if r not in existing.roles],
                    ]
                    if member.equity_share is not None:  # the same organisation: shares add up
                        existing.equity_share = min(
                            Decimal(100),
                            (existing.equity_share or Decimal(0)) + member.equity_share,
                        )
                    existing.version += 1
                    _audited(existing, actor)
                    existing.save()
                    MemberRole.objects.bulk_create(
                        [MemberRole(member=existing, role=r) for r in existing.roles],
                        ignore_conflicts=True,
                    )
                    _audited(member, actor)
                    member.delete()
                else:
                    member.organisation = candidate
                    member.version += 1
                    _audited(member, actor)
                    member.save()
            # Other spellings queued against the duplicate now ask about the candidate (deleting
            # the duplicate would otherwise drop them from the queue: the FK cascades).
            kept = False
            for other in OrganisationMatchReview.objects.filter(candidate=duplicate):
                if other.organisation_id == candidate.pk or (
                    OrganisationMatchReview.objects.filter(
                        imported_name=other.imported_name, candidate=candidate
                    ).exists()
                ):
                    kept = True
                else:
                    other.candidate = candidate
                    other.save(update_fields=["candidate"])
            if (
                not kept
                and not duplicate.memberships.exists()
                and not duplicate.partnership_memberships.exists()
            ):
                OrganisationMatchReview.objects.filter(organisation=duplicate).update(
                    organisation=None
                )
                _audited(duplicate, actor)
                duplicate.delete()
                review.organisation = None
        review.status = ReviewStatus.ACCEPTED
    else:
        review.status = ReviewStatus.REJECTED
    review.resolved_at = timezone.now()
    review.resolved_by = actor if getattr(actor, "is_authenticated", False) else None
    review.save()
    return review
