"""Telling people: ``notify`` is the one entry point every app calls.

Usage (from any capability's service, after its write)::

    from mitra.notifications.services import notify
    notify(
        kind="coordination.signoff_requested",
        actor=actor,
        organisations=[member.organisation],   # its admins are told
        users=[],                                # and/or these people
        partnership_id=partnership.pk,
        url=reverse("partnerships:detail", args=[partnership.pk]) + "?tab=lifecycle",
        params={"partnership": partnership.title, "step": step_label},
    )

Register the kind first (``kinds.register_kind``) in the app's ``ready()``. Params are plain
strings (names, titles, dates) - never a confidential amount: an e-mail leaves the platform.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from mitra.organisations.models import Organisation, OrganisationMembership, OrganisationRole

from .models import Activity, Notification


def _recipients(
    users: Iterable[Any], organisations: Iterable[Organisation], actor: Any
) -> list[Any]:
    ids = {u.pk for u in users}
    org_ids = [o.pk for o in organisations]
    if org_ids:
        ids |= set(
            OrganisationMembership.objects.filter(
                organisation_id__in=org_ids, role=OrganisationRole.ADMIN
            ).values_list("user_id", flat=True)
        )
    if actor is not None and getattr(actor, "pk", None) is not None:
        ids.discard(actor.pk)
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))


@transaction.atomic
def notify(
    *,
    kind: str,
    actor: Any = None,
    users: Iterable[Any] = (),
    organisations: Iterable[Organisation] = (),
    partnership_id: int | None = None,
    url: str = "",
    params: dict[str, Any] | None = None,
    feed: bool = True,
    internal: bool = True,
) -> list[Notification]:
    """Tell ``users`` and the admins of ``organisations`` (never the actor) and, when
    ``partnership_id`` is given and ``feed`` is True, add one entry to that partnership's feed.

    E-mails go out after the transaction commits, by each recipient's preference
    (``delivery.send_immediate``).
    """
    params = {k: str(v) for k, v in (params or {}).items()}
    actor_obj = actor if getattr(actor, "pk", None) is not None else None
    created = [
        Notification(
            recipient=user,
            kind=kind,
            actor=actor_obj,
            partnership_id=partnership_id,
            params=params,
            url=url,
        )
        for user in _recipients(users, organisations, actor)
    ]
    Notification.objects.bulk_create(created)
    if partnership_id is not None and feed:
        Activity.objects.create(
            partnership_id=partnership_id,
            kind=kind,
            actor=actor_obj,
            params=params,
            url=url,
            internal=internal,
        )
    if created:
        from . import delivery

        ids = [n.pk for n in created if n.pk is not None]
        transaction.on_commit(lambda: delivery.send_immediate(ids))
    return created
