"""Every figure as XLSX; the annual summary's draft as a PDF with Chinese
text and the figures filled in."""

from __future__ import annotations

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from tests.reports.test_hardship_figures import books  # noqa: F401  # the planted records
from tests.services import pdf_fonts, pdf_text

YEAR = {"from": "2026-01-01", "to": "2026-12-31"}


def test_every_figure_and_its_breakdown_is_a_row(books, world, user_with, client):  # noqa: F811
    client.force_login(user_with("district_caseworker", world.units["D1"]))
    response = client.get(reverse("reports:xlsx"), {"unit": world.units["D1"].pk, **YEAR})
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    by_key: dict[str, list[tuple]] = {}
    for row in rows[2:]:
        by_key.setdefault(str(row[1]), []).append(row)
    assert by_key["hardship.filed"][0][4] == 3
    paid = {row[3]: row[4] for row in by_key["assistance.paid_by_type"]}
    assert paid == {None: 1000.5, "生活救助": 300.5, "医疗救助": 300.0, "节日慰问（送温暖）": 400.0}
    assert by_key["hardship.exit_share"][0][5] == "33.3%"


def test_the_annual_draft_renders_chinese_with_the_figures(books, world, user_with, client, tmp_path):  # noqa: F811
    client.force_login(user_with("district_caseworker", world.units["D1"]))
    response = client.get(reverse("reports:annual-draft"), {"unit": world.units["D1"].pk, **YEAR})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    fonts = pdf_fonts(response.content, tmp_path)
    assert "WenQuanYi" in fonts or "NotoSansCJK" in fonts.replace(" ", "")
    text = "".join(pdf_text(response.content).split())
    assert f"{world.units['D1'].name}2026年度工会工作总结（草稿）" in text
    for chapter in ("一、困难职工帮扶", "二、工资集体协商", "三、法律服务", "四、评选表彰"):
        assert chapter in text
    assert "新建档困难职工：3" in text and "1,000.50" in text
    assert "（此处由办公室撰写本部分的工作情况、做法与成效。）" in text


def test_a_bad_period_is_refused_by_the_files_too(world, user_with, client):
    client.force_login(user_with("district_caseworker", world.units["D1"]))
    response = client.get(reverse("reports:xlsx"), {"from": "2026-02-01", "to": "2026-01-01"})
    assert response.status_code == 400
