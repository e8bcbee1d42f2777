"""A campaign's list for publication as XLSX and PDF: one row per
approved nominee (number, name or unit, nominating unit, group, unit's
ownership, state, award document). Text cells stay text (``sheet_row``).
The PDF is HTML laid out by WeasyPrint with the system's CJK font."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from casework.accounts.models import User
from casework.cases.selectors import state_label
from casework.hardship.exports import sheet_row
from casework.honours.models import Campaign, HonourNomination
from casework.honours.selectors import publication_list
from casework.web.pdf import pdf_render

STYLE = Path(__file__).with_name("publication.css")


def _row(case: HonourNomination) -> list[str]:
    return [
        case.number,
        case.person.name if case.person is not None else case.unit.name,
        case.unit.name,
        case.get_category_display() or "—",
        case.get_ownership_display(),
        state_label(case),
        case.award_document or "—",
    ]


def _heading() -> list[str]:
    return [_("编号"), _("人选"), _("推荐单位"), _("人员类别"), _("单位性质"), _("状态"), _("表彰文件文号")]


def publication_workbook(user: User, campaign: Campaign) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("公示名单")
    sheet_row(sheet, [campaign.name, f"{campaign.get_level_display()} · {campaign.honour_type.name}"], bold=True)
    sheet_row(sheet, _heading(), bold=True)
    for case in publication_list(user, campaign):
        sheet_row(sheet, _row(case))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def publication_pdf(user: User, campaign: Campaign) -> bytes:
    return pdf_render(
        "honours/publication.html",
        {
            "campaign": campaign,
            "heading": _heading(),
            "rows": [_row(case) for case in publication_list(user, campaign)],
            "made_at": timezone.localtime(),
        },
        STYLE,
    )
