"""A partner's confidential data is never shown to other partners or the public, on any page or
API path: a sweep over the demo.

Each reader (anonymous, and users of three organisations) follows every link of the site from
its start pages and reads the API's resources of every partnership and every confidential item
by its id; then no confidential text (objectives, documents, negotiation notes) or amount
(commitments of a billion or more) may appear to a reader who may not see it: partners-only
items to users of organisations that are not current partners, owner-only items to anyone
outside the owning organisation. New pages and API paths are swept as soon as they are linked
or listed in the OpenAPI schema.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from mitra.core.choices import Confidentiality
from mitra.goals.models import LeverObjective, NegotiationEntry
from mitra.organisations.permissions import user_organisation_ids
from mitra.partnerships.models import (
    Commitment,
    Delivery,
    Document,
    Need,
    Objective,
    Partnership,
    PartnershipMember,
)
from tests import crawl

pytestmark = pytest.mark.django_db

#: Readers of the sweep: anonymous, and demo logins of organisations in some partnerships and
#: outside others (a local government, an NGO, a company, a university).
READERS = ("", "lsm", "swasta", "kampus")
START = ("/", "/partnerships/", "/needs/", "/offers/", "/organisations/", "/political-events/")
MAX_PAGES = 250


@dataclass(frozen=True)
class Secret:
    kind: str
    pk: int
    confidentiality: str
    partnership: int
    organisation: int
    pattern: re.Pattern[str]
    api: str


def _text_pattern(text: str) -> re.Pattern[str]:
    return re.compile(re.escape(text))


def _amount_pattern(amount: Decimal) -> re.Pattern[str]:
    """The amount as a page or the API may write it: raw, or grouped with dots or commas."""
    whole = int(amount)
    digits = str(whole)
    groups = f"{whole:,}"
    return re.compile(
        rf"(?<![\d.,]){re.escape(digits)}(?![\d])|"
        rf"(?<![\d.,]){re.escape(groups)}(?![\d])|"
        rf"(?<![\d.,]){re.escape(groups.replace(',', '.'))}(?![\d])"
    )


def _secrets() -> list[Secret]:
    members = {m.pk: m for m in PartnershipMember.objects.all()}
    public_texts = {o.text for o in Objective.objects.filter(confidentiality="public")} | {
        d.title for d in Document.objects.filter(confidentiality="public")
    }
    found: list[Secret] = []

    def add(kind: str, obj: Any, member_id: int, pattern: re.Pattern[str], api: str) -> None:
        member = members[member_id]
        found.append(
            Secret(
                kind,
                obj.pk,
                obj.confidentiality,
                member.partnership_id,
                member.organisation_id,
                pattern,
                api,
            )
        )

    hidden = [Confidentiality.PARTNERS, Confidentiality.OWNER]
    for o in Objective.objects.filter(confidentiality__in=hidden):
        if len(o.text) >= 12 and o.text not in public_texts:
            add("objective", o, o.member_id, _text_pattern(o.text), f"/api/v1/objectives/{o.pk}")
    for d in Document.objects.filter(confidentiality__in=hidden):
        if len(d.title) >= 12 and d.title not in public_texts:
            add("document", d, d.owner_id, _text_pattern(d.title), f"/api/v1/documents/{d.pk}")
    for lo in LeverObjective.objects.filter(confidentiality__in=hidden):
        if lo.note and len(lo.note) >= 12:
            add("lever objective", lo, lo.member_id, _text_pattern(lo.note), "")
    # a hidden objective's values (its range and walk-away point: a negotiating position), where
    # they tell: not round (round amounts are also a chart's ticks: Rp 40.000, 60.000), and not
    # a value proposed in the negotiation, which every partner sees by design
    proposed = set(NegotiationEntry.objects.exclude(value=None).values_list("value", flat=True))
    for lo in LeverObjective.objects.filter(confidentiality__in=hidden):
        for value in _lever_values(lo) - proposed:
            if value >= 1000 and value == int(value) and value % 1000:
                add("lever value", lo, lo.member_id, _amount_pattern(value), "")
    # amounts a reader may see elsewhere (a public commitment, a need, a delivery) are no
    # evidence: the demo's partners-only Rp 1.6 billion equals a public delivery elsewhere
    public_amounts = (
        set(Commitment.objects.filter(confidentiality="public").values_list("quantity", flat=True))
        | set(Need.objects.values_list("quantity", flat=True))
        | set(Delivery.objects.values_list("quantity", flat=True))
    )
    for c in Commitment.objects.filter(confidentiality__in=hidden, quantity__gte=10**9):
        if c.quantity not in public_amounts:
            add(
                "commitment",
                c,
                c.member_id,
                _amount_pattern(c.quantity),
                f"/api/v1/commitments/{c.pk}",
            )
    return found


def _lever_values(objective: LeverObjective) -> set[Decimal]:
    values = (objective.preferred, objective.acceptable_min, objective.acceptable_max)
    return {v for v in (*values, objective.walk_away) if v is not None}


def _allowed(secret: Secret, orgs: set[int], partners: dict[int, set[int]]) -> bool:
    if secret.confidentiality == Confidentiality.OWNER:
        return secret.organisation in orgs
    return bool(orgs & partners.get(secret.partnership, set()))


def _read(client: Client, url: str) -> str | None:
    response = client.get(url)
    if response.status_code != 200 or getattr(response, "streaming", False):
        return None
    return html.unescape(response.content.decode("utf-8", "replace"))


def _sweep(client: Client, api_paths: list[str], secrets: list[Secret]) -> dict[str, str]:
    bodies: dict[str, str] = {}
    for url, _, body in crawl.pages(client, START, MAX_PAGES):
        if body:
            bodies[url] = html.unescape(body)
    ids = list(Partnership.objects.values_list("pk", flat=True))
    codes = list(Partnership.objects.values_list("code", flat=True))
    for path in api_paths:
        params = re.findall(r"{(\w+)}", path)
        if not params:
            urls = [path]
        elif params == ["partnership_id"]:
            urls = [path.replace("{partnership_id}", str(pk)) for pk in ids]
        elif params == ["code"]:
            urls = [path.replace("{code}", code) for code in codes]
        else:
            continue
        for url in urls:
            body = _read(client, url)
            if body is not None:
                bodies[url] = body
    for secret in secrets:
        if secret.api:
            body = _read(client, secret.api)
            if body is not None:
                bodies[secret.api] = body
    return bodies


def test_no_reader_sees_confidential_data_they_may_not_see() -> None:
    call_command("demo", stdout=StringIO())
    secrets = _secrets()
    # the demo has secrets of every kind to look for (else the sweep proves nothing)
    assert {s.kind for s in secrets} >= {"objective", "document", "commitment", "lever value"}
    assert {s.confidentiality for s in secrets} == {Confidentiality.PARTNERS, Confidentiality.OWNER}
    partners: dict[int, set[int]] = {}
    for m in PartnershipMember.objects.filter(left_on__isnull=True):
        partners.setdefault(m.partnership_id, set()).add(m.organisation_id)
    schema = json.loads(Client().get("/api/openapi.json").content)
    api_paths = [p for p, ops in schema["paths"].items() if "get" in ops]
    users = get_user_model().objects
    leaks, shown_to_someone = [], set()
    for username in READERS:
        client, orgs = Client(), set()
        if username:
            user = users.get(username=username)
            assert not user.is_staff
            client.force_login(user)
            orgs = set(user_organisation_ids(user))
        bodies = _sweep(client, api_paths, secrets)
        assert len(bodies) > 50, (username, len(bodies))  # the sweep did read the site
        for secret in secrets:
            where = next((url for url, body in bodies.items() if secret.pattern.search(body)), None)
            if where is None:
                continue
            if _allowed(secret, orgs, partners):
                shown_to_someone.add(secret)
            else:
                leaks.append((username or "anonymous", secret.kind, secret.pk, where))
    assert leaks == [], "\n".join(map(str, leaks))
    # and the patterns do find secrets where they are allowed (a sweep that cannot fail is none)
    assert {s.kind for s in shown_to_someone} >= {"objective", "commitment"}, shown_to_someone
    # (no reader of the sweep owns a hidden lever objective: its owner sees its values)
    for secret in (s for s in secrets if s.kind == "lever value"):
        owner = users.filter(org_memberships__organisation=secret.organisation).first()
        assert owner is not None, secret
        client = Client()
        client.force_login(owner)
        body = _read(client, f"/partnerships/{secret.partnership}/goals/")
        assert body is not None and secret.pattern.search(body), secret
