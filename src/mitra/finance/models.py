"""The project-finance model of a partnership: one JSON spec, exactly the file ``mitra finance``
reads (``finance-model.schema.json``), kept valid by the services (``validate_model``).

Whose model it is matters: a private party's model (the BUP, or the Pemrakarsa of an unsolicited
KPBU) is confidential to that party and the partners it names in ``shared_with``; the
government-side figures computed from it (availability payments, VGF, land, guarantee flows) are
shown to every partner; nothing of it is public unless ``published``. A model with no ``owner``
is the government's own (the PJPK's business case). Edits are audited with simple-history
(registered in ``FinanceConfig.ready()``), the spec being one audited field.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mitra.core.models import BaseModel
from mitra.partnerships.models import Partnership, PartnershipMember


class FinanceModel(BaseModel):
    """The partnership's project-finance model (one per partnership)."""

    partnership = models.OneToOneField(
        Partnership,
        on_delete=models.CASCADE,
        related_name="finance_model",
        verbose_name=_("partnership"),
    )
    #: The finance-model spec as ``mitra finance`` takes it; always valid per ``validate_model``.
    spec = models.JSONField(_("model"), default=dict)
    owner = models.ForeignKey(
        PartnershipMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="finance_models",
        verbose_name=_("whose model"),
        help_text=_(
            "The private party whose model this is (the BUP or the Pemrakarsa); "
            "empty for the government's own model."
        ),
    )
    shared_with = models.ManyToManyField(
        PartnershipMember,
        blank=True,
        related_name="finance_models_shared",
        verbose_name=_("shared with"),
        help_text=_("The partners who may see the whole model besides its owner."),
    )
    #: The lenders' minimum DSCR (their covenant), against which results and solved figures are
    #: judged; not part of the spec ``mitra finance`` reads.
    lender_min_dscr = models.DecimalField(
        _("lenders' minimum DSCR"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.20"),
        validators=[MinValueValidator(Decimal("0.50")), MaxValueValidator(Decimal("10"))],
        help_text=_("The debt service cover ratio the lenders require in every year, e.g. 1.20."),
    )
    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Show the model and its results to the public (on a public partnership)."),
    )

    history = HistoricalRecords(m2m_fields=[shared_with])

    class Meta:
        verbose_name = _("finance model")
        verbose_name_plural = _("finance models")

    def __str__(self) -> str:
        name = self.spec.get("name") if isinstance(self.spec, dict) else None
        return str(name or self.partnership)


class ResultChartSet(models.Model):
    """The result charts drawn for one spec (by its hash), lenders' minimum and language: data
    derived from a model, drawn when the model is saved and kept until the spec changes, so that
    no reader waits for Vega's engine (about 60 ms a chart). Not audited: it holds nothing a person
    entered, and it is read only after the page has checked that the reader may see the model."""

    #: ``<spec hash>:<minimum DSCR>:<language>:<charts.CHART_VERSION>``
    key = models.CharField(max_length=120, unique=True)
    spec_hash = models.CharField(max_length=64, db_index=True)
    #: The pickled ``list[core.charts.Chart]``, written and read only by ``finance.charts``.
    charts = models.BinaryField()
    drawn_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("drawn result charts")
        verbose_name_plural = _("drawn result charts")

    def __str__(self) -> str:
        return self.key


from .appraisal_models import *  # noqa
