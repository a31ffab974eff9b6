"""Editing a dispute after it is raised: the service's rules (who, what a resolved dispute still
changes, a confidential dispute keeps a party, parties and documents as when raised), the page
(prefilled, field errors, a stale version keeps the input) and PATCH /disputes/{id}."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from mitra.core.errors import PermissionDenied, StaleEdit
from mitra.disputes import services
from mitra.disputes.history import disputes_history
from mitra.disputes.models import Dispute
from mitra.notifications.models import Notification
from tests.api.conftest import API, client_for

from .conftest import login, members

pytestmark = pytest.mark.django_db


def _resolved(world, dispute):
    return services.dispute_resolve(
        actor=world.users["member"],
        dispute=dispute,
        outcome="The land was handed over",
        expected_version=dispute.version,
    )


def _edit_url(world, dispute, language="en"):
    with translation.override(language):
        return reverse("disputes:dispute_edit", args=[world.partnership.pk, dispute.pk])


# --------------------------------------------------------------------------- service


def test_the_raiser_edits_a_dispute_and_the_history_shows_the_change(world, dispute):
    # given a dispute raised by the member (company) between the lead and the company
    member = world.users["member"]

    # when the member corrects it
    edited = services.dispute_update(
        actor=member,
        dispute=dispute,
        data={
            "title": "Late land handover",
            "description": "Lot 4 is not free",
            "dispute_type": "procedure",
            "other_parties": "Warga Desa Sukamaju\nKelompok Tani",
        },
        expected_version=1,
    )

    # then it is stored with a new version, audited with its author, and the parties are told
    stored = Dispute.objects.get(pk=dispute.pk)
    assert (stored.title, stored.dispute_type, stored.version) == (
        "Late land handover",
        "procedure",
        2,
    )
    assert edited.version == 2
    assert stored.history.first().history_user == member
    with translation.override("en"):
        entries = disputes_history(world.users["lead_admin"], world.partnership)
    changed = [e for e in entries if e.action == "~" and e.object_label == "Late land handover"]
    assert len(changed) == 1
    titles = [(c.old, c.new) for c in changed[0].changes if c.field == "title"]
    assert titles == [("Late land", "Late land handover")]
    assert Notification.objects.filter(
        kind="disputes.changed", recipient=world.users["lead_admin"]
    ).exists()


def test_party_and_document_changes_are_audited_and_the_removed_party_is_told(world, dispute):
    # given a dispute between the lead (pemda) and the company
    m = members(world)

    change = {"parties": [m["pemda"].pk, m["ngo"].pk], "documents": [world.document.pk]}

    # when the lead's administrator takes the company out, it is refused: only the person who
    # raised the dispute (or the company itself) drops a side
    with pytest.raises(ValidationError) as refused:
        services.dispute_update(
            actor=world.users["lead_admin"], dispute=dispute, data=change, expected_version=1
        )
    assert set(refused.value.message_dict) == {"parties"}

    # when the member who raised it replaces the company by the NGO and links a document
    services.dispute_update(
        actor=world.users["member"], dispute=dispute, data=change, expected_version=1
    )

    # then the parties and documents are stored, the History tab names the change, and the
    # other sides and the NGO (added) are told
    dispute.refresh_from_db()
    assert {p.pk for p in dispute.parties.all()} == {m["pemda"].pk, m["ngo"].pk}
    assert [d.pk for d in dispute.documents.all()] == [world.document.pk]
    with translation.override("en"):
        entries = disputes_history(world.users["lead_admin"], world.partnership)
    (entry,) = [e for e in entries if e.action == "~" and e.object_label == "Late land"]
    changes = {c.field: (c.old, c.new) for c in entry.changes}
    assert changes["parties"] == (
        f"{world.pemda.name}, {world.company.name}",
        f"{world.pemda.name}, {world.ngo.name}",
    )
    assert changes["documents"] == ("—", world.document.title)
    told = set(
        Notification.objects.filter(kind="disputes.changed").values_list("recipient", flat=True)
    )
    assert world.users["ngo_user"].pk in told  # the NGO's admin: added
    assert world.users["lead_admin"].pk in told  # a party (and the lead)
    assert world.users["member"].pk not in told  # made the change


def test_a_stale_version_is_refused_and_nothing_changes(world, dispute):
    services.dispute_escalate(actor=world.users["lead_admin"], dispute=dispute, expected_version=1)
    with pytest.raises(StaleEdit):
        services.dispute_update(
            actor=world.users["member"],
            dispute=Dispute.objects.get(pk=dispute.pk),
            data={"title": "Changed"},
            expected_version=1,
        )
    assert Dispute.objects.get(pk=dispute.pk).title == "Late land"


def test_a_resolved_dispute_changes_only_its_lessons_and_documents(world, dispute):
    # given a resolved dispute
    dispute = _resolved(world, dispute)
    version = dispute.version

    # when its title, confidentiality and parties are changed, then each is refused
    with pytest.raises(ValidationError) as refused:
        services.dispute_update(
            actor=world.users["member"],
            dispute=dispute,
            data={"title": "Rewritten", "confidential": True, "parties": []},
            expected_version=version,
        )
    assert set(refused.value.message_dict) == {"title", "confidential", "parties"}
    assert Dispute.objects.get(pk=dispute.pk).title == "Late land"

    # when its lessons learned and documents change (the unchanged title is sent back), then
    # they are saved
    done = services.dispute_update(
        actor=world.users["member"],
        dispute=dispute,
        data={
            "title": "Late land",
            "lessons": "Check the land status before signing",
            "documents": [world.document.pk],
        },
        expected_version=version,
    )
    stored = Dispute.objects.get(pk=done.pk)
    assert stored.lessons == "Check the land status before signing"
    assert [d.pk for d in stored.documents.all()] == [world.document.pk]
    assert stored.outcome == "The land was handed over" and stored.status == "resolved"


def test_an_open_dispute_has_no_lessons_yet(world, dispute):
    with pytest.raises(ValidationError) as refused:
        services.dispute_update(
            actor=world.users["member"],
            dispute=dispute,
            data={"lessons": "Too early"},
            expected_version=1,
        )
    assert set(refused.value.message_dict) == {"lessons"}


def test_a_confidential_dispute_keeps_a_party(world, dispute, secret):
    # making a dispute confidential without parties, or removing every party of a confidential
    # one, would hide it from everybody: refused on the parties field
    for target, data in [
        (dispute, {"confidential": True, "parties": []}),
        (secret, {"parties": []}),
    ]:
        with pytest.raises(ValidationError) as refused:
            services.dispute_update(
                actor=world.users["member"], dispute=target, data=data, expected_version=1
            )
        assert set(refused.value.message_dict) == {"parties"}
        assert Dispute.objects.get(pk=target.pk).version == 1
    # with a party it is fine
    made = services.dispute_update(
        actor=world.users["member"],
        dispute=dispute,
        data={"confidential": True, "parties": [members(world)["company"].pk]},
        expected_version=1,
    )
    assert made.confidential and [p.pk for p in made.parties.all()] == [
        members(world)["company"].pk
    ]


def test_parties_are_current_partners_of_this_partnership(world, dispute):
    other = world.public.members.first()
    with pytest.raises(ValidationError) as refused:
        services.dispute_update(
            actor=world.users["member"],
            dispute=dispute,
            data={"parties": [other.pk]},
            expected_version=1,
        )
    assert set(refused.value.message_dict) == {"parties"}


def test_documents_the_editor_cannot_see_stay_linked(world, dispute):
    # given the lead's administrator, who cannot see the company's owner-only document: they
    # cannot link it
    with pytest.raises(ValidationError) as refused:
        services.dispute_update(
            actor=world.users["lead_admin"],
            dispute=dispute,
            data={"documents": [world.secret_document.pk]},
            expected_version=1,
        )
    assert set(refused.value.message_dict) == {"documents"}

    # given the company's user links it, with a document everybody sees
    services.dispute_update(
        actor=world.users["member"],
        dispute=dispute,
        data={"documents": [world.secret_document.pk, world.document.pk]},
        expected_version=1,
    )

    # when the lead's administrator empties the documents
    services.dispute_update(
        actor=world.users["lead_admin"],
        dispute=Dispute.objects.get(pk=dispute.pk),
        data={"documents": []},
        expected_version=2,
    )

    # then only the document they could see is unlinked
    assert [d.pk for d in Dispute.objects.get(pk=dispute.pk).documents.all()] == [
        world.secret_document.pk
    ]


@pytest.mark.parametrize("name", ["staff", "ngo_user", "outsider"])
def test_who_is_not_involved_cannot_edit(world, dispute, name):
    with pytest.raises(PermissionDenied):
        services.dispute_update(
            actor=world.users[name], dispute=dispute, data={"title": "x"}, expected_version=1
        )
    assert Dispute.objects.get(pk=dispute.pk).title == "Late land"


# --------------------------------------------------------------------------- pages


def test_edit_through_the_page_in_english(client, world, dispute):
    # given the member on the tab: an Edit action on the dispute
    login(client, world.users["member"])
    tab = client.get(f"/en/partnerships/{world.partnership.pk}/disputes/").content.decode()
    url = _edit_url(world, dispute)
    assert f'href="{url}"' in tab

    # when the form is opened, then it is prefilled, without lessons learned yet
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Edit the dispute" in html and 'value="Late land"' in html
    assert 'name="lessons"' not in html and 'name="version" value="1"' in html

    # when an empty title is sent, then a field error (400), nothing saved
    m = members(world)
    form = {
        "title": "",
        "dispute_type": "resources",
        "parties": [m["pemda"].pk, m["company"].pk],
        "version": 1,
    }
    bad = client.post(url, form)
    assert bad.status_code == 400
    assert "This field is required." in bad.content.decode()

    # when a valid change is sent, then it is saved and the dispute's page shows it
    saved = client.post(url, form | {"title": "Late land handover", "other_parties": "Warga"})
    assert saved.status_code == 302
    stored = Dispute.objects.get(pk=dispute.pk)
    assert (stored.title, stored.other_parties, stored.version) == (
        "Late land handover",
        "Warga",
        2,
    )


def test_a_stale_page_keeps_the_input_and_says_why(client, world, dispute):
    # given someone escalated the dispute after the form was opened (version 1)
    services.dispute_escalate(actor=world.users["lead_admin"], dispute=dispute, expected_version=1)
    login(client, world.users["member"])
    m = members(world)

    # when the member sends the form made on version 1
    response = client.post(
        _edit_url(world, dispute),
        {
            "title": "My better title",
            "dispute_type": "resources",
            "parties": [m["pemda"].pk, m["company"].pk],
            "version": 1,
        },
    )

    # then 409: the input is kept, the stored version carried, and the reason shown
    assert response.status_code == 409
    html = response.content.decode()
    assert 'value="My better title"' in html and 'name="version" value="2"' in html
    assert "Someone else saved this record after you opened it" in html
    assert Dispute.objects.get(pk=dispute.pk).title == "Late land"


def test_a_stale_page_says_why_when_only_the_parties_changed_meanwhile(client, world, dispute):
    # given the lead's administrator added the NGO after the form was opened (no field changed:
    # the warning's table of field changes would be empty)
    m = members(world)
    services.dispute_update(
        actor=world.users["lead_admin"],
        dispute=dispute,
        data={"parties": [m["pemda"].pk, m["company"].pk, m["ngo"].pk]},
        expected_version=1,
    )
    login(client, world.users["member"])

    # when the member sends the form made on version 1
    response = client.post(
        _edit_url(world, dispute),
        {"title": "Mine", "dispute_type": "resources", "parties": [m["company"].pk], "version": 1},
    )

    # then 409 with the reason as a form error, the input kept, nothing saved
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="form-errors"' in html and "Someone else saved this record" in html
    assert 'value="Mine"' in html
    assert Dispute.objects.get(pk=dispute.pk).parties.count() == 3


def test_the_page_of_a_resolved_dispute_shows_only_lessons_and_documents(client, world, dispute):
    dispute = _resolved(world, dispute)
    login(client, world.users["member"])
    url = _edit_url(world, dispute)
    html = client.get(url).content.decode()
    assert "This dispute is resolved" in html
    assert 'name="lessons"' in html and 'name="title"' not in html
    response = client.post(url, {"lessons": "Map the land first", "version": dispute.version})
    assert response.status_code == 302
    stored = Dispute.objects.get(pk=dispute.pk)
    assert stored.lessons == "Map the land first" and stored.title == "Late land"


def test_a_confidential_dispute_without_parties_is_a_field_error_on_the_page(
    client, world, dispute
):
    login(client, world.users["member"])
    response = client.post(
        _edit_url(world, dispute),
        {"title": "Late land", "dispute_type": "resources", "confidential": "on", "version": 1},
    )
    assert response.status_code == 400
    assert "only they see a confidential dispute" in response.content.decode()
    assert not Dispute.objects.get(pk=dispute.pk).confidential


def test_who_may_not_edit_gets_403_on_the_page_and_no_edit_action(client, world, dispute):
    login(client, world.users["ngo_user"])  # a partner, not involved in this dispute
    tab = client.get(f"/en/partnerships/{world.partnership.pk}/disputes/").content.decode()
    assert "Late land" in tab and 'data-testid="edit-dispute"' not in tab
    url = _edit_url(world, dispute)
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "Hijacked", "dispute_type": "payment"}).status_code == 403
    assert Dispute.objects.get(pk=dispute.pk).title == "Late land"


def test_the_edit_page_in_indonesian(client, world, dispute):
    login(client, world.users["member"])
    url = _edit_url(world, dispute, "id")
    assert not url.startswith("/en/")
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="id"' in html
    assert "Judul" in html and "Mitra yang terlibat" in html and "Sengketa" in html


# --------------------------------------------------------------------------- API


def test_patch_a_dispute(world, dispute):
    member = client_for(world, "member")
    url = f"{API}/disputes/{dispute.pk}"

    # only the fields sent change
    answer = member.patch_json(url, {"version": 1, "description": "Lot 4 is not free"})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["description"] == "Lot 4 is not free" and body["title"] == "Late land"
    assert body["version"] == 2

    # a stale version: 409 with the current dispute
    stale = member.patch_json(url, {"version": 1, "title": "Other"})
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 2

    # confidential without parties: 422 on the parties field
    hidden = member.patch_json(url, {"version": 2, "confidential": True, "parties": []})
    assert hidden.status_code == 422
    assert "parties" in str(hidden.json())

    # a boolean is a boolean, a version is required
    assert member.patch_json(url, {"version": 2, "confidential": 1}).status_code == 422
    assert member.patch_json(url, {"title": "x"}).status_code == 422

    # staff read but do not edit; an outsider does not find it
    assert (
        client_for(world, "staff").patch_json(url, {"version": 2, "title": "x"}).status_code == 403
    )
    assert client_for(world, "outsider").patch_json(url, {"version": 2}).status_code == 404
    assert Dispute.objects.get(pk=dispute.pk).title == "Late land"


def test_patch_a_resolved_dispute(world, dispute):
    dispute = _resolved(world, dispute)
    member = client_for(world, "member")
    url = f"{API}/disputes/{dispute.pk}"
    locked = member.patch_json(url, {"version": dispute.version, "title": "Rewritten"})
    assert locked.status_code == 422
    assert "title" in str(locked.json())
    lessons = member.patch_json(url, {"version": dispute.version, "lessons": "Map the land"})
    assert lessons.status_code == 200 and lessons.json()["lessons"] == "Map the land"


def test_an_invalid_form_in_a_tab_swaps_the_tab_area_not_itself(client, world, dispute):
    # The form in a tab posts through htmx and an invalid one answers with the whole tab area
    # (partnerships/partials/tabs.html): the form must swap that area, or the tabs, breadcrumb
    # and heading appear again inside the form.
    login(client, world.users["member"])
    html = client.get(_edit_url(world, dispute)).content.decode()
    assert 'hx-target="#partnership-tabs" hx-select="#partnership-tabs"' in html
    answer = client.post(
        _edit_url(world, dispute), {"title": "", "version": 1}, HTTP_HX_REQUEST="true"
    )
    assert answer.status_code == 400
    body = answer.content.decode()
    assert 'id="partnership-tabs"' in body  # the area the form swaps
