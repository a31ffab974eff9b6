"""What the appraisal part registers when the app is ready (called from FinanceConfig.ready):
its history on the partnership's History tab, the PJPK's fiscal portfolio on an organisation's
profile, and its demo step (after the finance model's)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def _portfolio_section(request: HttpRequest, organisation: Any) -> dict[str, Any]:
    from . import appraisal_charts, appraisal_selectors

    portfolio = appraisal_selectors.organisation_portfolio(
        user=request.user, organisation=organisation
    )
    shown = bool(portfolio.items) or portfolio.can_edit_budget
    chart = appraisal_charts.portfolio_chart(portfolio) if portfolio.items else None
    return {"portfolio": portfolio, "chart": chart, "shown": shown}


def register() -> None:
    from mitra.core.demo import register_demo_step
    from mitra.organisations.profile import ProfileSection, register_section
    from mitra.partnerships.history_sources import register_history_source

    from .appraisal_selectors import appraisal_history

    register_section(
        ProfileSection(
            "finance-portfolio", 40, "finance/appraisal_org_section_wrap.html", _portfolio_section
        )
    )
    register_history_source("finance-appraisal", appraisal_history)
    _register_lifecycle_checks()
    register_demo_step("finance-appraisal", 160, "mitra.finance.appraisal_demo.load")


def _register_lifecycle_checks() -> None:
    """The figures a lifecycle step may require (coordination's "checks", worded there): a
    completed VfM in the KPBU's preparation, a finance model with its feasibility figures."""
    from mitra.coordination.definitions import KNOWN_CHECKS, register_check

    from .appraisal_selectors import vfm_completed
    from .selectors import stored_model

    register_check("finance.vfm", KNOWN_CHECKS["finance.vfm"], vfm_completed)
    register_check(
        "finance.model",
        KNOWN_CHECKS["finance.model"],
        lambda partnership: stored_model(partnership) is not None,
    )
