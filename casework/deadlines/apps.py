from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "casework.deadlines"
    label = "deadlines"
    verbose_name = _("办理期限")

    def ready(self) -> None:
        from casework.calendar.signals import calendar_year_entered
        from casework.deadlines.services import deadlines_recompute_for_year

        calendar_year_entered.connect(deadlines_recompute_for_year, dispatch_uid="deadlines_recompute_for_year")
