"""A year of the outreach register as XLSX: the events, then the totals per
organiser unit and per street or park. Text cells stay text (``sheet_row``)."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from casework.hardship.exports import sheet_row
from casework.outreach.models import OutreachEvent
from casework.outreach.selectors import Total, grand_total


def _totals(book: Workbook, title: str, first: str, totals: list[Total]) -> None:
    sheet = book.create_sheet(title)
    sheet_row(sheet, [first, _("单位代码"), _("活动次数"), _("受众人数")], bold=True)
    for total in totals:
        sheet_row(sheet, [total.name, total.code, total.events, total.audience])
    events, audience = grand_total(totals)
    sheet_row(sheet, [_("合计"), "", events, audience], bold=True)
    for letter, width in zip("ABCD", (32, 14, 12, 12), strict=True):
        sheet.column_dimensions[letter].width = width


def outreach_workbook(year: int, events: Sequence[OutreachEvent], totals: list[Total], streets: list[Total]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("%(year)d年活动") % {"year": year}
    columns = [
        _("序号"),
        _("活动日期"),
        _("主办单位"),
        _("宣传主题"),
        _("活动形式"),
        _("活动地点"),
        _("受众人数"),
        _("合作单位"),
        _("照片"),
        _("登记人"),
    ]
    sheet_row(sheet, [str(c) for c in columns], bold=True)
    for number, event in enumerate(events, start=1):
        sheet_row(
            sheet,
            [
                number,
                event.held_on,
                event.unit.name,
                event.topic,
                event.get_form_display(),
                event.place,
                event.audience,
                event.partner,
                getattr(event, "photo_count", 0),
                event.recorded_by.get_username(),
            ],
        )
        sheet.cell(row=sheet.max_row, column=2).number_format = "yyyy-mm-dd"
    for letter, width in zip("ABCDEFGHIJ", (6, 12, 28, 32, 12, 24, 10, 16, 8, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    _totals(book, _("按主办单位汇总"), _("主办单位"), totals)
    _totals(book, _("按街道园区汇总"), _("街道（园区）"), streets)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
