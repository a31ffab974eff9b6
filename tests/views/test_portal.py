"""The public side: list downloads (CSV/XLSX, in the reader's language), the partner-sector
filter, the Atom feed and the sitemap — none of which ever shows what the public may not see."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from mitra.organisations.models import Organisation
from mitra.partnerships import services
from mitra.partnerships.models import Partnership, Visibility

from .conftest import sign_in

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def _csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    # An Indonesian CSV separates cells with ";" (its numbers have a decimal comma).
    delimiter = ";" if response["Content-Language"] == "id" else ","
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


def _xlsx(response: Any) -> list[list[Any]]:
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_anonymous_partnership_csv_lists_only_public_partnerships(client, world):
    rows = _csv(client.get(reverse("partnerships:list") + "?export=csv"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Kode", "Judul", "Bentuk"]  # Indonesian by default
    codes = [r[0] for r in body]
    assert codes == [world.public.code]
    text = str(rows)
    assert world.partnership.code not in text and world.draft.code not in text


def test_english_headers_and_labels(client, world):
    rows = _csv(client.get("/en/partnerships/?export=csv"))
    assert rows[0][:3] == ["Code", "Title", "Form"]
    assert rows[1][1] == "Schools Together"
    assert rows[1][2] == "Public–Social Partnership"


def test_member_sees_their_partnerships_and_filters_apply(client, world):
    sign_in(client, world, "member")
    rows = _csv(client.get(reverse("partnerships:list") + "?export=csv&form=ppp"))
    assert [r[0] for r in rows[1:]] == [world.partnership.code]


def test_xlsx_keeps_amounts_exact_and_numeric(client, world):
    sign_in(client, world, "member")
    rows = _xlsx(client.get("/en/partnerships/?export=xlsx&form=ppp"))
    header = rows[0]
    value = rows[1][header.index("Estimated value")]
    assert isinstance(value, int | float | Decimal)
    assert Decimal(str(value)) == Decimal("1000000000000")
    assert rows[1][header.index("Currency")] == "IDR"


def test_formula_like_text_is_defused(client, world):
    lead = world.users["lead_admin"]
    services.partnership_update(
        actor=lead,
        partnership=world.public,
        data={"title_en": '=HYPERLINK("http://evil")'},
        expected_version=world.public.version,
    )
    rows = _csv(client.get("/en/partnerships/?export=csv"))
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'


def test_tab_export_hides_owner_only_items_from_other_partners(client, world):
    sign_in(client, world, "lead_admin")  # pemda: a partner, not the company that owns them
    url = reverse("partnerships:tab", args=[world.partnership.pk, "objectives"])
    rows = _csv(client.get(url + "?export=csv"))
    texts = [r[1] for r in rows[1:]]
    assert world.objective.text in texts
    assert world.secret_objective.text not in texts
    url = reverse("partnerships:tab", args=[world.partnership.pk, "documents"])
    titles = [r[0] for r in _xlsx(client.get(url + "?export=xlsx"))[1:]]
    assert world.document.title in titles and world.secret_document.title not in titles


def test_needs_export_does_not_count_hidden_pledges(client, world):
    sign_in(client, world, "lead_admin")
    url = "/en" + reverse("partnerships:tab", args=[world.partnership.pk, "needs"])
    rows = _csv(client.get(url + "?export=csv"))
    header, row = rows[0], rows[1]
    # 200,000,000 pledged at partners level; the 77,000,000 owner-only pledge is not counted.
    assert row[header.index("Pledged")] == "200000000.00"
    assert row[header.index("Gap")] == "300000000.00"


def test_hidden_partnership_tab_export_is_404(client, world):
    url = reverse("partnerships:tab", args=[world.partnership.pk, "partners"])
    assert client.get(url + "?export=csv").status_code == 404


def test_organisation_directory_export(client, world):
    rows = _csv(client.get("/en/organisations/?export=csv"))
    assert rows[0][0] == "Name"
    names = {r[0] for r in rows[1:]}
    assert names == set(Organisation.objects.values_list("name", flat=True))
    counts = {r[0]: r[-1] for r in rows[1:]}
    # Only public partnerships are counted: the company is in the partners-only one alone.
    assert counts[world.company.name] == "0"
    assert counts[world.pemda.name] == "1"


def test_partner_sector_filter(client, world):
    # The public PSP has a social-sector partner (the NGO) and no private one.
    response = client.get(reverse("partnerships:list") + "?partner_sector=social&export=csv")
    assert [r[0] for r in _csv(response)[1:]] == [world.public.code]
    response = client.get(reverse("partnerships:list") + "?partner_sector=private&export=csv")
    assert _csv(response)[1:] == []


def test_list_offers_downloads(client, world):
    html = client.get("/en/partnerships/").content.decode()
    for kind in ("csv", "xlsx", "ocds", "oc4ids"):
        assert f'data-download="{kind}"' in html


def test_atom_feed_lists_published_partnerships_only(client, world):
    response = client.get("/en/open-data/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert titles == [f"Schools Together ({world.public.code})"]
    indonesian = ET.fromstring(client.get("/open-data/feed/").content)
    assert [e.findtext(f"{ATOM}title") for e in indonesian.iter(f"{ATOM}entry")] == [
        f"Sekolah Bersama ({world.public.code})"
    ]


def test_feed_shows_a_partnership_once_it_is_published_and_escapes_text(client, world):
    lead = world.users["lead_admin"]
    p = world.draft
    services.partnership_update(
        actor=lead,
        partnership=p,
        data={"visibility": Visibility.PUBLIC, "summary_en": "<script>alert(1)</script>"},
        expected_version=p.version,
    )
    p.refresh_from_db()
    assert p.published_at is not None
    body = client.get("/en/open-data/feed/").content.decode()
    assert "<script>" not in body
    feed = ET.fromstring(body)
    entries = list(feed.iter(f"{ATOM}entry"))
    assert entries[0].findtext(f"{ATOM}title") == f"Secret Draft ({p.code})"
    assert "<script>alert(1)</script>" in entries[0].findtext(f"{ATOM}summary")


def test_published_at_is_kept_when_visibility_changes_again(world):
    lead = world.users["lead_admin"]
    first = world.public.published_at
    assert first is not None
    p = services.partnership_update(
        actor=lead,
        partnership=world.public,
        data={"visibility": Visibility.PARTNERS},
        expected_version=world.public.version,
    )
    p = services.partnership_update(
        actor=lead,
        partnership=p,
        data={"visibility": Visibility.PUBLIC},
        expected_version=p.version,
    )
    assert Partnership.objects.get(pk=p.pk).published_at == first


def test_sitemap_lists_public_pages_in_both_languages(client, world):
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    body = client.get("/sitemap-partnerships.xml").content.decode()
    detail = reverse("partnerships:detail", args=[world.public.pk])
    assert f"http://testserver{detail}</loc>" in body
    assert f"http://testserver/en{detail}</loc>" in body
    assert 'hreflang="en"' in body
    hidden = reverse("partnerships:detail", args=[world.partnership.pk])
    assert f"{hidden}</loc>" not in body
    orgs = client.get("/sitemap-organisations.xml").content.decode()
    assert reverse("organisations:detail", args=[world.ngo.pk]) in orgs


def test_imported_partnership_shows_other_published_data_escaped(client, world):
    p = world.public
    Partnership.objects.filter(pk=p.pk).update(
        source="ocds",
        other_data={"tender": {"title": "<b>bold</b>", "bids": [{"value": 10}]}},
    )
    html = client.get(f"/en/partnerships/{p.pk}/").content.decode()
    assert 'data-testid="other-data"' in html
    assert "tender.title" in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "tender.bids[0].value" in html
    assert "not published" in html  # no estimated value on an imported record


def test_history_export_for_partners_only(client, world):
    url = "/en" + reverse("partnerships:tab", args=[world.partnership.pk, "history"])
    sign_in(client, world, "lead_admin")
    rows = _csv(client.get(url + "?export=csv"))
    assert rows[0] == ["When", "Who", "Action", "Item", "Version", "Changes"]
    text = str(rows)
    assert "Earn a fair return" in text  # partners-level objective
    assert "Walk away below" not in text  # the company's owner-only objective
    public_url = reverse("partnerships:tab", args=[world.public.pk, "history"])
    client.logout()
    response = client.get(public_url + "?export=csv")  # anonymous: asked to sign in, no file
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    sign_in(client, world, "outsider")
    assert client.get(public_url + "?export=csv").status_code == 403


def test_organisation_profile_links_to_all_its_partnerships(client, world, monkeypatch):
    from mitra.partnerships import tabs

    monkeypatch.setattr(tabs, "PROFILE_PARTNERSHIPS", 1)
    sign_in(client, world, "lead_admin")  # pemda: lead of all three world partnerships
    html = client.get(f"/en/organisations/{world.pemda.pk}/").content.decode()
    assert "All 3 partnerships" in html
    listing = client.get(f"/en/partnerships/?organisation={world.pemda.pk}").content.decode()
    assert f"Partnerships in which {world.pemda.name} takes part" in listing
    rows = _csv(client.get(f"/en/partnerships/?organisation={world.ngo.pk}&export=csv"))
    assert {r[0] for r in rows[1:]} == {world.partnership.code, world.public.code}
    # An unknown or malformed organisation never breaks the list.
    assert client.get("/en/partnerships/?organisation=999999").status_code == 200
    assert client.get("/en/partnerships/?organisation=abc").status_code == 200
    # Anonymous visitors see the public one only, and no link (nothing more to show).
    client.logout()
    html = client.get(f"/en/organisations/{world.pemda.pk}/").content.decode()
    assert "All 1 partnerships" not in html and world.public.title_en in html


def test_control_characters_already_stored_never_break_the_feed(client, world):
    # given text stored before any input check (an import, an old row) with C0 controls
    from mitra.partnerships.models import Partnership

    Partnership.objects.filter(pk=world.public.pk).update(
        title_en="Schools\u000bTogether", summary_en="Start\u0001 here"
    )
    # when the public reads the feed, it is well-formed XML without them
    response = client.get("/en/open-data/feed/")
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert titles == [f"SchoolsTogether ({world.public.code})"]
    assert "\u0001" not in response.content.decode()


@pytest.mark.parametrize("value", ["9223372036854775808", "99999999999999999999999", "-1", "0"])
def test_an_out_of_range_organisation_filter_is_ignored_not_a_500(client, world, value):
    response = client.get(f"/en/partnerships/?organisation={value}")
    assert response.status_code == 200
    assert world.public.code in response.content.decode()  # the unfiltered public list


def test_costly_requests_are_rate_limited_per_client(client, world, settings):
    from django.core.cache import cache

    cache.clear()
    settings.MITRA_RATE_LIMITS = {"export": "2/m", "search": "3/m", "feed": "2/m"}
    for _ in range(2):
        assert client.get("/en/partnerships/?export=csv").status_code == 200
    limited = client.get("/en/partnerships/?export=csv")
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    # browsing the list is not limited, searching is, separately
    assert client.get("/en/partnerships/").status_code == 200
    assert [client.get("/en/partnerships/?q=x").status_code for _ in range(4)] == [200] * 3 + [429]
    assert [client.get("/en/open-data/feed/").status_code for _ in range(3)] == [200, 200, 429]
    # the API's open-data packages count as exports
    assert client.get("/api/v1/ocds/release-package").status_code == 429
    assert "detail" in client.get("/api/v1/ocds/release-package").json()
