"""No serious or critical axe-core violation on any main page, in Indonesian and in English.

axe-core (bundled by axe-playwright-python, no download) checks each page as a partner
(``pu-admin``, the contracting agency of the demo toll road), as platform staff (``admin``, for
the import pages) and as an anonymous visitor, on the demo data. Each page and language is its
own subtest, so that a failure names the page, the language and the rules it breaks.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mitra-demo"  # the demo's
PARTNER, STAFF, ANONYMOUS = "pu-admin", "admin", None
LANGUAGES = {"id": "", "en": "/en"}  # Indonesian is the default language: no prefix
FAILING = {"serious", "critical"}
SHARED_KPBU = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "id-kpbu-kemenkeu-projects"
    / "kpbu_projects.csv"
)


@dataclass(frozen=True)
class Check:
    name: str
    user: str | None
    path: str  # formatted with the ids of the demo records (_load_demo)
    then: Callable[[Any, Path], None] | None = None  # what to do on the page before checking


def _submit_empty(page: Any, tmp: Path) -> None:
    """Send the form as it is: the page shows the form again with its errors."""
    page.locator("#main-form button[type=submit]").click()
    page.wait_for_selector("#form-errors")


def _upload_table(page: Any, tmp: Path) -> None:
    """Upload three rows of the KPBU list: the preview page, once its job has run."""
    if not SHARED_KPBU.is_file():
        pytest.skip(f"{SHARED_KPBU} is absent: shared/ sits beside the checkout in CI only")
    with SHARED_KPBU.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = [row for _, row in zip(range(3), reader, strict=False)]
    table = tmp / "kpbu-three.csv"
    with table.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    page.set_input_files("input[type=file]", str(table))
    page.select_option("select[name=mapping]", "id-kpbu-kemenkeu-projects")
    page.locator("#main button[type=submit]").click()
    page.wait_for_selector('[data-testid="preview"]')


ROAD = "/partnerships/{road}/"
CHECKS = [
    # a partner, signed in
    Check("dashboard", PARTNER, "/"),
    Check("partnership-list-filtered", PARTNER, "/partnerships/?q=a&form=ppp&mine=on"),
    Check("tab-overview", PARTNER, ROAD),
    Check("tab-partners", PARTNER, ROAD + "partners/"),
    Check("tab-needs", PARTNER, ROAD + "needs/"),
    Check("tab-objectives", PARTNER, ROAD + "objectives/"),
    Check("tab-documents", PARTNER, ROAD + "documents/"),
    Check("tab-history", PARTNER, ROAD + "history/"),
    Check("tab-risks", PARTNER, ROAD + "risks/"),
    Check("risk-detail", PARTNER, ROAD + "risks/{risk}/"),
    Check("simulation", PARTNER, ROAD + "risks/simulations/{simulation}/"),
    Check("partnership-edit", PARTNER, ROAD + "edit/"),
    Check("partnership-create", PARTNER, "/partnerships/new/"),
    Check("partnership-create-errors", PARTNER, "/partnerships/new/", _submit_empty),
    Check("partner-add", PARTNER, ROAD + "partners/add/"),
    Check("need-add-errors", PARTNER, ROAD + "needs/add/", _submit_empty),
    Check("document-add", PARTNER, ROAD + "documents/add/"),
    Check("risk-add", PARTNER, ROAD + "risks/add/"),
    Check("risk-settings", PARTNER, ROAD + "risks/settings/"),
    Check("objective-add", PARTNER, ROAD + "objectives/add/"),
    Check("organisation-list", PARTNER, "/organisations/"),
    Check("organisation-profile", PARTNER, "/organisations/{org}/"),
    Check("organisation-edit", PARTNER, "/organisations/{org}/edit/"),
    Check("organisation-create", PARTNER, "/organisations/new/"),
    Check("not-found-signed-in", PARTNER, "/partnerships/999999/"),
    # platform staff: the import pages
    Check("import-upload", STAFF, "/imports/"),
    Check("import-preview", STAFF, "/imports/", _upload_table),
    Check("import-reviews", STAFF, "/imports/reviews/"),
    # an anonymous visitor: the public portal
    Check("public-home", ANONYMOUS, "/"),
    Check("public-list", ANONYMOUS, "/partnerships/?q=jalan"),
    Check("public-partnership", ANONYMOUS, ROAD),
    Check("public-partners", ANONYMOUS, ROAD + "partners/"),
    Check("public-needs", ANONYMOUS, ROAD + "needs/"),
    Check("public-documents", ANONYMOUS, ROAD + "documents/"),
    Check("public-organisations", ANONYMOUS, "/organisations/"),
    Check("public-organisation", ANONYMOUS, "/organisations/{org}/"),
    Check("sign-in", ANONYMOUS, "/accounts/login/"),
    Check("not-found", ANONYMOUS, "/no-such-page/"),
]


def _load_demo() -> dict[str, int]:
    from mitra.partnerships.models import Partnership
    from mitra.risks.models import Simulation

    call_command("demo", verbosity=0)
    road = Partnership.objects.get(development_sector="toll_road")
    lead = road.members.get(organisation__short_name="Kementerian PU").organisation
    return {
        "road": road.pk,
        "risk": road.risks.order_by("pk").first().pk,
        "simulation": Simulation.objects.filter(partnership=road).latest("pk").pk,
        "org": lead.pk,
    }


def _describe(violation: dict[str, Any]) -> str:
    targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
    more = len(violation["nodes"]) - 5
    return (
        f"  {violation['id']} ({violation['impact']}): {violation['help']}\n"
        f"    on {targets}{f' and {more} more' if more > 0 else ''}"
    )


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_no_serious_accessibility_violation_on_any_main_page(
    language: str, browser: Any, live_server: Any, subtests: Any, tmp_path: Path
) -> None:
    """Each page is a subtest: a failure names the page, the language and the broken rules."""
    from axe_playwright_python.sync_playwright import Axe

    ids = _load_demo()
    axe = Axe()
    contexts: dict[str | None, Any] = {}

    def context_of(user: str | None) -> Any:
        """One browser context per person, signed in once.

        The site's Content-Security-Policy forbids inline and evaluated scripts, and axe is
        injected as a script: only these checking contexts bypass the policy
        (``bypass_csp=True``); every other browser test runs under it.
        """
        if user not in contexts:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
            if user:
                page = context.new_page()
                page.goto(f"{live_server.url}/en/accounts/login/")
                page.fill("#id_username", user)
                page.fill("#id_password", PASSWORD)
                page.press("#id_password", "Enter")
                page.wait_for_url(lambda url: "/accounts/login/" not in url)
                page.close()
            contexts[user] = context
        return contexts[user]

    try:
        for check in CHECKS:
            url = live_server.url + LANGUAGES[language] + check.path.format(**ids)
            with subtests.test(msg=f"{check.name} [{language}]"):
                page = context_of(check.user).new_page()
                try:
                    response = page.goto(url)
                    assert response is not None
                    if check.name.startswith("not-found"):
                        assert response.status == 404
                    else:
                        assert response.ok, f"{url} answered {response.status}"
                    if check.then:
                        check.then(page, tmp_path)
                    assert page.get_attribute("html", "lang") == language
                    violations = axe.run(page).response["violations"]
                finally:
                    page.close()
                failing = [v for v in violations if v["impact"] in FAILING]
                others = [v for v in violations if v["impact"] not in FAILING]
                if others:  # shown with -rA or -s; not a failure
                    print(
                        f"{check.name} [{language}] moderate/minor:\n"
                        + "\n".join(map(_describe, others))
                    )
                assert not failing, (
                    f"{check.name} [{language}] ({url}) has serious/critical accessibility "
                    "violations:\n" + "\n".join(map(_describe, failing))
                )
    finally:
        for context in contexts.values():
            context.close()


def test_the_checker_finds_what_it_is_there_to_find(browser: Any) -> None:
    """The check above can fail: axe runs in this browser and reports a nameless button and
    faint text on a page made for it."""
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    try:
        page.set_content(
            '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
            '<h1>Check</h1><button type="button"></button>'
            '<p style="color:#b0b0b0;background:#fff">faint text</p></main></body></html>'
        )
        found = {v["id"]: v["impact"] for v in Axe().run(page).response["violations"]}
    finally:
        page.close()
    assert found.get("button-name") == "critical"
    assert found.get("color-contrast") == "serious"
