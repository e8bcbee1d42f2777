"""The registry of people: members and the non-members some flows serve.

A person is keyed by the 18-character resident ID number. Gender, birth date,
pinyin initials and the ID's last four characters are derived and stored by
the services (never typed in), so search can use plain indexes. Every write
goes through ``casework.people.services`` and leaves one ledger entry.
Display is masked by default (``__str__``, admin lists): ID numbers and
phones are personal data.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.people.choices import Gender, NewFormCategory, Relation
from casework.people.idnumber import mask_id_number, mask_phone
from casework.people.names import NAME_INITIALS_MAX_LENGTH

NAME_MAX_LENGTH = 50
# Fen-exact: two decimal places; up to 9,999,999,999.99 yuan a month.
MONEY_DIGITS = 12
MONEY_PLACES = 2


class Person(models.Model):
    name = models.CharField(_("姓名"), max_length=NAME_MAX_LENGTH)
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    mobile = models.CharField(_("手机号"), max_length=11, blank=True)
    employer = models.ForeignKey(
        "org.Unit",
        verbose_name=_("工作单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    # The unit that registered the person: it keeps them in its scope while
    # they have no employer in the tree (a non-member applying for legal aid).
    registered_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("登记单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    is_member = models.BooleanField(_("工会会员"), default=False)
    member_since = models.DateField(_("入会日期"), null=True, blank=True)
    is_migrant_worker = models.BooleanField(_("农民工"), default=False)
    new_form_category = models.CharField(
        _("新就业形态"), max_length=32, choices=NewFormCategory.choices, default=NewFormCategory.NONE
    )
    # Derived, for search: lower-case pinyin initials and the ID's last four.
    name_initials = models.CharField(_("姓名拼音首字母"), max_length=NAME_INITIALS_MAX_LENGTH, editable=False)
    id_last4 = models.CharField(_("身份证号后四位"), max_length=4, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["name", "id"]
        indexes = [
            # Prefix searches (LIKE 'zs%') on PostgreSQL need the pattern
            # operator class unless the database collation is C.
            models.Index(fields=["name_initials"], name="people_person_initials", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["id_last4"], name="people_person_id_last4"),
            # The default order (and the admin list) reads names in order. Name
            # *contains* uses a trigram index on PostgreSQL (migration 0002).
            models.Index(fields=["name", "id"], name="people_person_name_id"),
            models.Index(fields=["employer", "is_member"], name="people_person_employer_member"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(member_since__isnull=True) | Q(is_member=True),
                name="people_person_member_since_needs_member",
            ),
            models.CheckConstraint(
                condition=Q(new_form_category__in=NewFormCategory.values),
                name="people_person_new_form_category_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.masked_id_number}）"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_mobile(self) -> str:
        return mask_phone(self.mobile)


class HouseholdMember(models.Model):
    """A member of a registered person's household, for means tests."""

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="household")
    name = models.CharField(_("姓名"), max_length=NAME_MAX_LENGTH)
    relation = models.CharField(_("关系"), max_length=16, choices=Relation.choices)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    monthly_income = models.DecimalField(
        _("月收入（元）"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, default=Decimal("0.00")
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["person", "id"]
        indexes = [
            # "Is this applicant a household member of someone's record?"
            models.Index(fields=["id_number"], name="people_household_id_number"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_income__gte=0), name="people_household_income_not_negative"),
            models.UniqueConstraint(
                fields=["person", "id_number"],
                condition=~Q(id_number=""),
                name="people_household_unique_id_number",
            ),
        ]

    def __str__(self) -> str:
        masked = mask_id_number(self.id_number)
        who = f"{self.name}（{masked}）" if masked else self.name
        return f"{who} · {self.get_relation_display()}"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)
