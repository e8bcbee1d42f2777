"""The filing form of an enterprise union chair: the worker (from their own
union), the household, average monthly incomes, rigid expenses, and the
documents that prove them. It only gathers the inputs;
``hardship_case_submit`` checks every rule (the documents' too)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.accounts.models import User
from casework.cases.documents import Attachment, DocumentKind
from casework.cases.forms import MultipleFileField
from casework.hardship.choices import Category, Cause, ExpenseKind
from casework.hardship.services import tested_months
from casework.org.models import Unit
from casework.people.choices import Relation
from casework.people.models import Person
from permissions.access import scope

HOUSEHOLD_ROWS = 5
EXPENSE_ROWS = 3


class FilingForm(forms.Form):
    worker = forms.ModelChoiceField(label=_("职工"), queryset=Person.objects.none())
    category = forms.ChoiceField(label=_("困难类别"), choices=Category.choices)
    cause = forms.ChoiceField(label=_("致困原因"), choices=Cause.choices)
    statement = forms.CharField(label=_("困难情况陈述"), widget=forms.Textarea(attrs={"rows": 4}))
    consent = forms.BooleanField(label=_("职工本人已同意申请"), required=False)
    worker_income = forms.DecimalField(label=_("本人月均收入（元）"), min_value=0, decimal_places=2, initial=0)
    documents = MultipleFileField(label=_("证明材料"), required=False)
    document_kind = forms.ChoiceField(label=_("材料类型"), choices=DocumentKind.choices, initial=DocumentKind.OTHER)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The workers of the unions where this user may file: their own.
        units = scope(user, Unit.objects.all(), "case.file")
        self.fields["worker"].queryset = scope(user, Person.objects.all()).filter(employer__in=units).order_by("name")  # type: ignore[attr-defined]
        for i in range(HOUSEHOLD_ROWS):
            self.fields[f"h{i}_name"] = forms.CharField(label=_("姓名"), required=False, max_length=50)
            self.fields[f"h{i}_relation"] = forms.ChoiceField(
                label=_("关系"), required=False, choices=[("", "—"), *Relation.choices]
            )
            self.fields[f"h{i}_id_number"] = forms.CharField(label=_("身份证号"), required=False, max_length=18)
            self.fields[f"h{i}_income"] = forms.DecimalField(
                label=_("月均收入（元）"), required=False, min_value=0, decimal_places=2
            )
        for i in range(EXPENSE_ROWS):
            self.fields[f"e{i}_kind"] = forms.ChoiceField(
                label=_("支出类型"), required=False, choices=[("", "—"), *ExpenseKind.choices]
            )
            self.fields[f"e{i}_amount"] = forms.DecimalField(
                label=_("12个月合计（元）"), required=False, min_value=0, decimal_places=2
            )

    def household_rows(self) -> list[list[forms.BoundField]]:
        return [[self[f"h{i}_{f}"] for f in ("name", "relation", "id_number", "income")] for i in range(HOUSEHOLD_ROWS)]

    def expense_rows(self) -> list[list[forms.BoundField]]:
        return [[self[f"e{i}_{f}"] for f in ("kind", "amount")] for i in range(EXPENSE_ROWS)]

    def application(self) -> dict[str, Any]:
        """The service's arguments: an average monthly income becomes twelve
        equal months; a yearly expense total is booked in the last month."""
        data = self.cleaned_data
        months = tested_months(timezone.localdate())
        household, incomes = [], []
        for i in range(HOUSEHOLD_ROWS):
            if not data.get(f"h{i}_name"):
                continue
            household.append(
                {"name": data[f"h{i}_name"], "relation": data[f"h{i}_relation"], "id_number": data[f"h{i}_id_number"]}
            )
            if data.get(f"h{i}_income"):
                incomes += [
                    {"member": len(household), "month": f"{m:%Y-%m}", "amount": str(data[f"h{i}_income"])}
                    for m in months
                ]
        if data.get("worker_income"):
            incomes += [{"member": 0, "month": f"{m:%Y-%m}", "amount": str(data["worker_income"])} for m in months]
        expenses = [
            {"kind": data[f"e{i}_kind"], "month": f"{months[-1]:%Y-%m}", "amount": str(data[f"e{i}_amount"])}
            for i in range(EXPENSE_ROWS)
            if data.get(f"e{i}_kind") and data.get(f"e{i}_amount")
        ]
        return {
            "worker": data["worker"],
            "category": data["category"],
            "cause": data["cause"],
            "statement": data["statement"],
            "consent": data["consent"],
            "household": household,
            "incomes": incomes,
            "expenses": expenses,
            "documents": [Attachment(upload, data["document_kind"]) for upload in data.get("documents") or []],
        }
