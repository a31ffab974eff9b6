"""OCDS import: the shared PPP examples, idempotence, refusal by JSON path, sanitisation."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mitra.imports.common import OCDS_ROLE_TO_MITRA
from mitra.imports.ocds import import_ocds
from mitra.imports.report import ImportRefused
from mitra.organisations.models import Organisation
from mitra.partnerships.models import MemberRole, Partnership, PartnershipMember, Role

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
EXAMPLES = SHARED / "data" / "ocds" / "examples"
EXAMPLE_NAMES = [
    "ppp-worked-example_1.0-dev_release-package.json",
    "ppp-worked-example_1.0.0-beta2_release-package.json",
    "ppp-worked-example_1.0.0-beta3_release-package.json",
]


def load(name: str) -> dict:
    path = EXAMPLES / name
    if not path.is_file():
        pytest.skip(f"{path} is absent: shared/ sits beside the checkout")
    return json.loads(path.read_text(encoding="utf-8"))


def run(data, *, actor=None, dry_run=False, source="test.json"):
    return import_ocds(data, source=source, actor=actor, dry_run=dry_run, progress=None)


def minimal_package(**release_overrides) -> dict:
    release = {
        "ocid": "ocds-abc123-000-00001",
        "id": "1",
        "date": "2024-05-01T00:00:00Z",
        "tag": ["planning"],
        "initiationType": "tender",
        "language": "en",
        "title": "Water treatment PPP",
        "description": "A drinking water plant.",
        "buyer": {"id": "ID-GOV-1", "name": "Pemerintah Kota Contoh"},
        "parties": [
            {
                "id": "ID-GOV-1",
                "name": "Pemerintah Kota Contoh",
                "roles": ["buyer", "procuringEntity"],
                "identifier": {"scheme": "ID-GOV", "id": "1"},
                "address": {"countryName": "Indonesia"},
            },
            {
                "id": "ID-NIB-9",
                "name": "PT Air Bersih",
                "roles": ["privateParty"],
                "identifier": {"scheme": "ID-NIB", "id": "9"},
            },
        ],
        "planning": {
            "budget": {"amount": {"amount": 1250000000.55, "currency": "IDR"}},
            "project": {"sector": {"scheme": "COFOG", "id": "06.3.0"}},
        },
    }
    release.update(release_overrides)
    return {
        "uri": "https://example.org/package.json",
        "publishedDate": "2024-05-02T00:00:00Z",
        "publisher": {"name": "Example"},
        "version": "1.1",
        "releases": [release],
    }


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_each_shared_example_imports_with_listed_warnings(name, django_user_model):
    # given a shared OCDS-for-PPPs worked example and a staff actor
    data = load(name)
    staff = django_user_model.objects.create_user("importer", is_staff=True)
    # when it is imported
    report = run(data, actor=staff, source=name)
    # then one public partnership is created for the ocid, with its partners and value
    assert report.ok and report.created["partnership"] == 1
    p = Partnership.objects.get(source="ocds", source_id="ocds-213czf-example-ppp")
    assert p.ocid == "ocds-213czf-example-ppp" and p.visibility == "public"
    assert p.code.startswith("KPBU-") and p.form == "ppp"
    assert p.development_sector == "ict"  # COFOG 04.6.0
    assert p.estimated_value == Decimal("600000000.00") and p.currency == "USD"
    assert p.title_en and p.title_ind
    assert p.other_data["ocds"]["planning"]["project"]["id"] == "example_ppp"
    assert p.other_data["documents"] and all("url" in d for d in p.other_data["documents"])
    members = {m.organisation.name: m for m in p.members.select_related("organisation")}
    assert "Mega Consortium Ltd" in members
    assert Role.PROJECT_COMPANY in members["Mega Consortium Ltd"].roles
    leads = [m for m in members.values() if Role.LEAD in m.roles]
    assert len(leads) == 1 and leads[0].organisation.sector == "public"
    # equity shares from the shareholders extension
    alpha = members.get("Alpha Holdings Ltd")
    if alpha is not None:
        assert alpha.equity_share == Decimal("33.37")
    # the derived role rows exist, the writes are audited with the actor
    assert MemberRole.objects.filter(member__partnership=p, role=Role.LEAD).count() == 1
    assert p.history.first().history_user == staff
    # and every warning has a JSON path
    assert all(w.where.startswith("$") for w in report.warnings)


def test_second_import_creates_nothing():
    data = load(EXAMPLE_NAMES[2])
    first = run(data)
    counts = (
        Partnership.objects.count(),
        Organisation.objects.count(),
        PartnershipMember.objects.count(),
    )
    # when the same data is imported again
    second = run(copy.deepcopy(data))
    # then nothing new and nothing changed
    assert first.created["partnership"] == 1
    assert not second.created and not second.updated
    assert second.unchanged["partnership"] == 1
    assert second.unchanged["member"] == first.created["member"]
    assert counts == (
        Partnership.objects.count(),
        Organisation.objects.count(),
        PartnershipMember.objects.count(),
    )


def test_a_newer_release_updates_the_same_partnership():
    run(minimal_package())
    newer = minimal_package(id="2", date="2024-06-01T00:00:00Z", title="Renamed PPP")
    report = run(newer)
    assert report.updated["partnership"] == 1 and not report.created
    assert Partnership.objects.get().title_en == "Renamed PPP"


def test_dry_run_writes_nothing_but_reports():
    report = run(minimal_package(), dry_run=True)
    assert report.dry_run and report.created["partnership"] == 1
    assert not Partnership.objects.exists() and not Organisation.objects.exists()


def test_amounts_are_exact_decimals_and_organisations_inferred():
    report = run(minimal_package())
    p = Partnership.objects.get()
    assert p.estimated_value == Decimal("1250000000.55") and p.currency == "IDR"
    assert p.country == "ID" and p.development_sector == "water" and p.stage == "preparation"
    gov = Organisation.objects.get(identifier_scheme="ID-GOV", identifier="1")
    assert (gov.sector, gov.kind) == ("public", "regional_government")
    company = Organisation.objects.get(identifier="9")
    assert (company.sector, company.kind) == ("private", "project_company")
    assert report.created["organisation"] == 2


def test_a_currency_outside_mitra_goes_to_other_data_with_a_warning():
    data = minimal_package()
    data["releases"][0]["planning"]["budget"]["amount"] = {"amount": 5, "currency": "THB"}
    report = run(data)
    p = Partnership.objects.get()
    assert p.estimated_value is None
    assert p.other_data["value_outside_currencies"]["currency"] == "THB"
    assert any("THB" in w.message for w in report.warnings)


def test_organisations_matched_by_identifier_then_name_then_alias():
    # given organisations known under another name, an exact name, and an alias
    Organisation.objects.create(
        name="Kota Contoh",
        sector="public",
        kind="regional_government",
        identifier_scheme="ID-GOV",
        identifier="1",
    )
    Organisation.objects.create(
        name="Perusahaan Lain", sector="private", kind="company", aliases=["PT Air Bersih"]
    )
    # when the package names them
    report = run(minimal_package())
    # then no organisation is created; the new spelling becomes an alias
    assert report.created["organisation"] == 0
    assert Organisation.objects.count() == 2
    assert "Pemerintah Kota Contoh" in Organisation.objects.get(identifier="1").aliases


def test_record_package_uses_compiled_release_or_merges_releases():
    release_package = minimal_package()
    r1 = release_package["releases"][0]
    r2 = {
        **copy.deepcopy(r1),
        "id": "2",
        "date": "2024-07-01T00:00:00Z",
        "tag": ["tender"],
        "tender": {"id": "t1", "title": "Tender", "status": "active"},
    }
    r2.pop("title")
    record_package = {k: v for k, v in release_package.items() if k != "releases"} | {
        "records": [{"ocid": r1["ocid"], "releases": [r2, r1]}]
    }
    report = run(record_package)
    p = Partnership.objects.get()
    assert report.ok and p.title_en == "Water treatment PPP" and p.stage == "transaction"
    # a compiledRelease is used as is
    compiled = {**copy.deepcopy(r1), "ocid": "ocds-abc123-000-00002", "title": "Compiled"}
    compiled.pop("tag")
    run({**record_package, "records": [{"ocid": compiled["ocid"], "compiledRelease": compiled}]})
    assert Partnership.objects.get(ocid="ocds-abc123-000-00002").title_en == "Compiled"


def test_invalid_input_is_refused_whole_with_json_paths():
    # given a package whose second release has errors and whose first is fine
    data = minimal_package()
    bad = copy.deepcopy(data["releases"][0])
    bad.update(ocid="ocds-abc123-000-00009", date="yesterday")
    bad["parties"][0].pop("id")
    bad["planning"]["budget"]["amount"]["amount"] = "lots"
    data["releases"].append(bad)
    data["releases"].append({"ocid": "x", "id": "3", "date": "2024-01-01T00:00:00Z"})
    # when it is imported
    with pytest.raises(ImportRefused) as refused:
        run(data)
    # then every error is listed by JSON path and nothing was written
    where = {e.where for e in refused.value.report.errors}
    assert {
        "$.releases[1].date",
        "$.releases[1].parties[0].id",
        "$.releases[1].planning.budget.amount.amount",
        "$.releases[2].tag",
    } <= where
    assert not Partnership.objects.exists() and not Organisation.objects.exists()


@pytest.mark.parametrize(
    "data, path",
    [
        ([], "$"),
        ({"releases": []}, "$.releases"),
        (
            {
                "releases": [1],
                "uri": "u",
                "publisher": {"name": "p"},
                "publishedDate": "2024-01-01T00:00:00Z",
            },
            "$.releases[0]",
        ),
        (
            {
                "records": [{"releases": []}],
                "uri": "u",
                "publisher": {"name": "p"},
                "publishedDate": "2024-01-01T00:00:00Z",
            },
            "$.records[0].ocid",
        ),
        ({"releases": [], "records": []}, "$"),
    ],
)
def test_structure_errors_name_their_path(data, path):
    with pytest.raises(ImportRefused) as refused:
        run(data)
    assert path in {e.where for e in refused.value.report.errors}


def test_script_in_imported_text_never_reaches_the_database_or_page(client):
    # given a title and description carrying script
    data = minimal_package(
        title='<script>alert("x")</script>Water <b>PPP</b>',
        description="Safe &lt;script&gt;alert(1)&lt;/script&gt; text <img src=x onerror=alert(1)>",
    )
    data["releases"][0]["parties"][1]["name"] = "PT <script>evil()</script>Air"
    # when imported
    report = run(data)
    # then the stored text is plain, without any markup
    p = Partnership.objects.get()
    assert p.title_en == "Water PPP" and p.title_ind == "Water PPP"
    stored = json.dumps(
        [p.title_en, p.summary_en, list(Organisation.objects.values_list("name", flat=True))]
    )
    assert "<script" not in stored and "onerror" not in stored and 'alert("x")' not in stored
    assert Organisation.objects.filter(name="PT Air").exists()
    assert any("HTML" in w.message for w in report.warnings)
    # and the public page shows it escaped, never as markup
    response = client.get(f"/en/partnerships/{p.pk}/")
    assert response.status_code == 200
    assert b"<script>alert" not in response.content and b"onerror" not in response.content


def test_role_table_maps_to_mitra_roles_only():
    valid = set(Role.values)
    assert all(set(roles) <= valid for roles in OCDS_ROLE_TO_MITRA.values())


def test_command_line_imports_and_refuses(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(minimal_package()), encoding="utf-8")
    out = StringIO()
    call_command("import", str(good), "--format", "ocds", "--json", stdout=out)
    assert json.loads(out.getvalue())["created"]["partnership"] == 1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"releases": "no"}), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import", str(bad), "--format", "ocds", "--json", stdout=StringIO())


def _empty_database() -> None:
    """Delete every partnership and organisation (what an empty database would not have)."""
    from django.apps import apps

    for model in reversed(apps.get_models()):
        if model._meta.app_label in {"partnerships", "organisations", "disclosure"} or (
            model._meta.app_label not in {"auth", "contenttypes", "sessions", "admin", "sites"}
            and any(
                f.related_model in (Partnership, Organisation)
                for f in model._meta.get_fields()
                if f.is_relation and f.many_to_one
            )
        ):
            model._base_manager.all().delete()


def test_round_trip_export_of_the_demo_imports_with_same_titles_and_values():
    services = pytest.importorskip("mitra.disclosure.services")
    # given the demo's published partnerships exported as an OCDS record package
    call_command("demo", stdout=StringIO())
    jsonio = pytest.importorskip("mitra.disclosure.jsonio")
    package = json.loads(jsonio.dumps(services.ocds_record_package()))
    expected = {
        p.title_ind: (p.estimated_value, p.currency, p.form)
        for p in Partnership.objects.published()
    }
    assert expected
    # when it is imported into an empty database
    _empty_database()
    assert not Partnership.objects.exists()
    report = run(package)
    # then the same partnerships come back with the same titles and values
    got = {
        p.title_ind: (p.estimated_value, p.currency)
        for p in Partnership.objects.filter(source="ocds")
    }
    assert report.created["partnership"] == len(expected)
    assert got == {t: (v, c) for t, (v, c, _f) in expected.items()}
    assert all(any("lead" in m.roles for m in p.members.all()) for p in Partnership.objects.all())
    # and importing it again changes nothing
    again = run(copy.deepcopy(package))
    assert not again.created and not again.updated
