"""Demo outreach events: the district's legal-service team (法律服务分队,
recorded by the legal-aid officer), the streets and two enterprise unions,
over last year and this one — one corrected, one withdrawn, one with a
photo — all through the services, as the staff would record them."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.core.files.base import ContentFile

from casework.accounts.models import User
from casework.org.models import Unit
from casework.outreach.models import OutreachEvent
from casework.outreach.services import outreach_event_correct, outreach_event_record, outreach_event_withdraw

# A 1×1 PNG: the photo checks read its first bytes.
PHOTO = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82"
)
# (login, unit code, days before today or (months ago in last year), topic, form, place, audience, partner)
EVENTS: list[tuple[str, str, int | date, str, str, str, int, str]] = [
    ("legal.officer", "D01", -1, "《劳动合同法》要点解读", "lecture", "区职工服务中心报告厅", 180, "区司法局"),
    ("legal.officer", "D01", -2, "农民工工资支付维权咨询", "booth", "东湖街道人民广场", 260, "区人社局"),
    ("street1.caseworker", "S01", -3, "工伤认定与劳动能力鉴定", "training", "东湖街道总工会会议室", 45, ""),
    ("street2.caseworker", "S02", -4, "新就业形态劳动者权益保障", "online", "西山街道总工会公众号直播", 1200, ""),
    ("ent1.chair", "S01-E01", -5, "职工劳动安全与职业病防治", "lecture", "东湖精密机械职工之家", 90, ""),
    (
        "legal.officer",
        "D01",
        40,
        "劳动争议调解仲裁程序",
        "lecture",
        "区职工服务中心报告厅",
        150,
        "区劳动人事争议仲裁院",
    ),
    ("street1.caseworker", "S01", 25, "“尊法守法·携手筑梦”法律服务进企业", "booth", "湖滨商贸城", 320, "区司法局"),
    ("street2.caseworker", "S02", 18, "建筑业农民工欠薪维权", "booth", "西山建筑工程项目部工地", 130, "区住建局"),
    ("ent2.chair", "S02-E01", 10, "女职工特殊劳动保护", "training", "西山建筑工程职工书屋", 35, ""),
    ("legal.officer", "D01", 3, "民法典与职工生活", "online", "区总工会网上职工之家", 860, ""),
]


def _held_on(today: date, when: int | date) -> date:
    if isinstance(when, date):
        return when
    if when < 0:  # months of last year
        return date(today.year - 1, 3 + 2 * (-when - 1), 15)
    return max(date(today.year, 1, 1), today - timedelta(days=when))


def seed_outreach(*, district: Unit, today: date, users: dict[str, User]) -> Counter[str]:
    created: Counter[str] = Counter()
    if OutreachEvent.objects.filter(unit__path__startswith=district.path).exists():
        return created
    units = {u.code: u for u in Unit.objects.filter(path__startswith=district.path)}
    events: list[OutreachEvent] = []
    for login, code, when, topic, form, place, audience, partner in EVENTS:
        photos = [ContentFile(PHOTO, name="现场照片.png")] if not events else []
        data = {
            "held_on": _held_on(today, when),
            "place": place,
            "topic": topic,
            "form": form,
            "audience": audience,
            "partner": partner,
        }
        events.append(outreach_event_record(unit=units[code], data=data, photos=photos, by=users[login], today=today))
        created["outreach_events"] += 1
    first = events[0]
    outreach_event_correct(
        event=first,
        data={**_fields(first), "audience": first.audience + 20},
        reason="签到表补录后人数更正",
        by=users["legal.officer"],
        today=today,
    )
    created["outreach_corrections"] += 1
    outreach_event_withdraw(event=events[2], reason="与街道另一条登记重复", by=users["street1.caseworker"])
    created["outreach_withdrawn"] += 1
    return created


def _fields(event: OutreachEvent) -> dict[str, object]:
    return {
        "held_on": event.held_on,
        "place": event.place,
        "topic": event.topic,
        "form": event.form,
        "audience": event.audience,
        "partner": event.partner,
        "notes": event.notes,
    }
