from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlowsConfig(AppConfig):
    name = "flows"
    label = "flows"
    verbose_name = _("流程")

    def ready(self) -> None:
        # viewflow finds flows by importing them: every flow module, here.
        from flows import bargaining, hardship, honours, legalaid  # noqa: F401
