from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "mitra.coordination"
    label = "coordination"
    verbose_name = _("Coordination")

    def ready(self) -> None:
        from simple_history import register as register_history

        from mitra.core.demo import register_demo_step
        from mitra.notifications.kinds import register_kind

        from .models import ApprovalPolicy, DeadlineExtension, Invitation, SignOff
        from .tabs import register

        for model in (Invitation, SignOff, DeadlineExtension):
            register_history(model, app=self.name)
        # The designated approvers are part of the policy's audit (who changed them, when).
        register_history(ApprovalPolicy, app=self.name, m2m_fields=["approvers"])
        register()
        register_demo_step("coordination", 120, "mitra.coordination.demo.load")
        from mitra.partnerships.history_sources import register_history_source

        from .history import coordination_history

        register_history_source("coordination", coordination_history)

        register_kind(
            "coordination.invited",
            _("Invitations"),
            _("%(organisation)s is invited to join %(partnership)s."),
        )
        register_kind(
            "coordination.invitation_accepted",
            _("Invitations"),
            _("%(organisation)s accepted the invitation to %(partnership)s."),
        )
        register_kind(
            "coordination.invitation_declined",
            _("Invitations"),
            _("%(organisation)s declined the invitation to %(partnership)s."),
        )
        register_kind(
            "coordination.partner_left",
            _("Partners leaving"),
            _("%(organisation)s left %(partnership)s."),
        )
        register_kind(
            "coordination.signoff_requested",
            _("Sign-offs requested"),
            _("Your sign-off is requested in %(partnership)s: %(step)s."),
        )
        register_kind(
            "coordination.signoff_rejected",
            _("Sign-offs rejected"),
            _("%(organisation)s rejected %(step)s in %(partnership)s."),
        )
        register_kind(
            "coordination.gate_open",
            _("Stage gates"),
            _("The gate of %(partnership)s is open: it can move to %(stage)s."),
        )
        register_kind(
            "coordination.stage_changed",
            _("Stage changes"),
            _("%(partnership)s moved from %(from)s to %(to)s."),
        )
        register_kind(
            "coordination.stage_back",
            _("Stage changes"),
            _("%(partnership)s went back from %(from)s to %(to)s: %(reason)s"),
        )
        register_kind(
            "coordination.deadline_extended",
            _("Deadlines"),
            _(
                "The deadline of %(step)s in %(partnership)s moved from %(from)s to %(to)s: %(reason)s"
            ),
        )
