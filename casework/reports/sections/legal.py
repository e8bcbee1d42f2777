"""Legal service (法律服务): legal-aid applications, the decisions to aid,
the cases that ended and what they recovered, how long a decision took;
and the legal outreach register (普法宣传: events held and their audience)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Avg, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.legalaid.choices import State
from casework.legalaid.models import LegalAidCase
from casework.outreach.models import OutreachEvent, OutreachForm
from casework.reports.figures import Measure, Value, Window, figure, section

section("legalaid", _("法律服务"))
section("outreach", _("普法宣传"))


def _cases(window: Window) -> QuerySet[LegalAidCase]:
    return window.scoped(LegalAidCase.objects.all(), "unit_path")


def received(window: Window) -> QuerySet[LegalAidCase]:
    """Applications recorded in the period (``opened_at``, in Shanghai days)."""
    return _cases(window).filter(**window.moments("opened_at"))


def approved(window: Window) -> QuerySet[LegalAidCase]:
    """Decisions to aid made in the period: an approval (``decided_on``
    with no refusal's reasons: a refusal always gives them, 43) or an urgent
    case's aid confirmed on review (``urgent_confirmed_on``, 法律援助法 44),
    which is its decision to aid. An objection upheld is not counted: the
    case keeps only the refusal's date (its own date is in the trail)."""
    return _cases(window).filter(
        Q(refusal_reasons="", **window.within("decided_on")) | Q(**window.within("urgent_confirmed_on"))
    )


def ended(window: Window) -> QuerySet[LegalAidCase]:
    """Cases that ended in the period, whatever the end: archived after the
    subsidy, withdrawn, refused for good, or terminated."""
    return _cases(window).filter(**window.moments("closed_at"))


def _state(code: Any) -> str:
    return str(State(code).label) if code in State.values else str(code)


def recovered(window: Window) -> QuerySet[LegalAidCase]:
    """Cases that ended in the period with an amount recovered for the worker."""
    return ended(window).filter(amount_recovered__isnull=False)


def _recovered_total(records: QuerySet[Any], window: Window) -> Value:
    return records.aggregate(total=Sum("amount_recovered"))["total"] or 0


def decided(window: Window) -> QuerySet[LegalAidCase]:
    """Applications decided in the period, to aid or not (``decided_on``)."""
    return _cases(window).filter(**window.within("decided_on"))


def _days_to_decision(records: QuerySet[Any], window: Window) -> Value:
    """The average of the days from the application (its Shanghai date) to
    the decision, by the database; one decimal."""
    applied_on = TruncDate("opened_at", tzinfo=timezone.get_default_timezone())
    waited = ExpressionWrapper(F("decided_on") - applied_on, output_field=DurationField())
    average = records.aggregate(days=Avg(waited))["days"]
    if average is None:
        return None
    if not isinstance(average, timedelta):  # a backend that answers in microseconds
        average = timedelta(microseconds=int(average))
    return (Decimal(average.total_seconds()) / Decimal(86400)).quantize(Decimal("0.1"))


def events_held(window: Window) -> QuerySet[OutreachEvent]:
    """Outreach events held in the period by units of the subtree, not withdrawn."""
    events = OutreachEvent.objects.filter(withdrawn_at__isnull=True, **window.within("held_on"))
    return window.scoped(events, "unit__path")


def _audience(records: QuerySet[Any], window: Window) -> Value:
    return records.aggregate(n=Sum("audience"))["n"] or 0


def _form(code: Any) -> str:
    return str(OutreachForm(code).label) if code in OutreachForm.values else str(code)


figure("legalaid.received", _("受理法律援助申请"), Measure.COUNT, received, dated="opened_at", placed="unit_path")
figure("legalaid.approved", _("决定给予法律援助"), Measure.COUNT, approved)
figure("legalaid.ended", _("终结的法律援助案件（按状态）"), Measure.COUNT, ended, group="state", group_label=_state)
figure("legalaid.recovered", _("为职工追回金额"), Measure.YUAN, recovered, value=_recovered_total)
figure("legalaid.days_to_decision", _("申请至决定平均天数"), Measure.DAYS, decided, value=_days_to_decision)
figure("outreach.events", _("普法宣传活动场次"), Measure.COUNT, events_held, group="form", group_label=_form)
figure(
    "outreach.audience",
    _("普法宣传受众人数"),
    Measure.PEOPLE,
    events_held,
    value=_audience,
    group="form",
    group_value=Sum("audience"),
    group_label=_form,
    dated="held_on",
    placed="unit__path",
)
