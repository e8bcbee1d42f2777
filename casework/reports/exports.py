"""The figures as files: every figure (and its breakdown) as XLSX, and the
annual work summary's draft as a PDF in the seed's structure, the figures
filled in from the records and the prose left for the office to write."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from openpyxl import Workbook

from casework.hardship.exports import sheet_row
from casework.reports.figures import Computed, Section, Window
from casework.reports.templatetags.reports_tags import figure_value
from casework.web.pdf import pdf_render

STYLE = Path(__file__).with_name("annual.css")
# The summary's chapters (the seed's): each gathers some sections' figures.
CHAPTERS = (
    (_l("一、困难职工帮扶"), ("hardship", "assistance")),
    (_l("二、工资集体协商"), ("bargaining",)),
    (_l("三、法律服务"), ("legalaid", "outreach")),
    (_l("四、评选表彰"), ("honours",)),
    (_l("五、组织建设与工作效能"), ("work",)),
)


def figures_workbook(window: Window, sections: list[tuple[Section, list[Computed]]]) -> bytes:
    """One row per figure, then one per part of its breakdown."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("统计指标")
    period = f"{window.date_from:%Y-%m-%d} — {window.date_to:%Y-%m-%d}"
    sheet_row(sheet, [window.unit.name, period], bold=True)
    sheet_row(sheet, [_("板块"), _("指标代码"), _("指标"), _("构成"), _("数值"), _("显示")], bold=True)
    for section, computed in sections:
        for c in computed:
            named = [str(section.title), c.figure.key, str(c.figure.label)]
            for part, value in [("", c.value), *((g.label, g.value) for g in c.groups)]:
                sheet_row(sheet, [*named, part, _number(value), figure_value(value, c.figure.measure)])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _number(value: Any) -> Any:
    """Numbers stay numbers in the sheet (a float is exact enough for a cell; the text column is exact)."""
    return None if value is None else float(value)


def annual_draft_pdf(window: Window, sections: list[tuple[Section, list[Computed]]]) -> bytes:
    by_key = {section.key: (section, computed) for section, computed in sections}
    chapters = [(title, [by_key[key] for key in keys if key in by_key]) for title, keys in CHAPTERS]
    return pdf_render(
        "reports/annual.html",
        {"window": window, "chapters": chapters, "made_at": timezone.localtime()},
        STYLE,
    )
