"""Login accounts. A person in the registry (casework.people) and a login are
different things: most workers never log in, and staff log in for a unit."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A login of union staff. Roles come from memberships (casework.org)."""

    display_name = models.CharField(_("显示名称"), max_length=100, blank=True)
    # The staff member as a person in the registry, when known: the
    # own-household rule (permissions.four_eyes) needs it.
    person = models.OneToOneField(
        "people.Person",
        verbose_name=_("本人登记信息"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="login",
    )

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username
