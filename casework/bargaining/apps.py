from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BargainingConfig(AppConfig):
    name = "casework.bargaining"
    label = "bargaining"
    verbose_name = _("工资集体协商")

    def ready(self) -> None:
        # Registers the decide service with the generic task API.
        from casework.bargaining import services  # noqa: F401
        from casework.bargaining.choices import State
        from casework.bargaining.transitions import TABLE
        from casework.cases.selectors import register_case_type

        register_case_type("bargaining", TABLE, State)

        from casework.bargaining.views import case_page_bargaining
        from casework.cases.views import PAGE_EXTRAS

        PAGE_EXTRAS["bargaining"] = ("bargaining/case_extra.html", case_page_bargaining)
