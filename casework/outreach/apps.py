from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "casework.outreach"
    label = "outreach"
    verbose_name = _("普法宣传活动")
