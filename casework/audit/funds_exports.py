"""The funds audit as XLSX: one sheet of the exceptions (a row per exception
found), one of every payment traced (its exceptions named in one cell).
Text cells stay text (``sheet_row``); the worker's ID number is masked, as on
every page."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from casework.audit.funds import FundsReport, PaymentTrace
from casework.hardship.exports import sheet_row

WIDTHS = (10, 16, 12, 22, 16, 12, 22, 18, 18, 14, 14, 18, 12, 16)


def trace_columns() -> list[str]:
    return [
        _("发放编号"),
        _("档案编号"),
        _("姓名"),
        _("身份证号"),
        _("帮扶类型"),
        _("金额（元）"),
        _("资金来源"),
        _("发放单位"),
        _("活动名称"),
        _("申请人"),
        _("审核人"),
        _("审核时间"),
        _("发放日期"),
        _("审核时档案状态"),
    ]


def trace_cells(trace: PaymentTrace) -> list[Any]:
    payment, case = trace.payment, trace.payment.case
    person = case.person
    decided = payment.decided_at or (payment.batch.decided_at if payment.batch is not None else None)
    return [
        payment.pk,
        case.number,
        person.name if person is not None else "",
        person.masked_id_number if person is not None else "",
        payment.get_assistance_type_display(),
        payment.amount,
        payment.budget_line.name,
        payment.budget_line.unit.name,
        trace.campaign,
        trace.requester.get_username(),
        trace.approver.get_username() if trace.approver is not None else "",
        timezone.localtime(decided).strftime("%Y-%m-%d %H:%M") if decided else "",
        trace.paid_on,
        trace.state_label,
    ]


def _sheet(sheet: Worksheet, report: FundsReport, title: str, first: list[str]) -> None:
    period = f"{report.date_from.isoformat()} — {report.date_to.isoformat()}"
    sheet_row(sheet, [title, report.unit.name, period], bold=True)
    sheet.append([])
    sheet_row(sheet, [*first, *trace_columns()], bold=True)
    for letter, width in zip("ABCDEFGHIJKLMNOPQ", (*([24] * len(first)), *WIDTHS), strict=False):
        sheet.column_dimensions[letter].width = width


def _formats(sheet: Worksheet, offset: int) -> None:
    sheet.cell(row=sheet.max_row, column=offset + 6).number_format = "#,##0.00"
    sheet.cell(row=sheet.max_row, column=offset + 13).number_format = "yyyy-mm-dd"


def funds_workbook(report: FundsReport) -> bytes:
    book = Workbook()
    exceptions = book.active
    assert exceptions is not None
    exceptions.title = _("异常")
    _sheet(exceptions, report, _("经费审计异常"), [_("异常"), _("说明")])
    for trace, finding in report.exceptions:
        sheet_row(exceptions, [finding.label, finding.detail, *trace_cells(trace)])
        _formats(exceptions, 2)
    payments = book.create_sheet(_("全部发放"))
    _sheet(payments, report, _("经费审计发放明细"), [_("异常")])
    for trace in report.traces:
        labels = pgettext("list separator", "、").join(finding.label for finding in trace.findings)
        sheet_row(payments, [labels, *trace_cells(trace)])
        _formats(payments, 1)
    sheet_row(payments, [_("合计"), "", "", "", "", "", report.total], bold=True)
    _formats(payments, 1)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
