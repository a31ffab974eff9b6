"""Bad input in any form of the site gets an answer, never a server error: a sweep over the demo.

Users of a lead organisation and of a company follow every link from their start pages and
collect every POST form they are offered (one of each kind: same action with the numbers taken
out, same field names). Each form is then sent as the page fills it, with every field empty,
and once per field with a bad value for its kind in place (text far too long, a NUL, numbers
that are not numbers or do not fit, impossible dates, choices that are not offered, hidden ids
and versions that do not exist, a file that is not what it says). No answer may be a 5xx; the
forms' own tests check the messages. And each form with text fields and a number or date field
is sent once with a marker in every text field and a bad number or date: it must come back as
the form again (400) with every marker in it, so that one bad field loses nothing else that was
typed. New forms are swept as soon as a page offers them.
"""

from __future__ import annotations

import html
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from tests import crawl

pytestmark = pytest.mark.django_db

#: A lead organisation's user (the most forms) and a company's (a partner, not the lead).
USERS = ("pemda", "swasta")
START = ("/", "/partnerships/", "/needs/", "/offers/", "/organisations/", "/notifications/")
MAX_PAGES = 300
#: Forms whose action deletes: sent last, so the others find their data.
LAST = re.compile(r"delete|remove|withdraw|leave|revoke")
#: Signing out is no input to check (and would sign the sweep out).
SIGN_OUT = re.compile(r"/accounts/logout/")

#: Bad values by the kind of field; each field gets the next one of its kind in turn.
BAD: dict[str, tuple[Any, ...]] = {
    "text": ("x" * 5000, "nul\x00byte", "   ", "<script>alert(1)</script>"),
    "number": ("abc", "1e400", "-1", "NaN", "9" * 40, "1,5", "Infinity"),
    "date": ("2026-02-30", "tomorrow", "99999-01-01", "0001-01-01"),
    "select": ("not-a-choice", "999999999", "-1"),
    "hidden": ("abc", "-1", "9" * 30, ""),
    "email": ("not-an-email", "a@" * 200),
    "url": ("javascript:alert(1)", "http://" + "a" * 3000),
    "file": (b"\x00\x01 not a spreadsheet", b""),
}
KIND = {"textarea": "text", "search": "text", "password": "text", "tel": "text"}
KIND |= {"datetime-local": "date", "month": "date", "time": "date", "week": "date"}


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # name, kind, value


class Forms(HTMLParser):
    """The forms of a page with the values the page fills in (checked boxes, selected options)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: list[Any] | None = None
        self._textarea: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            method = a.get("method") or ("post" if a.get("hx-post") else "get")
            self._form = Form(a.get("action") or a.get("hx-post") or "", method.lower())
            self.forms.append(self._form)
        elif self._form is None or (not a.get("name") and tag != "option"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self._form.fields.append((a["name"], kind, a.get("value", default)))
        elif tag == "select":
            self._select = [a["name"], None, None]
        elif tag == "option" and self._select is not None:
            if self._select[2] is None:
                self._select[2] = a.get("value", "")
            if "selected" in a:
                self._select[1] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = [a["name"], ""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, chosen, first = self._select
            self._form.fields.append(
                (name, "select", chosen if chosen is not None else first or "")
            )
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea[0], "textarea", self._textarea[1]))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1] += data


def _collect(client: Client) -> dict[tuple[str, tuple[str, ...]], Form]:
    """One form of each kind the user is offered on the pages reachable from the start pages."""
    forms: dict[tuple[str, tuple[str, ...]], Form] = {}
    for url, response, body in crawl.pages(client, START, MAX_PAGES):
        assert response.status_code < 500, url
        if not body or "html" not in response.get("Content-Type", ""):
            continue
        parser = Forms()
        parser.feed(body)
        for form in parser.forms:
            if form.method != "post":
                continue
            form.action = html.unescape(form.action) or url
            names = tuple(sorted({name for name, _, _ in form.fields}))
            forms.setdefault((re.sub(r"\d+", "N", form.action.split("?")[0]), names), form)
    return forms


def _variants(form: Form, turns: dict[str, itertools.cycle[Any]]) -> list[dict[str, Any]]:
    """The form as filled, with every field empty, then with one bad value at a time."""
    filled: dict[str, list[str]] = {}
    for name, kind, value in form.fields:
        if kind != "file":
            filled.setdefault(name, []).append(value)
    variants = [filled, {name: [] for name in filled}]
    for name, kind, _ in form.fields:
        if name == "csrfmiddlewaretoken":
            continue
        bad = next(turns[KIND.get(kind, kind if kind in BAD else "text")])
        if isinstance(bad, bytes):
            variants.append({**filled, name: SimpleUploadedFile("data.xlsx", bad)})
        else:
            variants.append({**filled, name: [bad]})
    return variants


def _kept_variant(form: Form) -> tuple[dict[str, Any], list[str]] | None:
    """The form with a marker in every text field and a bad number or date, and the markers;
    None when the form has no text field or no field that refuses a bad value."""
    filled: dict[str, Any] = {}
    markers: list[str] = []
    bad_field = None
    for name, kind, value in form.fields:
        if kind in ("text", "textarea") and name not in filled:
            marker = f"kept {len(markers) + 1}"
            filled[name], markers = [marker], [*markers, marker]
        elif kind in ("number", "date") and bad_field is None:
            bad_field = name
            filled[name] = ["abc"]
        elif kind != "file":
            filled.setdefault(name, []).append(value)
    if not markers or bad_field is None:
        return None
    return filled, markers


def test_no_form_answers_bad_input_with_a_server_error() -> None:
    call_command("demo", stdout=StringIO())
    users = get_user_model().objects
    turns = {kind: itertools.cycle(values) for kind, values in BAD.items()}
    errors: list[tuple[str, str, str, int]] = []
    statuses: Counter[int] = Counter()
    lost: list[tuple[str, str, int, str]] = []
    kept_checked = 0
    for username in USERS:
        client = Client(raise_request_exception=False)
        client.force_login(users.get(username=username))
        forms = _collect(client)
        assert len(forms) > 40, (username, len(forms))  # the sweep did find the site's forms
        for form in sorted(forms.values(), key=lambda f: (bool(LAST.search(f.action)), f.action)):
            if SIGN_OUT.search(form.action):
                continue
            # first (before the form as filled is taken, which may delete what it edits)
            kept = _kept_variant(form)
            if kept is not None:
                kept_checked += 1
                response = client.post(form.action, kept[0])
                body = html.unescape(response.content.decode("utf-8", "replace"))
                missing = [m for m in kept[1] if m not in body]
                if response.status_code != 400 or missing:
                    lost.append((username, form.action, response.status_code, str(missing)))
            for data in _variants(form, turns):
                response = client.post(form.action, data)
                statuses[response.status_code] += 1
                if response.status_code >= 500:
                    sent = {k: str(v)[:40] for k, v in data.items() if k != "csrfmiddlewaretoken"}
                    errors.append((username, form.action, str(sent), response.status_code))
        assert "_auth_user_id" in client.session  # the sweep was signed in throughout
    assert errors == []
    # a form refused for one bad field gives back everything else that was typed
    assert lost == [], "\n".join(map(str, lost))
    assert kept_checked > 20, kept_checked
    # and bad input was refused as such (the form again with its errors: 400), while forms sent
    # as the pages fill them were taken (a redirect): the sweep did reach the forms' checks
    assert statuses[400] > 500 and statuses[302] > 20, statuses
