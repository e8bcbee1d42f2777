from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrictConfig(AppConfig):
    name = "casework.district"
    label = "district"
    verbose_name = _("区级参数")
