from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _may_be_told(user: Any, partnership_id: int, internal: bool) -> bool:
    """Whether a follower may be told of a partnership's activity (notifications sits below
    partnerships, so the check is registered from here)."""
    from mitra.partnerships.models import Partnership
    from mitra.partnerships.permissions import can_view_internal, can_view_partnership

    partnership = Partnership.objects.filter(pk=partnership_id).first()
    if partnership is None:
        return False
    if internal:
        return can_view_internal(user, partnership)
    return can_view_partnership(user, partnership)


class WorkplanConfig(AppConfig):
    name = "mitra.workplan"
    label = "workplan"
    verbose_name = _("Workplan")

    def ready(self) -> None:
        # History after modeltranslation's language columns exist (see partnerships.apps).
        from simple_history import register as register_history

        from mitra.core.demo import register_demo_step
        from mitra.notifications.kinds import register_kind
        from mitra.notifications.services import register_audience_check

        from .models import Decision, Meeting, Task, WorkplanSettings

        for model in (Task, Meeting, Decision, WorkplanSettings):
            register_history(model, app=self.name)

        from .tabs import register

        register()
        register_audience_check(_may_be_told)
        register_kind(
            "workplan.task_assigned",
            _("Tasks given to you"),
            _("%(partnership)s: the task “%(task)s” is yours (due %(due)s)."),
            _("%(partnership)s: the task “%(task)s” was assigned (due %(due)s)."),
        )
        register_kind(
            "workplan.task_due",
            _("Tasks due soon"),
            _("%(partnership)s: the task “%(task)s” is due on %(due)s."),
        )
        register_kind(
            "workplan.decision_taken",
            _("Decisions taken"),
            _("%(partnership)s: a decision was recorded: “%(decision)s”."),
        )
        register_kind(
            "workplan.meeting_scheduled",
            _("Meetings scheduled"),
            _("%(partnership)s: meeting “%(meeting)s” on %(when)s."),
        )
        register_demo_step("workplan", 150, "mitra.workplan.demo.load")

        from mitra.partnerships.history_sources import register_history_source

        from .history import workplan_history

        register_history_source("workplan", workplan_history)
