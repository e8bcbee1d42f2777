from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "casework.reports"
    label = "reports"
    verbose_name = _("统计报表")

    def ready(self) -> None:
        # Each section registers its figures when imported.
        from casework.reports import sections  # noqa: F401
