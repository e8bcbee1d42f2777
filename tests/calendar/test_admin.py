"""The admin pages: entering a year goes through the service; special dates are read-only."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from casework.accounts.models import User
from casework.calendar import add_working_days, day_info
from casework.calendar.forms import format_days, parse_days
from casework.calendar.models import CalendarYear, SpecialDay
from casework.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db

HOLIDAYS_TEXT = """
# 2027 (test data)
2027-01-01 元旦
2027-02-06..2027-02-13 春节
2027-10-01至2027-10-07 国庆节
"""
WORKDAYS_TEXT = "2027-02-14 春节\n2027-09-26 国庆节\n2027-10-09 国庆节"


@pytest.fixture
def client_admin(client):
    user = User.objects.create_superuser(username="root", password=None)
    client.force_login(user)
    client.user = user
    return client


def post_year(client, url, **overrides):
    data = {"year": "2027", "notice": "国办发明电〔2026〕1号", "notice_date": "2026-11-12"}
    data |= {"holidays": HOLIDAYS_TEXT, "workdays": WORKDAYS_TEXT} | overrides
    return client.post(url, data)


def test_adding_a_year_enters_it_through_the_service(client_admin):
    assert client_admin.get(reverse("admin:calendar_calendaryear_add")).status_code == 200
    before = LedgerEntry.objects.count()
    response = post_year(client_admin, reverse("admin:calendar_calendaryear_add"))
    assert response.status_code == 302, response.content.decode()
    row = CalendarYear.objects.get(year=2027)
    assert (row.source, row.entered_by) == ("administrator", client_admin.user)
    assert SpecialDay.objects.filter(date__year=2027, kind="holiday").count() == 16
    assert SpecialDay.objects.filter(date__year=2027, kind="workday").count() == 3
    assert LedgerEntry.objects.count() == before + 1
    assert LedgerEntry.objects.order_by("-seq").first().action == "calendar.year_entered"  # type: ignore[union-attr]
    assert day_info(date(2027, 10, 1)).name == "国庆节"
    assert add_working_days(date(2027, 9, 30), 1).provisional is False


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"workdays": "2027-10-08 国庆节"}, "workdays", "只能是星期六或星期日"),
        ({"workdays": "2027-10-02 国庆节"}, "workdays", "不能既是节假日又是调休工作日"),
        ({"holidays": "2026-12-31 元旦"}, "holidays", "不在2027年内"),
        ({"holidays": "10月1日 国庆节"}, "holidays", "无法识别"),
        ({"holidays": "2027-10-07..2027-10-01 国庆节"}, "holidays", "日期段无效"),
        ({"holidays": "2027-10-01 国庆节\n2027-10-01 国庆节"}, "holidays", "重复出现"),
        ({"notice": ""}, "notice", ""),
        ({"notice_date": "2999-01-01"}, "notice_date", "不能晚于今天"),
    ],
)
def test_a_rejected_year_shows_the_rule_and_changes_nothing(client_admin, overrides, field, message):
    before = (SpecialDay.objects.count(), LedgerEntry.objects.count())
    response = post_year(client_admin, reverse("admin:calendar_calendaryear_add"), **overrides)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert message in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert (SpecialDay.objects.count(), LedgerEntry.objects.count()) == before


def test_adding_a_year_already_entered_is_refused(client_admin):
    before = LedgerEntry.objects.count()
    response = post_year(client_admin, reverse("admin:calendar_calendaryear_add"), year="2024")
    assert response.status_code == 200
    assert CalendarYear.objects.get(year=2024).source == "package"
    assert LedgerEntry.objects.count() == before


def test_the_change_page_shows_the_year_and_re_entering_replaces_it(client_admin):
    url = reverse("admin:calendar_calendaryear_change", args=[2024])
    page = client_admin.get(url).content.decode()
    assert "2024-10-01..2024-10-07 国庆节" in page
    assert "2024-09-29 国庆节" in page
    form = client_admin.get(url).context["adminform"].form
    data = {"notice": "国办发明电〔2023〕7号", "notice_date": "2023-10-25"}
    data |= {"holidays": form.initial["holidays"], "workdays": form.initial["workdays"] + "\n2024-09-28 国庆节"}
    assert client_admin.post(url, data).status_code == 302
    row = CalendarYear.objects.get(year=2024)
    assert (row.source, row.notice) == ("administrator", "国办发明电〔2023〕7号")
    assert day_info(date(2024, 9, 28)).working is True
    assert day_info(date(2024, 10, 7)).working is False


def test_years_cannot_be_deleted_and_special_days_are_read_only(client_admin):
    assert client_admin.get(reverse("admin:calendar_calendaryear_delete", args=[2024])).status_code == 403
    assert client_admin.get(reverse("admin:calendar_specialday_changelist")).status_code == 200
    assert client_admin.get(reverse("admin:calendar_specialday_add")).status_code == 403
    day = SpecialDay.objects.get(date=date(2024, 10, 1))
    page = client_admin.get(reverse("admin:calendar_specialday_change", args=[day.pk]))
    assert page.status_code == 200
    assert (
        client_admin.post(reverse("admin:calendar_specialday_change", args=[day.pk]), {"name": "x"}).status_code == 403
    )


def test_format_and_parse_are_inverse_on_a_real_year():
    rows = SpecialDay.objects.filter(date__year=2025).values_list("date", "kind", "name")
    holidays = {d: n for d, k, n in rows if k == "holiday"}
    text = format_days(holidays)
    assert "2025-10-01..2025-10-05 国庆节\n2025-10-06 中秋节\n2025-10-07..2025-10-08 国庆节" in text
    assert parse_days(text) == holidays
