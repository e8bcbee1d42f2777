"""The administrator's form for entering a year's notice: parses the text, asks the service's rules."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.calendar.models import CalendarYear, SpecialDay
from casework.calendar.services import calendar_year_validate
from casework.errors import RuleViolation

# "2027-10-01 国庆节" or "2027-10-01..2027-10-07 国庆节" (also "至" or "~" between the two dates).
LINE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})(?:\s*(?:\.\.|~|～|至)\s*(\d{4}-\d{1,2}-\d{1,2}))?\s+(\S.*)$")
MAX_RANGE_DAYS = 31

DAYS_HELP = gettext_lazy(
    "每行一个日期或日期段及名称，例如“2027-10-01..2027-10-07 国庆节”或“2027-09-26 国庆节”。以 # 开头的行和空行忽略。"
)


def _parse_date(text: str) -> date:
    year, month, day = (int(part) for part in text.split("-"))
    return date(year, month, day)


def parse_days(text: str) -> dict[date, str]:
    """Parse lines of ``date[..date] name`` into {date: name}; raise ValidationError naming the bad line."""
    days: dict[date, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = LINE.match(line)
        try:
            if match is None:
                raise ValueError(line)
            first = _parse_date(match[1])
            last = _parse_date(match[2]) if match[2] else first
        except ValueError as exc:
            raise forms.ValidationError(
                _("第%(line)s行“%(text)s”无法识别：应为“年-月-日 名称”或“年-月-日..年-月-日 名称”。")
                % {"line": number, "text": line},
                code="calendar.bad_line",
            ) from exc
        if not 0 <= (last - first).days < MAX_RANGE_DAYS:
            raise forms.ValidationError(
                _("第%(line)s行的日期段无效：结束日期不能早于开始日期，且一段不超过%(max)s天。")
                % {"line": number, "max": MAX_RANGE_DAYS},
                code="calendar.bad_range",
            )
        day = first
        while day <= last:
            if day in days:
                raise forms.ValidationError(
                    _("第%(line)s行：%(date)s重复出现。") % {"line": number, "date": day.isoformat()},
                    code="calendar.duplicate_date",
                )
            days[day] = match[3].strip()
            day += timedelta(days=1)
    return days


def format_days(days: dict[date, str]) -> str:
    """The inverse of ``parse_days``: consecutive days of one name become one range line."""
    lines: list[str] = []
    ordered = sorted(days.items())
    i = 0
    while i < len(ordered):
        first, name = ordered[i]
        j = i
        while j + 1 < len(ordered) and ordered[j + 1][1] == name and (ordered[j + 1][0] - ordered[j][0]).days == 1:
            j += 1
        last = ordered[j][0]
        lines.append(
            f"{first.isoformat()} {name}" if first == last else f"{first.isoformat()}..{last.isoformat()} {name}"
        )
        i = j + 1
    return "\n".join(lines)


class CalendarYearForm(forms.ModelForm):
    holidays = forms.CharField(label=gettext_lazy("节假日"), widget=forms.Textarea, help_text=DAYS_HELP)
    workdays = forms.CharField(
        label=gettext_lazy("调休工作日"), widget=forms.Textarea, required=False, help_text=DAYS_HELP
    )

    class Meta:
        model = CalendarYear
        fields = ("year", "notice", "notice_date")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notice"].required = True
        if self.instance.pk is not None and not self.is_bound:
            rows = list(SpecialDay.objects.filter(date__year=self.instance.year).values_list("date", "kind", "name"))
            self.initial["holidays"] = format_days({d: n for d, k, n in rows if k == SpecialDay.Kind.HOLIDAY})
            self.initial["workdays"] = format_days({d: n for d, k, n in rows if k == SpecialDay.Kind.WORKDAY})

    def clean_holidays(self) -> dict[date, str]:
        return parse_days(self.cleaned_data.get("holidays", ""))

    def clean_workdays(self) -> dict[date, str]:
        return parse_days(self.cleaned_data.get("workdays", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        year = self.instance.year if self.instance.pk is not None else cleaned.get("year")
        if self.errors or year is None:
            return cleaned
        try:
            calendar_year_validate(
                year=year,
                holidays=cleaned["holidays"],
                workdays=cleaned["workdays"],
                notice=cleaned.get("notice", ""),
                notice_date=cleaned.get("notice_date"),
            )
        except RuleViolation as exc:
            field = exc.field if exc.field in self.fields else None
            self.add_error(field, forms.ValidationError(str(exc.message), code=exc.code))
        return cleaned
