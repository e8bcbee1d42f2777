"""What each event says: event code → translated title and body.

Texts are ``gettext_lazy`` strings with ``%(name)s`` placeholders, filled
from the message's payload and its subject when rendered, in the language
active then (the reader's page, the recipient's e-mail language). Steps of a
case type's transition table (``hardship.approve`` …) need no entry of their
own: their text names the step's label from the table. An event nobody
registered still renders, with a generic text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

CASE_SUBJECT = "cases.case"


@dataclass(frozen=True)
class EventText:
    title: Promise | str
    body: Promise | str


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str
    link: str | None  # a path on this site (/cases/12/), or None


EVENTS: dict[str, EventText] = {}


def register(code: str, title: Promise | str, body: Promise | str) -> None:
    EVENTS[code] = EventText(title, body)


# Hardship: filing, payments, campaign lists.
register(
    "hardship.submitted",
    _("新的困难职工建档申请：%(case)s"),
    _("案件%(case)s已提交困难职工建档申请，现为“%(state)s”。"),
)
register(
    "hardship.payment_requested",
    _("待审核发放：%(case)s，%(amount)s元"),
    _("案件%(case)s申请发放帮扶资金%(amount)s元，请审核。"),
)
register(
    "hardship.payment_approved",
    _("发放已批准：%(case)s，%(amount)s元"),
    _("案件%(case)s的%(amount)s元发放申请已批准。"),
)
register(
    "hardship.payment_refused",
    _("发放未批准：%(case)s，%(amount)s元"),
    _("案件%(case)s的%(amount)s元发放申请未获批准，理由见案件记录。"),
)
register(
    "hardship.batch_requested",
    _("待审核批量发放清单#%(batch)s"),
    _("批量发放清单#%(batch)s共%(lines)s笔，合计%(total)s元，请审核。"),
)
register(
    "hardship.batch_approved",
    _("批量发放清单#%(batch)s已批准"),
    _("您提交的批量发放清单#%(batch)s已批准。"),
)
register(
    "hardship.batch_refused",
    _("批量发放清单#%(batch)s未批准"),
    _("您提交的批量发放清单#%(batch)s未获批准，理由见清单记录。"),
)

# Bargaining: a district's campaign served the offer (casework/bargaining/campaign_services.py).
register(
    "bargaining.campaign_opened",
    _("集中要约：%(case)s"),
    _(
        "区总工会“%(campaign)s”已于%(served_on)s向本企业送达工资集体协商要约（案件%(case)s）。请确定职工方协商代表；企业的书面回应期限至%(due)s。"
    ),
)

# Due dates (casework/deadlines/scan.py): payload case, number, step, due, level.
register(
    "deadline.reminder",
    _("即将到期：%(case)s %(step)s"),
    _("案件%(case)s的“%(step)s”将于%(due)s到期，请及时办理。"),
)
register(
    "deadline.due_today",
    _("今日到期：%(case)s %(step)s"),
    _("案件%(case)s的“%(step)s”今天（%(due)s）到期，请今天办结。"),
)
register(
    "deadline.overdue",
    _("已超期：%(case)s %(step)s"),
    _("案件%(case)s的“%(step)s”已于%(due)s到期，现已超期。"),
)
register(
    "deadline.escalated",
    _("超期督办（第%(level)s级）：%(case)s %(step)s"),
    _("案件%(case)s的“%(step)s”已于%(due)s到期仍未办结，请督促办理（第%(level)s级督办）。"),
)

# Reassignment and delegation (casework/cases/tasks.py, delegation.py).
register(
    "case.task_reassigned",
    _("任务改派：%(case)s"),
    _("案件%(case)s的当前任务已改派给%(to)s，办理期限不变。"),
)
register(
    "delegation.given",
    _("%(delegator)s委托您办理其任务"),
    _("%(starts_on)s至%(ends_on)s期间，%(delegator)s的待办任务由您代为办理，并由您接收有关通知。"),
)
register(
    "delegation.revoked",
    _("%(delegator)s已收回委托"),
    _("%(delegator)s已收回对您的工作委托，其任务不再由您代办。"),
)

# Legal aid (casework/legalaid/services.py).
register(
    "legalaid.applied",
    _("新的法律援助申请：%(case)s"),
    _("法律援助申请%(case)s已登记，请审查申请材料是否齐全。"),
)
register(
    "legalaid.lawyer_reassigned",
    _("法律援助案件改派：%(case)s"),
    _("法律援助案件%(case)s已改派给%(to)s承办。"),
)

# Honours (casework/honours/services.py).
register(
    "honours.nominated",
    _("新的评选推荐：%(case)s"),
    _("评选推荐%(case)s已提交，请在本单位公示推荐人选。"),
)
register(
    "honours.vote_requested",
    _("请表决：%(case)s"),
    _("评选推荐%(case)s已通过部门联审，提交评审委员会，请表决。"),
)
register(
    "honours.revocation_proposed",
    _("撤销荣誉提议：%(case)s"),
    _("已提议撤销%(case)s所授荣誉，请审查决定。"),
)

# The auditors' integrity check (casework/audit/integrity.py).
register(
    "ledger.integrity_failed",
    _("决定记录完整性核验发现异常"),
    _("完整性核验在第%(first_bad)s条记录发现异常（%(problem)s），已核验%(entries)s条。请立即到审计页面查看。"),
)

# The notification channels themselves.
register(
    "webhook.paused",
    _("Webhook 已暂停：%(unit)s"),
    _("发往%(host)s的 Webhook 连续%(failures)s次发送失败，已自动暂停。请检查接收端后在管理后台恢复。"),
)

CASE_STEP = EventText(
    _("%(case)s：%(action)s"),
    _("案件%(case)s已办理“%(action)s”，现为“%(state)s”。"),
)
GENERIC = EventText(_("新通知：%(event)s"), _("有一条新通知（%(event)s），请登录平台查看。"))

# Subject type → the URL name of its page (one id argument).
PAGES = {CASE_SUBJECT: "cases:case", "hardship.paymentbatch": "hardship:batch"}


def _case_step(code: str) -> tuple[str, str] | None:
    """(case type, action) when ``code`` is a step of a registered transition table."""
    from casework.cases.selectors import TABLES  # the registry fills when the apps are ready

    case_type, _dot, action = code.partition(".")
    table = TABLES.get(case_type)
    if table is None or not any(t.action == action for t in table.transitions):
        return None
    return case_type, action


def event_text(code: str) -> EventText:
    """The registered text, a case step's, or the generic one."""
    if code in EVENTS:
        return EVENTS[code]
    return CASE_STEP if _case_step(code) is not None else GENERIC


def is_registered(code: str) -> bool:
    return event_text(code) is not GENERIC


class _Fields(dict[str, Any]):
    """Placeholders a payload lacks read as a dash instead of failing."""

    def __missing__(self, key: str) -> str:
        return "—"


def _step_labels(code: str, payload: Mapping[str, Any]) -> dict[str, str]:
    from casework.cases.selectors import state_name, step_label

    fields: dict[str, str] = {}
    to_state = payload.get("to_state")
    if to_state:
        fields["state"] = state_name(code, to_state)
    label = step_label(code, payload.get("from_state"))
    if label is not None:
        fields["action"] = label
    return fields


def link_for(subject_type: str, subject_id: str) -> str | None:
    name = PAGES.get(subject_type)
    if name is None or not subject_id.isdigit():
        return None
    try:
        return reverse(name, args=[int(subject_id)])
    except NoReverseMatch:
        return None


def render(
    code: str,
    *,
    subject_type: str,
    subject_id: str,
    payload: Mapping[str, Any],
    numbers: Mapping[str, str] | None = None,
) -> Rendered:
    """Title, body and link of one event in the active language. ``numbers``
    maps case ids to case numbers for payloads that do not carry one (one
    query for a whole page: ``case_numbers``); without it, one query here."""
    fields = _Fields({key: "—" if value in (None, "") else value for key, value in payload.items()})
    fields["event"] = code
    if subject_type == CASE_SUBJECT:
        if "number" in payload:
            number = payload["number"]
        elif numbers is not None:
            number = numbers.get(subject_id)
        else:
            number = case_numbers([(subject_type, subject_id)]).get(subject_id)
        fields["case"] = number or f"#{subject_id}"
    fields.update(_step_labels(code, payload))
    if isinstance(payload.get("step"), str) and payload["step"]:
        # The scan stores the step's label in the default language, which is
        # the msgid: translate it into the reader's language here. (Not an
        # empty one: that would replace its dash with nothing.)
        fields["step"] = gettext(payload["step"])
    text = event_text(code)
    return Rendered(
        title=str(text.title) % fields,
        body=str(text.body) % fields,
        link=link_for(subject_type, subject_id),
    )


def render_message(message: Any, numbers: Mapping[str, str] | None = None) -> Rendered:
    """``render`` for an OutboxMessage or OutboxEvent."""
    return render(
        message.event,
        subject_type=message.subject_type,
        subject_id=message.subject_id,
        payload=message.payload or {},
        numbers=numbers,
    )


def case_numbers(subjects: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Case id → its number ("" before it has one), for the case subjects among ``subjects``; one query."""
    from casework.cases.models import Case

    ids = {int(i) for kind, i in subjects if kind == CASE_SUBJECT and str(i).isdigit()}
    if not ids:
        return {}
    return {str(pk): number for pk, number in Case.objects.filter(pk__in=ids).values_list("pk", "number")}
