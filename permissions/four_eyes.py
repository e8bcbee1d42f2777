"""Four-eyes rules: named, so a refusal says which rule refused and why.

An object that takes decisions (a case) says who and what it is about with
``four_eyes_parties(action)``; ``permissions.access.explain`` asks these
rules before it allows any action that changes it:

- ``four_eyes.own_preparation``: whoever filed or prepared a step does not
  approve it (approvals only: ``case.decide``, ``payment.decide``);
- ``four_eyes.declared_conflict``: a user who declared a conflict of interest
  with a person, a unit (and so everything under it) or an outside
  organisation (an employer a lawyer acts for), takes no part in its cases;
- ``four_eyes.own_household``: nobody acts on a case about themselves or a
  member of their own household (matched by ID number).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from casework.accounts.models import User
from casework.org.models import Unit, unit_path_ancestors
from casework.people.models import HouseholdMember, Person

APPROVALS = frozenset({"case.decide", "payment.decide"})

RULES: dict[str, Promise] = {
    "four_eyes.own_preparation": _("四眼原则：经办或提出此步骤的人不能审批此步骤。"),
    "four_eyes.declared_conflict": _("回避：您已申报与本案当事人或单位存在利益冲突，不能参与本案。"),
    "four_eyes.own_household": _("回避：本案涉及您本人或您的家庭成员，您不能参与本案。"),
}


@dataclass(frozen=True)
class Parties:
    """Who and what a decision is about, and who prepared it."""

    persons: Sequence[Person] = ()
    units: Sequence[Unit] = ()
    prepared_by: Sequence[int] = field(default_factory=tuple)  # user ids
    # Outside organisations by unified social credit code (a legal-aid case's employer).
    organisations: Sequence[str] = ()


@runtime_checkable
class Decidable(Protocol):
    def four_eyes_parties(self, action: str) -> Parties: ...


def four_eyes_refusal(user: User, action: str, parties: Parties) -> str | None:
    """The name of the first rule that keeps ``user`` from ``action``, or None."""
    if action in APPROVALS and user.pk in parties.prepared_by:
        return "four_eyes.own_preparation"
    if _declared_conflict(user, parties):
        return "four_eyes.declared_conflict"
    if _own_household(user, parties):
        return "four_eyes.own_household"
    return None


def _declared_conflict(user: User, parties: Parties) -> bool:
    if not parties.persons and not parties.units and not parties.organisations:
        return False
    about = Q(person__in=[p.pk for p in parties.persons])
    if parties.organisations:
        about |= Q(organisation_code__in=list(parties.organisations))
    for unit in parties.units:
        # A conflict with a unit covers everything under it.
        about |= Q(unit__path__in=unit_path_ancestors(unit.path))
    return user.conflicts.filter(about, withdrawn_at__isnull=True).exists()


def _own_household(user: User, parties: Parties) -> bool:
    me = user.person
    if me is None or not parties.persons:
        return False
    numbers = {p.id_number for p in parties.persons}
    if me.id_number in numbers:
        return True
    # My household lists one of them, or one of theirs lists me.
    mine = HouseholdMember.objects.filter(person=me, id_number__in=numbers)
    theirs = HouseholdMember.objects.filter(person__in=[p.pk for p in parties.persons], id_number=me.id_number)
    return mine.exists() or theirs.exists()
