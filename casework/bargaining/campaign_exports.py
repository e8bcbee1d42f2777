"""A campaign as XLSX: what the district reports upwards and discusses
with the labour bureau. Three sheets: the summary (heading, counts by
state, the headline figures), the streets (cases, signed, in force,
workers, signing rate), and one row per enterprise. Text cells stay text
(``sheet_row``), whatever a name starts with. The same few queries as the
page, whatever the number of enterprises.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from casework.accounts.models import User
from casework.bargaining.campaign_selectors import campaign_case_rows, campaign_summary, street_names
from casework.bargaining.campaign_services import SKIP_REASONS
from casework.bargaining.campaigns import Campaign
from casework.bargaining.choices import State
from casework.cases.selectors import state_label
from casework.hardship.exports import sheet_row


def _percent(value: Any) -> str:
    return f"{value}%" if value is not None else "—"


def campaign_workbook(user: User, campaign: Campaign) -> bytes:
    summary = campaign_summary(user, campaign)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("汇总")
    heading = [
        (_("活动名称"), campaign.name),
        (_("年度"), campaign.year),
        (_("区总工会"), campaign.district.name),
        (_("要约送达日期"), campaign.offer_served_on.isoformat()),
        (_("发起人"), campaign.created_by.get_username()),
        (_("发起时间"), timezone.localtime(campaign.created_at).strftime("%Y-%m-%d %H:%M")),
        (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
    ]
    for label, value in heading:
        sheet_row(sheet, [str(label), value])
    sheet.append([])
    figures = [
        (_("企业数"), summary.total),
        (_("回应逾期"), summary.replies_overdue),
        (_("逾期未回应，已提请协调"), summary.no_reply),
        (_("已签订"), summary.signed),
        (_("已生效"), summary.effective),
        (_("签订率"), _percent(summary.signing_rate)),
        (_("覆盖职工人数（全部）"), summary.workers_covered),
        (_("覆盖职工人数（已生效）"), summary.workers_in_force),
        (_("未纳入的企业"), len(campaign.skipped)),
    ]
    for label, value in figures:
        sheet_row(sheet, [str(label), value])
    sheet.append([])
    sheet_row(sheet, [_("状态"), _("企业数"), _("覆盖职工人数")], bold=True)
    for row in summary.by_state:
        sheet_row(sheet, [row.label, row.cases, row.workers_covered])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 24

    streets = book.create_sheet(_("按街道"))
    columns = [_("街道（园区）"), _("企业数"), _("已签订"), _("已生效"), _("签订率"), _("覆盖职工人数（已生效）")]
    sheet_row(streets, columns, bold=True)
    for line in summary.streets:
        name = line.unit.name if line.unit is not None else _("区直属")
        sheet_row(
            streets,
            [name, line.cases, line.signed, line.effective, _percent(line.signing_rate), line.workers_in_force],
        )
    for letter, width in zip("ABCDEF", (24, 10, 10, 10, 10, 22), strict=True):
        streets.column_dimensions[letter].width = width

    cases = book.create_sheet(_("企业明细"))
    columns = [
        _("案件编号"),
        _("单位代码"),
        _("企业"),
        _("街道（园区）"),
        _("状态"),
        _("覆盖职工人数"),
        _("书面回应"),
        _("回应日期"),
        _("回应逾期"),
        _("签字日期"),
        _("生效日期"),
    ]
    sheet_row(cases, columns, bold=True)
    rows = list(campaign_case_rows(user, campaign))
    names = street_names(campaign, [case.unit_path for case in rows])
    for case in rows:
        sheet_row(
            cases,
            [
                case.number,
                case.unit.code,
                case.unit.name,
                names.get(case.unit_path, _("区直属")),
                state_label(case),
                case.workers_covered,
                case.get_reply_display(),
                case.replied_on.isoformat() if case.replied_on else "",
                _("是") if getattr(case, "overdue", False) and case.state == State.OFFER_SERVED else "",
                case.signed_on.isoformat() if case.signed_on else "",
                case.effective_on.isoformat() if case.effective_on else "",
            ],
        )
    for letter, width in zip("ABCDEFGHIJK", (16, 12, 28, 20, 24, 12, 12, 12, 10, 12, 12), strict=True):
        cases.column_dimensions[letter].width = width

    if campaign.skipped:
        skipped = book.create_sheet(_("未纳入的企业"))
        sheet_row(skipped, [_("单位代码"), _("企业"), _("原因"), _("案件编号")], bold=True)
        for item in campaign.skipped:
            reason = SKIP_REASONS.get(item["reason"], item["reason"])
            sheet_row(skipped, [item["code"], item["name"], str(reason), item.get("number", "")])
        for letter, width in zip("ABCD", (12, 28, 40, 16), strict=True):
            skipped.column_dimensions[letter].width = width
    out = BytesIO()
    book.save(out)
    return out.getvalue()
