"""Choice lists of the people registry, kept apart from the models so that
``idnumber`` (pure functions, no app registry needed) can use them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class NewFormCategory(models.TextChoices):
    """New forms of employment (新就业形态).

    The first eight are the "eight groups" (八大群体) of the ACFTU's 2018 plan
    for bringing them into the union (《推进货车司机等群体入会工作方案》):
    truck drivers, couriers, care workers, domestic workers, shopping-mall
    promoters, food-delivery riders, estate agents and security guards.
    Ride-hailing drivers were added by the later guidance on new-form workers
    (2021); ``other`` takes the rest (live streamers, crowd workers …).
    """

    NONE = "none", _("非新就业形态")
    TRUCK_DRIVER = "truck_driver", _("货车司机")
    COURIER = "courier", _("快递员")
    CARE_WORKER = "care_worker", _("护工护理员")
    DOMESTIC_WORKER = "domestic_worker", _("家政服务员")
    MALL_PROMOTER = "mall_promoter", _("商场信息员")
    FOOD_DELIVERY = "food_delivery", _("外卖送餐员")
    ESTATE_AGENT = "estate_agent", _("房产中介员")
    SECURITY_GUARD = "security_guard", _("保安员")
    RIDE_HAILING_DRIVER = "ride_hailing_driver", _("网约车司机")
    OTHER = "other", _("其他新就业形态")


class Relation(models.TextChoices):
    """A household member's relation to the registered person."""

    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    SIBLING = "sibling", _("兄弟姐妹")
    GRANDPARENT = "grandparent", _("祖父母、外祖父母")
    GRANDCHILD = "grandchild", _("孙子女、外孙子女")
    OTHER = "other", _("其他")
