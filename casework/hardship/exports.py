"""Spreadsheets of hardship records: a campaign's payment list as XLSX.

The list is what the paying unit hands to its bank or signs for: every line
with the record number, the worker (ID number masked, as on every page), the
enterprise, the amount and its state, and the total. Text cells are written
as text, never as formulas, whatever a name or note starts with.
"""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from casework.hardship.assistance import PaymentBatch
from casework.hardship.batches import batch_lines

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_row(sheet: Worksheet, values: list[Any], *, bold: bool = False) -> None:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # "=…" stays text: openpyxl would store it as a formula
        if bold:
            cell.font = Font(bold=True)


def batch_workbook(batch: PaymentBatch) -> bytes:
    """The list as an XLSX file: a heading block, one row per line, the total."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("发放清单")
    decided = timezone.localtime(batch.decided_at).strftime("%Y-%m-%d %H:%M") if batch.decided_at else ""
    heading = [
        (_("活动名称"), batch.campaign),
        (_("帮扶类型"), batch.get_assistance_type_display()),
        (_("资金来源"), str(batch.budget_line)),
        (_("发放单位"), batch.budget_line.unit.name),
        (_("状态"), batch.get_state_display()),
        (_("申请人"), batch.requested_by.get_username()),
        (_("申请时间"), timezone.localtime(batch.requested_at).strftime("%Y-%m-%d %H:%M")),
        (_("审核人"), batch.decided_by.get_username() if batch.decided_by else ""),
        (_("审核时间"), decided),
        (_("发放日期"), batch.paid_on.isoformat() if batch.paid_on else ""),
    ]
    for label, value in heading:
        sheet_row(sheet, [str(label), value])
    sheet.append([])
    columns = [_("序号"), _("档案编号"), _("姓名"), _("身份证号"), _("所属工会"), _("金额（元）"), _("说明"), _("状态")]
    sheet_row(sheet, [str(c) for c in columns], bold=True)
    total = Decimal("0")
    for number, payment in enumerate(batch_lines(batch), start=1):
        case, person = payment.case, payment.case.person
        sheet_row(
            sheet,
            [
                number,
                case.number,
                person.name if person else "",
                person.masked_id_number if person else "",
                case.unit.name,
                payment.amount,
                payment.note,
                payment.get_state_display(),
            ],
        )
        sheet.cell(row=sheet.max_row, column=6).number_format = "#,##0.00"
        total += payment.amount
    sheet_row(sheet, [str(_("合计")), "", "", "", "", total], bold=True)
    sheet.cell(row=sheet.max_row, column=6).number_format = "#,##0.00"
    for letter, width in zip("ABCDEFGH", (8, 16, 12, 22, 24, 14, 24, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    out = BytesIO()
    book.save(out)
    return out.getvalue()
