"""Numbers, amounts, dates and times in the reader's language and time zone (issue 10).

Forms show and read grouped numbers (1.250.000,00 / 1,250,000.00); CSV downloads follow the
language (decimal comma and ";" in Indonesian); large amounts have a short form with the exact
one on hover; times are shown in the reader's zone (WIB, WITA, WIT) with its abbreviation.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone, translation
from openpyxl import load_workbook

from mitra.core.exports import Column, table_response
from mitra.core.fields import LocalizedDecimalField, parse_localized_decimal
from mitra.core.middleware import ReaderTimeZoneMiddleware
from mitra.core.money import format_money_short
from mitra.core.regions import subdivisions
from mitra.core.timezones import PROVINCE_ZONES, SESSION_KEY, WIB, WIT, WITA, zone_name
from mitra.organisations.models import OrganisationRole
from mitra.partnerships import forms as partnership_forms
from tests.conftest import make_org, make_user

BIG = Decimal("1250000000000.00")


class AmountForm(forms.Form):
    amount = LocalizedDecimalField(max_digits=19, decimal_places=2)


# --------------------------------------------------------------------------- forms


@pytest.mark.parametrize(
    ("language", "shown"),
    [("id", "1.250.000.000.000,00"), ("en", "1,250,000,000,000.00")],
)
def test_decimal_field_shows_and_reads_back_grouped_numbers(language: str, shown: str) -> None:
    with translation.override(language):
        html = str(AmountForm(initial={"amount": BIG})["amount"])
        assert f'value="{shown}"' in html
        assert 'inputmode="decimal"' in html
        assert "1250000000000.00" not in html
        # what the reader sees comes back exactly
        form = AmountForm(data={"amount": shown})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["amount"] == BIG
        assert isinstance(form.cleaned_data["amount"], Decimal)


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("id", "1.250,5", Decimal("1250.5")),
        ("id", "0,64", Decimal("0.64")),
        ("id", "1500.50", Decimal("1500.50")),  # a program's decimal point
        ("id", "1.500", Decimal("1500")),  # Indonesian grouping
        ("id", "-2.000.000,01", Decimal("-2000000.01")),
        ("id", "7", Decimal("7")),
        ("en", "1,250.5", Decimal("1250.5")),
        ("en", "1,500", Decimal("1500")),
        ("en", "0.64", Decimal("0.64")),
        ("en", " 12 345.25 ", Decimal("12345.25")),
    ],
)
def test_parse_localized_decimal(language: str, typed: str, expected: Decimal) -> None:
    with translation.override(language):
        assert parse_localized_decimal(typed) == expected


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("typed", ["abc", "1.2.3,4", "1,2,3.4", "12.34.567", ",", "1e5", "--1"])
def test_bad_numbers_are_a_field_error(language: str, typed: str) -> None:
    with translation.override(language):
        form = AmountForm(data={"amount": typed})
        assert not form.is_valid()
        assert "amount" in form.errors


def test_too_many_decimals_is_a_field_error() -> None:
    with translation.override("id"):
        form = AmountForm(data={"amount": "1,234"})
        assert not form.is_valid() and "amount" in form.errors


def test_partnership_amount_fields_are_localized() -> None:
    with translation.override("id"):
        form = partnership_forms.NeedForm(initial={"quantity": BIG})
        assert isinstance(form.fields["quantity"], LocalizedDecimalField)
        assert 'value="1.250.000.000.000,00"' in str(form["quantity"])
    for name in ("CommitmentForm", "DeliveryForm"):
        assert isinstance(
            getattr(partnership_forms, name).base_fields["quantity"], LocalizedDecimalField
        )
    field = partnership_forms.PartnershipBaseForm.base_fields["estimated_value"]
    assert isinstance(field, LocalizedDecimalField)


def test_risk_number_fields_show_the_readers_decimal_separator() -> None:
    from mitra.risks.forms import NumberField, flows_text

    field = NumberField(required=False)
    with translation.override("id"):
        assert field.prepare_value(0.05) == "0,05"
        assert flows_text([1.5, 2]) == "1,5; 2"
        assert field.clean("0,05") == 0.05
    with translation.override("en"):
        assert field.prepare_value(0.05) == "0.05"
        assert flows_text([1.5, 2]) == "1.5; 2"


# --------------------------------------------------------------------------- CSV and XLSX

ROWS = [
    {
        "name": "Jalan tol",
        "value": Decimal("1250000000000.50"),
        "share": 0.25,
        "count": 1200,
        "day": dt.date(2026, 12, 31),
        "at": dt.datetime(2026, 12, 4, 7, 5, tzinfo=dt.UTC),
    }
]
COLUMNS = [Column(key, lambda r, key=key: r[key]) for key in ROWS[0]]


def _download(fmt: str) -> Any:
    return table_response(rows=ROWS, columns=COLUMNS, fmt=fmt, filename="t")


def test_indonesian_csv_has_decimal_comma_and_semicolons() -> None:
    with translation.override("id"), timezone.override(zoneinfo.ZoneInfo(WITA)):
        response = _download("csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["name", "value", "share", "count", "day", "at"]
    # exact amount, decimal comma, no grouping; the date as Indonesians write it; the time in
    # the reader's zone with its abbreviation
    assert rows[1] == [
        "Jalan tol",
        "1250000000000,50",
        "0,25",
        "1200",
        "31/12/2026",
        "04/12/2026 15:05:00 WITA",
    ]


def test_english_csv_is_unchanged() -> None:
    with translation.override("en"):
        response = _download("csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == [
        "Jalan tol",
        "1250000000000.50",
        "0.25",
        "1200",
        "2026-12-31",
        "2026-12-04T07:05:00+00:00",
    ]


def test_xlsx_stays_typed_in_indonesian() -> None:
    with translation.override("id"):
        response = _download("xlsx")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    row = list(next(book.active.iter_rows(min_row=2, values_only=True)))
    assert Decimal(str(row[1])) == Decimal("1250000000000.5")
    assert row[2] == 0.25 and row[3] == 1200
    assert row[4].date() == dt.date(2026, 12, 31)


def test_streamed_csv_keeps_the_request_language_after_the_view_returns() -> None:
    with translation.override("id"):
        response = _download("csv")
    with translation.override("en"):  # the server writes the file later, elsewhere
        text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "1250000000000,50" in text and ";" in text


# --------------------------------------------------------------------------- short amounts


@pytest.mark.parametrize(
    ("amount", "indonesian", "english"),
    [
        (Decimal("9850000000000"), "Rp 9,85 T", "IDR 9.85 trillion"),
        (Decimal("18000000000"), "Rp 18 M", "IDR 18 billion"),
        (Decimal("1500000"), "Rp 1,5 jt", "IDR 1.5 million"),
        (Decimal("25000"), "Rp 25 rb", "IDR 25 thousand"),
        (Decimal("999999.99"), "Rp 1 jt", "IDR 1 million"),
        (Decimal("-2500000000000"), "Rp -2,5 T", "IDR -2.5 trillion"),
    ],
)
def test_money_short(amount: Decimal, indonesian: str, english: str) -> None:
    with translation.override("id"):
        assert format_money_short(amount, "IDR") == indonesian
    with translation.override("en"):
        assert format_money_short(amount, "IDR") == english
    assert format_money_short(None, "IDR") == ""


def test_money_short_tag_keeps_the_exact_amount_on_hover() -> None:
    template = Template(
        "{% load mitra %}{% money_short amount 'IDR' %}|{{ amount|money_short:'IDR' }}"
    )
    with translation.override("id"):
        html = template.render(Context({"amount": Decimal("9850000000000.00")}))
    assert 'title="Rp 9.850.000.000.000,00"' in html
    assert ">Rp 9,85 T</span>|Rp 9,85 T" in html


# --------------------------------------------------------------------------- time zones


def test_every_indonesian_province_has_a_zone() -> None:
    assert set(PROVINCE_ZONES) == set(subdivisions("ID"))
    assert len(PROVINCE_ZONES) == 38
    assert zone_name("ID", "ID-PA") == WIT
    assert zone_name("ID", "ID-BA") == WITA
    assert zone_name("ID", "ID-JB") == WIB
    assert zone_name("ID", "") == WIB
    assert zone_name("NL", "") == "Europe/Amsterdam"
    assert zone_name("US", "") == "UTC"  # several zones: none is guessed


WHEN = dt.datetime(2026, 12, 4, 7, 5, tzinfo=dt.UTC)


def _page(request: Any) -> str:
    def view(_request: Any) -> HttpResponse:
        template = Template('{{ when }}|{{ when|date:"SHORT_DATETIME_FORMAT" }}')
        return HttpResponse(template.render(Context({"when": WHEN})))

    with translation.override("id"):
        response = ReaderTimeZoneMiddleware(view)(request)
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("province", "shown"),
    [
        ("ID-PA", "4 Des 2026 16.05 WIT|04-12-2026 16.05 WIT"),
        ("ID-BA", "4 Des 2026 15.05 WITA|04-12-2026 15.05 WITA"),
        ("ID-JK", "4 Des 2026 14.05 WIB|04-12-2026 14.05 WIB"),
    ],
)
def test_reader_sees_times_in_their_organisations_zone(
    client: Any, province: str, shown: str
) -> None:
    user = make_user(f"u-{province.lower()}")
    org = make_org(
        "Organisasi", "public", "regional_government", users=[(user, OrganisationRole.ADMIN)]
    )
    org.province = province
    org.save()
    # signing in keeps the zone in the session: no query per request
    client.force_login(user)
    request = RequestFactory().get("/")
    request.user = user
    request.session = client.session
    assert request.session[SESSION_KEY] == zone_name("ID", province)
    assert _page(request) == shown
    assert timezone.get_current_timezone_name() == "Asia/Jakarta"  # deactivated after


@pytest.mark.django_db
def test_anonymous_reader_sees_wib() -> None:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert _page(request) == "4 Des 2026 14.05 WIB|04-12-2026 14.05 WIB"


@pytest.mark.django_db
def test_session_without_a_zone_gets_it_once(client: Any) -> None:
    user = make_user("old-session")
    org = make_org(
        "Org Papua", "public", "regional_government", users=[(user, OrganisationRole.STAFF)]
    )
    org.province = "ID-PA"
    org.save()
    client.force_login(user)
    session = client.session
    del session[SESSION_KEY]
    request = RequestFactory().get("/")
    request.user, request.session = user, session
    assert _page(request).endswith("WIT")
    assert session[SESSION_KEY] == WIT


def test_english_times_carry_the_abbreviation_too() -> None:
    with translation.override("en"), timezone.override(zoneinfo.ZoneInfo(WIT)):
        assert Template("{{ when }}").render(Context({"when": WHEN})) == "4 Dec 2026 16:05 WIT"


def test_english_short_dates_are_day_first_like_every_other_date_of_the_product() -> None:
    """7 December 2026 reads 07/12/2026 in English as in the exports and the period labels
    (31/05/2026), never the American 12/07/2026; typed dates are read day first too."""
    template = Template(
        '{{ when|date:"SHORT_DATE_FORMAT" }}|{{ when|date:"SHORT_DATETIME_FORMAT" }}'
    )
    with translation.override("en"), timezone.override(zoneinfo.ZoneInfo(WIT)):
        shown = template.render(Context({"when": dt.datetime(2026, 12, 7, 7, 5, tzinfo=dt.UTC)}))
        assert shown == "07/12/2026|07/12/2026 16:05 WIT"
        field = forms.DateField()
        assert field.clean("07/12/2026") == dt.date(2026, 12, 7)
        assert field.clean("2026-12-07") == dt.date(2026, 12, 7)
    with translation.override("id"):
        assert forms.DateField().clean("07/12/2026") == dt.date(2026, 12, 7)


@pytest.mark.django_db
def test_dashboard_shows_gaps_short_with_the_exact_amount_on_hover(client: Any, world: Any) -> None:
    from django.urls import reverse

    from tests.views.conftest import sign_in

    sign_in(client, world, "member")  # the company: sees its own pledge, a gap of 223,000,000
    html = client.get(reverse("partnerships:dashboard")).content.decode()
    table = html[html.index('data-testid="gaps-table"') :]
    assert 'title="Rp 223.000.000,00"' in table
    assert ">Rp 223 jt</span>" in table
    english = client.get("/en" + reverse("partnerships:dashboard")).content.decode()
    assert ">IDR 223 million</span>" in english
    assert 'title="IDR 223,000,000.00"' in english
