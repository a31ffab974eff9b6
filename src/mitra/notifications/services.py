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

Register the kind first (``kinds.register_kind``) in the app's ``ready()``. Params are names,
titles, dates - never a confidential amount: an e-mail leaves the platform. Pass words that
depend on the language lazily (a choice's ``label``, ``gettext_lazy``, a lifecycle step's label)
and the partnership's title as is: both languages are stored and each reader sees their own
(``kinds.localise_params``).

Followers: when ``partnership_id`` is given, the people who follow that partnership are told as
well (once, never the actor), if they may still see what happened: this app sits below
partnerships, so an app above it registers the check (``register_audience_check``; workplan does,
with ``partnerships.permissions``). Without a registered check no follower is told.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mitra.core.errors import NotFound, PermissionDenied
from mitra.organisations.models import Organisation, OrganisationMembership, OrganisationRole

from .kinds import localise_params
from .models import Activity, Follow, Frequency, Notification, Preference

#: ``check(user, partnership_id, internal) -> bool``: may this user be told of (or follow) an
#: activity of the partnership; ``internal`` for what only its partners may see.
AudienceCheck = Callable[[Any, int, bool], bool]
_AUDIENCE: list[AudienceCheck] = []


def register_audience_check(check: AudienceCheck) -> None:
    """Set who may follow a partnership and be told of its activity (one check; the last wins)."""
    _AUDIENCE[:] = [check]


def may_follow(user: Any, partnership_id: int, *, internal: bool = False) -> bool:
    if not getattr(user, "is_authenticated", False) or not _AUDIENCE:
        return False
    return bool(_AUDIENCE[0](user, partnership_id, internal))


def _followers(partnership_id: int, internal: bool) -> set[int]:
    follows = Follow.objects.filter(partnership_id=partnership_id).select_related("user")
    return {
        f.user_id
        for f in follows
        if f.user.is_active and may_follow(f.user, partnership_id, internal=internal)
    }


def _recipients(
    users: Iterable[Any],
    organisations: Iterable[Organisation],
    actor: Any,
    extra_ids: Iterable[int] = (),
) -> list[Any]:
    ids = {u.pk for u in users} | set(extra_ids)
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
    followers: bool = True,
) -> list[Notification]:
    """Tell ``users`` and the admins of ``organisations`` (never the actor) and, when
    ``partnership_id`` is given and ``feed`` is True, add one entry to that partnership's feed.
    With ``partnership_id`` and ``followers``, its followers are told too (each person once).

    E-mails go out after the transaction commits, by each recipient's preference
    (``delivery.send_immediate``).
    """
    params = localise_params(params, partnership_id)
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
        for user in _recipients(
            users,
            organisations,
            actor,
            _followers(partnership_id, internal) if partnership_id and followers else (),
        )
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


# --------------------------------------------------------------------------- the reader's side


def notification_mark_read(*, actor: Any, notification_id: int) -> Notification:
    """Mark one of the actor's notifications read (someone else's answers NotFound)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to read your notifications."))
    notification = Notification.objects.filter(pk=notification_id, recipient=actor).first()
    if notification is None:
        raise NotFound(_("Notification not found."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, actor: Any) -> int:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to read your notifications."))
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preference_get(user: Any) -> Preference:
    """The user's preference (not saved when the user never changed it: the defaults)."""
    found = Preference.objects.filter(user=user).first()
    return found or Preference(user=user, email=Frequency.IMMEDIATELY, language="id")


@transaction.atomic
def preference_set(*, actor: Any, email: str, language: str) -> Preference:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to change your notification settings."))
    preference, _created = Preference.objects.get_or_create(user=actor)
    preference.email = email
    preference.language = language
    preference.full_clean()
    preference.save()
    return preference


def is_following(user: Any, partnership_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.filter(user=user, partnership_id=partnership_id).exists()


@transaction.atomic
def follow_set(*, actor: Any, partnership_id: int, follow: bool) -> bool:
    """Follow (or stop following) a partnership the actor may see. Returns whether it follows."""
    if follow:
        if not may_follow(actor, partnership_id):
            raise PermissionDenied(_("You may not follow this partnership."))
        Follow.objects.get_or_create(user=actor, partnership_id=partnership_id)
        return True
    if getattr(actor, "is_authenticated", False):
        Follow.objects.filter(user=actor, partnership_id=partnership_id).delete()
    return False
