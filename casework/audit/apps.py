from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "casework.audit"
    label = "audit"
    verbose_name = _("审计")

    def ready(self) -> None:
        # Registers the nightly check with Celery.
        from casework.audit import integrity  # noqa: F401
