from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonoursConfig(AppConfig):
    name = "casework.honours"
    label = "honours"
    verbose_name = _("评选表彰")

    def ready(self) -> None:
        # Registers the decide service with the generic task API.
        from casework.cases.selectors import register_case_type
        from casework.honours import services  # noqa: F401
        from casework.honours.choices import State
        from casework.honours.transitions import TABLE

        register_case_type("honours", TABLE, State)

        from casework.cases.views import PAGE_EXTRAS
        from casework.honours.views import case_page_honours

        PAGE_EXTRAS["honours"] = ("honours/case_extra.html", case_page_honours)
