from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalAidConfig(AppConfig):
    name = "casework.legalaid"
    label = "legalaid"
    verbose_name = _("法律援助")

    def ready(self) -> None:
        # Registers the decide service with the generic task API.
        from casework.cases.selectors import register_case_type
        from casework.legalaid import services  # noqa: F401
        from casework.legalaid.choices import State
        from casework.legalaid.transitions import TABLE

        register_case_type("legalaid", TABLE, State)

        from casework.cases.views import PAGE_EXTRAS
        from casework.legalaid.views import case_page_legalaid

        PAGE_EXTRAS["legalaid"] = ("legalaid/case_extra.html", case_page_legalaid)
