"""Evidence packs: the command's three files for a demo case, Chinese in the
PDF, the JSON round-tripping through ``ledger_verify --pack``; the pages'
packs scoped like everything else."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.urls import reverse
from openpyxl import load_workbook

from casework.audit.packs import evidence_pack_of_case, pack_pdf
from casework.cases.models import Case
from casework.demo import seed_demo
from casework.ledger.models import LedgerEntry
from tests.audit.test_integrity import run_command
from tests.demo.test_seed_demo import TODAY
from tests.services import pdf_fonts, pdf_text


def busiest_demo_case() -> tuple[Case, int]:
    row = (
        LedgerEntry.objects.filter(subject_type="cases.case")
        .values("subject_id")
        .annotate(n=Count("seq"))
        .order_by("-n", "subject_id")
        .first()
    )
    assert row is not None
    return Case.objects.get(pk=int(row["subject_id"])), row["n"]


@pytest.mark.django_db
def test_the_command_writes_a_demo_cases_pack_that_round_trips(tmp_path: Path, capsys):
    seed_demo(today=TODAY)
    case, entries = busiest_demo_case()
    assert entries >= 20
    call_command("export_evidence", "--case", f"{case.case_type}:{case.pk}", "--out", str(tmp_path))
    written = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert written["entries"] == entries
    pack = json.loads(Path(written["json"]).read_text(encoding="utf-8"))
    assert [e["seq"] for e in pack["entries"]] == sorted(
        LedgerEntry.objects.filter(subject_type="cases.case", subject_id=str(case.pk)).values_list("seq", flat=True)
    )
    code, checked = run_command("--pack", written["json"])
    assert code == 0 and checked["ok"] and checked["entries"] == entries

    pdf = Path(written["pdf"]).read_bytes()
    # The glyphs come from an embedded CJK font, not boxes of a fallback.
    fonts = pdf_fonts(pdf, tmp_path)
    assert "WenQuanYi" in fonts or "NotoSansCJK" in fonts.replace(" ", "")
    text = pdf_text(pdf)
    assert "决定轨迹证据包" in text and case.number in text
    assert "办理时间线" in text and "附录：核验信息" in text
    assert pack["chain"]["head"] in "".join(text.split())

    book = load_workbook(BytesIO(Path(written["xlsx"]).read_bytes()))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2 + entries
    assert rows[2][0] == str(pack["entries"][0]["seq"]) and rows[-1][-1] == pack["entries"][-1]["hash"]


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_case(tmp_path):
    with pytest.raises(CommandError, match="no hardship case"):
        call_command("export_evidence", "--case", "hardship:999999", "--out", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_the_pdf_shows_the_reasons_and_the_evidence_hashes(evidenced_case):
    pack = evidence_pack_of_case(evidenced_case)
    text = "".join(pdf_text(pack_pdf(pack)).split())  # hashes wrap across lines
    document = pack["documents"][0]
    assert document["sha256"] in text
    assert "决定及理由" in text and "证据文件" in text


def test_an_auditor_downloads_the_pack_of_a_case_in_scope(evidenced_case, auditors, client):
    client.force_login(auditors["street"])
    response = client.get(reverse("audit:case-json", args=[evidenced_case.pk]))
    assert response.status_code == 200
    pack = json.loads(response.content)
    assert pack["case"]["number"] == evidenced_case.number and pack["made_by"] == auditors["street"].username
    assert client.get(reverse("audit:case-xlsx", args=[evidenced_case.pk])).status_code == 200
    pdf = client.get(reverse("audit:case-pdf", args=[evidenced_case.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_neighbouring_auditor_finds_no_such_case(evidenced_case, auditors, client):
    client.force_login(auditors["neighbour"])
    for name in ("audit:case", "audit:case-json", "audit:case-pdf", "audit:case-xlsx"):
        assert client.get(reverse(name, args=[evidenced_case.pk])).status_code == 404


def test_a_caseworker_who_sees_the_case_is_refused_its_audit_pack(evidenced_case, staff, client):
    client.force_login(staff["caseworker"])
    assert client.get(reverse("audit:case-json", args=[evidenced_case.pk])).status_code == 403


def test_a_trail_search_exports_as_one_pack(evidenced_case, auditors, client):
    client.force_login(auditors["district"])
    unit = str(evidenced_case.unit_id)
    response = client.get(reverse("audit:trail-json"), {"action": "hardship.", "unit": unit})
    pack = json.loads(response.content)
    assert pack["case"] is None and pack["query"] == {"action": "hardship.", "unit": unit}
    about_case = LedgerEntry.objects.filter(subject_type="cases.case", action__startswith="hardship.")
    assert [e["seq"] for e in pack["entries"]] == sorted(about_case.values_list("seq", flat=True))
