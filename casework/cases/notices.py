"""Public notices (公示) and the named objections raised during them, the
same for every flow that publishes one (a hardship filing or exit, an
honours nomination at its unit and at the district).

A notice's dates are the case's ``notice_from`` and ``notice_until``;
``notice_rules`` gives the two rules every notice checks: it lasts the
district's number of working days, and it ends only after its last day with
every objection resolved.

Each case type keeps its objections in its own table (a subclass of
``NoticeObjection`` with a ``case`` foreign key, ``related_name="objections"``);
recording and resolving them, and the rule that a notice cannot end while
one is open, are written once here. Every write is one ledger entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.accounts.models import User
from casework.calendar.days import add_working_days
from casework.cases import data as d
from casework.cases.services import case_lock, case_subject
from casework.cases.transitions import Rule
from casework.district.selectors import setting_value
from casework.errors import RuleViolation
from casework.ledger.services import ledger_append
from permissions.access import acting_as


class NoticeObjection(models.Model):
    """An objection raised during a public notice, named, investigated and
    resolved (upheld or not). The notice cannot end while one is unresolved."""

    objector = models.CharField(_l("异议人"), max_length=50)
    content = models.TextField(_l("异议内容"))
    raised_on = models.DateField(_l("提出日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resolution = models.TextField(_l("调查处理结果"), blank=True)
    upheld = models.BooleanField(_l("异议成立"), null=True, blank=True)
    resolved_at = models.DateTimeField(_l("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        verbose_name = _l("公示异议")
        verbose_name_plural = _l("公示异议")

    def __str__(self) -> str:
        return f"{self.objector}: {self.content[:20]}"


def objection_record(
    *,
    case: Any,
    objector: str,
    content: str,
    raised_on: date | str,
    by: User,
    notice_states: Mapping[str, tuple[str, frozenset[str]]],
    notice_from: str = "notice_from",
) -> NoticeObjection:
    """Record a named objection raised during the case's public notice:
    ``notice_states`` maps each notice state to who records objections in it
    (the permission and its roles); the objection is not dated before the
    case's date ``notice_from``. One ledger entry."""
    with transaction.atomic():
        case = case_lock(case)
        # Permission first (a refusal reveals nothing else): the notice's own, or the first one's.
        permission, roles = notice_states.get(case.state) or next(iter(notice_states.values()))
        acting = acting_as(by, permission, case, roles=roles)
        if case.state not in notice_states:
            raise RuleViolation(
                _("异议：只能在公示期间登记异议。"), code="case.objection_outside_notice", field="objector"
            )
        fields = {"objector": objector, "content": content, "raised_on": raised_on}
        objector = d.text(fields, "objector", _l("异议人"), max_length=50)
        content = d.text(fields, "content", _l("异议内容"))
        day = d.day(fields, "raised_on", _l("提出日期"))
        assert day is not None  # required
        began = getattr(case, notice_from)
        if day > timezone.localdate() or (began and day < began):
            raise RuleViolation(
                _("提出日期：应在公示期内且不晚于今天。"), code="case.objection_date_invalid", field="raised_on"
            )
        objection: NoticeObjection = case.objections.create(
            objector=objector, content=content, raised_on=day, recorded_by=by
        )
        ledger_append(
            action=f"{case.case_type}.objection_recorded",
            subject=case_subject(case),
            subject_unit=case.unit,
            from_state=case.state,
            to_state=case.state,
            payload={"objection": objection.pk, "raised_on": day},
            personal={"objector": objector, "content": content},
            **acting,
        )
    return objection


def objection_resolve(
    *, objection: Any, upheld: bool, resolution: str, by: User, permission: str, roles: frozenset[str]
) -> NoticeObjection:
    """Record the investigation of an objection and its outcome, by whoever
    holds ``permission`` in one of ``roles``. What an upheld objection does
    to the case is for the next review to decide. One ledger entry."""
    with transaction.atomic():
        case = case_lock(objection.case)
        acting = acting_as(by, permission, case, roles=roles)  # first: a refusal reveals nothing else
        resolution = d.text({"resolution": resolution}, "resolution", _l("调查处理结果"))
        fresh = type(objection).objects.select_for_update().get(pk=objection.pk)
        if fresh.resolved_at is not None:
            raise RuleViolation(_("异议：该异议已处理。"), code="case.objection_resolved", field="resolution")
        fresh.upheld, fresh.resolution, fresh.resolved_at, fresh.resolved_by = upheld, resolution, timezone.now(), by
        fresh.save(update_fields=["upheld", "resolution", "resolved_at", "resolved_by"])
        ledger_append(
            action=f"{case.case_type}.objection_resolved",
            subject=case_subject(case),
            subject_unit=case.unit,
            from_state=case.state,
            to_state=case.state,
            payload={"objection": fresh.pk, "upheld": upheld},
            personal={"resolution": resolution},
            **acting,
        )
    return fresh


NOTICE_SCHEMA = d.schema(
    ["notice_from", "notice_until"],
    notice_from=d.schema_date(_l("公示开始日期")),
    notice_until=d.schema_date(_l("公示截止日期")),
)


def notice_end(case: Any) -> date | None:
    """The notice's last day (a ``Period``'s ``after``: closing it is due from then)."""
    return case.notice_until


def notice_rules(setting: str) -> tuple[Rule, Rule]:
    """The rule that a notice given in the step's data lasts at least the
    district's ``setting`` working days counting its first day, and the rule
    that the case's notice is over and its objections resolved."""

    def notice_long_enough(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
        start = d.day(data, "notice_from", _l("公示开始日期"))
        until = d.day(data, "notice_until", _l("公示截止日期"))
        assert start is not None and until is not None
        days = int(setting_value(case.unit, setting, on=start))
        earliest = add_working_days(start - timedelta(days=1), days).date
        if until < earliest:
            return RuleViolation(
                _("公示截止日期：公示期不少于%(days)d个工作日，自%(start)s起最早截止于%(earliest)s。")
                % {"days": days, "start": start.isoformat(), "earliest": earliest.isoformat()},
                code=f"{case.case_type}.notice_too_short",
                field="notice_until",
            )
        return None

    def notice_over_and_objections_resolved(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
        if case.notice_until is None or timezone.localdate() <= case.notice_until:
            return RuleViolation(
                _("公示：公示期至%(until)s，期满后才能结束公示。") % {"until": case.notice_until},
                code=f"{case.case_type}.notice_not_over",
                field="notice_until",
            )
        return objections_open(case)

    return notice_long_enough, notice_over_and_objections_resolved


def objections_open(case: Any) -> RuleViolation | None:
    """The refusal to end a notice while objections are unresolved, or None."""
    count = case.objections.filter(resolved_at__isnull=True).count()
    if count:
        return RuleViolation(
            _("异议：还有%(n)d条公示异议未处理，处理完毕后才能结束公示。") % {"n": count},
            code=f"{case.case_type}.objections_open",
            field="objections",
        )
    return None
