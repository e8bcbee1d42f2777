from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "casework.ledger"
    label = "ledger"
    verbose_name = _("决定记录")
