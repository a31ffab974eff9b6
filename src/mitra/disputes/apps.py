from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "mitra.disputes"
    label = "disputes"
    verbose_name = _("Disputes")

    def ready(self) -> None:
        from simple_history import register as register_history

        from mitra.core.demo import register_demo_step
        from mitra.notifications.kinds import register_kind
        from mitra.partnerships.history_sources import register_history_source

        from .history import disputes_history
        from .models import (
            ContractAmendment,
            Dispute,
            DisputeSettings,
            EventLink,
            Grievance,
            PoliticalEvent,
        )

        for model in (
            DisputeSettings,
            Dispute,
            Grievance,
            PoliticalEvent,
            EventLink,
            ContractAmendment,
        ):
            register_history(model, app=self.name)

        kinds = [
            (
                "disputes.raised",
                _("Dispute raised"),
                _("A dispute was raised in %(partnership)s: %(dispute)s."),
            ),
            (
                "disputes.escalated",
                _("Dispute escalated"),
                _("The dispute “%(dispute)s” in %(partnership)s went up to: %(step)s."),
            ),
            (
                "disputes.escalated_on_deadline",
                _("Dispute escalated on deadline"),
                _(
                    "The deadline of “%(previous)s” passed: the dispute “%(dispute)s” in "
                    "%(partnership)s went up to: %(step)s."
                ),
            ),
            (
                "disputes.overdue",
                _("Dispute overdue"),
                _(
                    "The last step (%(step)s) of the dispute “%(dispute)s” in %(partnership)s "
                    "is past its deadline."
                ),
            ),
            (
                "disputes.resolved",
                _("Dispute resolved"),
                _("The dispute “%(dispute)s” in %(partnership)s was resolved."),
            ),
            (
                "disputes.changed",
                _("Dispute edited"),
                _("The dispute “%(dispute)s” in %(partnership)s was edited."),
            ),
            (
                "disputes.grievance_filed",
                _("Grievance filed"),
                _(
                    "A grievance (%(reference)s) was filed on %(partnership)s: acknowledge it "
                    "within %(days)s days."
                ),
            ),
            (
                "disputes.grievance_overdue",
                _("Grievance not acknowledged in time"),
                _("The grievance %(reference)s on %(partnership)s is past its deadline."),
            ),
            (
                "disputes.event_linked",
                _("Political event linked"),
                _("“%(event)s” was linked to %(partnership)s."),
            ),
        ]
        for key, label, message in kinds:
            register_kind(key, label, message)

        from .tabs import register

        register()
        register_demo_step("disputes", 190, "mitra.disputes.demo.load")
        register_history_source("disputes", disputes_history)
