from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HardshipConfig(AppConfig):
    name = "casework.hardship"
    label = "hardship"
    verbose_name = _("困难职工帮扶")

    def ready(self) -> None:
        # Registers the decide service with the generic task API.
        from casework.cases.selectors import register_case_type
        from casework.hardship import services  # noqa: F401
        from casework.hardship.choices import State
        from casework.hardship.transitions import TABLE

        register_case_type("hardship", TABLE, State)

        from casework.cases.views import PAGE_EXTRAS
        from casework.hardship.views import case_page_payments

        PAGE_EXTRAS["hardship"] = ("hardship/payments.html", case_page_payments)
