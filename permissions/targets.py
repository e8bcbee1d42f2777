"""Where each kind of object sits in the unit tree.

``scope`` and ``can`` read this table and nothing else to place an object:
the foreign key to its unit and, for people without an employer in the tree,
the unit that registered them. A model not listed here cannot be scoped, and
``scope`` says so instead of returning everything. Case types add one line
each when they land.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.apps import apps
from django.db.models import Model, Q

from casework.org.models import Unit


@dataclass(frozen=True)
class Target:
    label: str  # "app_label.ModelName"
    noun: str  # the prefix of the actions about it: "person" for person.view
    unit_field: str  # lookup to its unit ("process__case__unit"); "" for a unit itself
    fallback_unit_field: str = ""  # used when unit_field is empty (NULL)
    path_field: str = ""  # a copy of the unit's path on the row itself, when there is one
    # Grants are recorded on another object (a task's case): the lookup to it and its model.
    grants_via: str = ""
    grants_on: str = ""

    @property
    def grant_model(self) -> type[Model]:
        """The model grants are recorded against: the registered one, also for
        its multi-table subclasses (a grant on a case is on ``cases.Case``)."""
        return apps.get_model(self.grants_on or self.label)

    def grant_holder(self, obj: Model) -> Model | None:
        return _follow(obj, self.grants_via) if self.grants_via else obj

    def unit_of(self, obj: Model) -> Unit | None:
        if not self.unit_field:
            return obj if isinstance(obj, Unit) else None
        unit = _follow(obj, self.unit_field)
        if unit is None and self.fallback_unit_field:
            unit = _follow(obj, self.fallback_unit_field)
        return unit

    def placed_under(self, prefixes: Iterable[str], unit_ids: Iterable[int], *, unplaced: bool) -> Q:
        """Objects whose unit lies under one of ``prefixes`` or is one of
        ``unit_ids``; with ``unplaced``, also objects with no unit at all."""
        q = _under(self.unit_field, prefixes, unit_ids, path=self.path_field)
        if self.fallback_unit_field:
            q |= Q(**{f"{self.unit_field}__isnull": True}) & _under(self.fallback_unit_field, prefixes, unit_ids)
        if unplaced and self.unit_field:
            q |= self.without_unit()
        return q

    def without_unit(self) -> Q:
        q = Q(**{f"{self.unit_field}__isnull": True})
        if self.fallback_unit_field:
            q &= Q(**{f"{self.fallback_unit_field}__isnull": True})
        return q


def _follow(obj: Any, lookup: str) -> Any:
    for name in lookup.split("__"):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


def _under(field: str, prefixes: Iterable[str], unit_ids: Iterable[int], *, path: str = "") -> Q:
    path = path or (f"{field}__path" if field else "path")
    pk = f"{field}__in" if field else "pk__in"
    conditions = [Q(**{f"{path}__startswith": prefix}) for prefix in prefixes]
    ids = list(unit_ids)
    if ids:
        conditions.append(Q(**{pk: ids}))
    # Q(pk__in=[]) matches nothing: the identity of an empty OR.
    return reduce(or_, conditions, Q(pk__in=[]))


TARGETS: dict[str, Target] = {
    t.label: t
    for t in (
        Target("org.Unit", "unit", ""),
        Target("org.Membership", "membership", "unit"),
        Target("people.Person", "person", "employer", fallback_unit_field="registered_unit"),
        Target("ledger.LedgerEntry", "ledger", "subject_unit"),
        Target("district.DistrictSetting", "settings", "district"),
        Target("cases.Case", "case", "unit", path_field="unit_path"),
        # Seen like the memberships whose work it hands over.
        Target("cases.Delegation", "membership", "unit"),
        # A payment is seen and decided where its case is.
        Target("hardship.AssistancePayment", "case", "case__unit", path_field="case__unit_path"),
        Target("hardship.BudgetLine", "budget", "unit"),
        # A campaign list is seen where the money comes from.
        Target("hardship.PaymentBatch", "budget", "budget_line__unit"),
        # A bargaining campaign is the district's: seen where its cases are seen from the district up.
        Target("bargaining.Campaign", "case", "district"),
        Target("outreach.OutreachEvent", "outreach", "unit"),
        # An honours campaign is the district's, like a bargaining campaign.
        Target("honours.Campaign", "case", "district"),
        # The records the honours checks read: seen where their unit is.
        Target("honours.WageArrears", "case", "unit"),
        Target("honours.SafetyAccident", "case", "unit"),
        Target("honours.HonourHeld", "case", "person__employer", fallback_unit_field="unit"),
        # A step's due date, where its case is (by the copy of the case's path on the row).
        Target(
            "deadlines.TaskDeadline",
            "case",
            "case__unit",
            path_field="unit_path",
            grants_via="case",
            grants_on="cases.Case",
        ),
        # viewflow's tasks: those of cases only, placed where their case is.
        Target(
            "viewflow.Task",
            "case",
            "process__case__unit",
            path_field="process__case__unit_path",
            grants_via="process__case",
            grants_on="cases.Case",
        ),
    )
}


def target_of(model: type[Model] | Model) -> Target:
    meta = model._meta
    for klass in (meta.model, *meta.get_parent_list()):
        if klass._meta.label in TARGETS:
            return TARGETS[klass._meta.label]
    raise LookupError(f"{meta.label} is not placed in the unit tree: add it to permissions.targets.TARGETS")
