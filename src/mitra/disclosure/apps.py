from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "mitra.disclosure"
    verbose_name = _("Open data")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from mitra.disputes.models import ContractAmendment
        from mitra.jobs.registry import register_handler
        from mitra.organisations.models import Organisation
        from mitra.partnerships.models import Commitment, Document, Partnership, PartnershipMember
        from mitra.results.models import Indicator, Period, ServiceLevel, Update
        from mitra.risks.models import Risk, RiskAllocation

        from .dumps import KIND, mark_dirty

        register_handler(KIND, "mitra.disclosure.dumps.dumps_job", staff_may_follow=True)
        # What the bulk files hold changes with these: the files are marked out of date.
        for model in (
            Partnership,
            PartnershipMember,
            Document,
            Commitment,
            Organisation,
            Risk,
            RiskAllocation,
            # contracts[].amendments and .implementation (KPIs and their verified values)
            ContractAmendment,
            Indicator,
            ServiceLevel,
            Period,
            Update,
        ):
            for signal in (post_save, post_delete):
                signal.connect(mark_dirty, sender=model, dispatch_uid=f"dumps-{model.__name__}")
