"""Evidence packs: one case's trail, or a trail search, as JSON, PDF and XLSX,
and the offline check of a pack against the ledger.

The JSON is the pack; the PDF and the XLSX are drawn from it. Each entry
carries exactly the form its hash covers (``chain.hashed_form``) with its
``prev_hash`` and ``hash``, so anyone can recompute the hash without the
database, and ``pack_check`` can say whether each entry is still the one in
the chain. The reason travels as text (the auditor reads it); the other
personal values and the salts do not: a salt beside its digests would let a
reader of the pack guess short values such as ID numbers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from openpyxl import Workbook

from casework.accounts.models import User
from casework.audit.integrity import integrity_checks
from casework.audit.trail import CASE_SUBJECT, TrailQuery, trail_describe, trail_search
from casework.cases.models import Case
from casework.cases.selectors import state_label
from casework.hardship.exports import sheet_row
from casework.ledger import chain
from casework.ledger.models import LedgerEntry
from casework.ledger.services import SYSTEM_ACTOR
from casework.ledger.verify import DOCUMENTS_PURGED, evidence_files_check, evidence_named, ledger_verify
from casework.web.pdf import pdf_render
from permissions.access import require

FORMAT = "casework.evidence-pack/1"
STYLE = Path(__file__).with_name("pack.css")


def _pack_entry(entry: LedgerEntry) -> dict[str, Any]:
    return {**chain.hashed_form(entry), "reason": entry.reason, "prev_hash": entry.prev_hash, "hash": entry.hash}


def _pack(*, entries: Iterable[LedgerEntry], made_by: str, case: Case | None, params: dict[str, str]) -> dict[str, Any]:
    """The pack of ``entries`` with the chain's state when it was made: its
    head, and the latest integrity check kept (a pack does not walk the
    whole chain again; ``pack_check`` does, later)."""
    entries = list(entries)
    leaf = case.coerced if case is not None else None
    head = LedgerEntry.objects.order_by("-seq").values_list("seq", "hash").first() or (0, chain.GENESIS_HASH)
    last = integrity_checks().first()
    return {
        "format": FORMAT,
        "made_at": chain.timestamp(timezone.now()),
        "made_by": made_by,
        "case": {
            "id": leaf.pk,
            "number": leaf.number,
            "type": leaf.case_type,
            "state": leaf.state,
            "state_label": state_label(leaf),
            "unit": leaf.unit.name,
            "unit_code": leaf.unit.code,
        }
        if leaf is not None
        else None,
        "query": params,
        "chain": {
            "head_seq": head[0],
            "head": head[1],
            "last_check": {
                "at": chain.timestamp(last.finished_at),
                "ok": last.ok,
                "entries": last.entries,
                "first_bad": last.first_bad,
                "problem": last.problem,
            }
            if last is not None
            else None,
        },
        "entries": [_pack_entry(entry) for entry in entries],
        "documents": _documents(entries),
    }


def _documents(entries: Iterable[Any]) -> list[dict[str, Any]]:
    """Each file the entries cite, once, with the first entry citing it."""
    found: dict[int, dict[str, Any]] = {}
    for entry in entries:
        for item in entry.evidence:
            if isinstance(item, dict) and isinstance(item.get("document"), int):
                found.setdefault(item["document"], {**item, "seq": entry.seq})
    return [found[pk] for pk in sorted(found)]


def evidence_pack(*, user: User, query: TrailQuery) -> dict[str, Any]:
    """The pack of the entries ``query`` finds in ``user``'s scope (a case's
    whole trail when ``query.case`` is given)."""
    if query.case is not None:
        require(user, "ledger.view", query.case)
    entries = trail_search(user, query)
    return _pack(entries=entries, made_by=user.get_username(), case=query.case, params=query.params)


def evidence_pack_of_case(case: Case) -> dict[str, Any]:
    """Every entry about ``case``, made by the system (``export_evidence``)."""
    entries = LedgerEntry.objects.filter(subject_type=CASE_SUBJECT, subject_id=str(case.pk)).order_by("seq")
    return _pack(entries=entries, made_by=SYSTEM_ACTOR, case=case, params={"case": str(case.pk)})


def pack_json(pack: dict[str, Any]) -> bytes:
    return json.dumps(pack, ensure_ascii=False, indent=1, sort_keys=True).encode()


def _local(stamp: str) -> datetime | None:
    moment = parse_datetime(stamp)
    return timezone.localtime(moment) if moment is not None else None


def _rows(pack: dict[str, Any]) -> list[dict[str, Any]]:
    """The pack's entries in words, as the PDF and the sheet show them."""
    described = trail_describe([SimpleNamespace(**e) for e in pack["entries"]])
    for row, raw in zip(described, pack["entries"], strict=True):
        row["recorded_at"] = _local(raw["recorded_at"])
    return described


def pack_pdf(pack: dict[str, Any]) -> bytes:
    """Cover, timeline, decisions with reasons, the evidence list, and the
    verification appendix (each entry's hash and the chain head)."""
    return pdf_render(
        "audit/pack.html",
        {
            "pack": pack,
            "rows": _rows(pack),
            "made_at": _local(pack["made_at"]),
            "last_check_at": _local(pack["chain"]["last_check"]["at"]) if pack["chain"]["last_check"] else None,
        },
        STYLE,
    )


def pack_workbook(pack: dict[str, Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("决定轨迹")
    case = pack["case"]
    title = f"{case['number']} · {case['state_label']} · {case['unit']}" if case else _("轨迹查询")
    sheet_row(sheet, [_("证据包"), title], bold=True)
    heading = [_("序号"), _("时间"), _("操作人"), _("角色"), _("单位"), _("操作"), _("原状态"), _("新状态")]
    sheet_row(sheet, [*heading, _("理由"), _("证据文件"), _("哈希")], bold=True)
    for row in _rows(pack):
        files = "; ".join(f"{item.get('name')} {item.get('sha256')}" for item in row["evidence"])
        when = row["recorded_at"].strftime("%Y-%m-%d %H:%M:%S") if row["recorded_at"] else ""
        sheet_row(
            sheet,
            [
                *(str(row["seq"]), when, row["actor"], row["role_label"], row["unit"], row["action_label"]),
                *(row["from_label"], row["to_label"], row["reason"], files, row["hash"]),
            ],
        )
    files_sheet = book.create_sheet(_("证据文件"))
    sheet_row(files_sheet, [_("文件编号"), _("文件名"), _("类型"), _("大小（字节）"), "SHA-256", _("序号")], bold=True)
    for item in pack["documents"]:
        sheet_row(
            files_sheet,
            [
                *(str(item.get("document")), item.get("name", ""), item.get("kind", ""), str(item.get("size", ""))),
                *(item.get("sha256", ""), str(item.get("seq", ""))),
            ],
        )
    chain_sheet = book.create_sheet(_("核验"))
    for key in ("head_seq", "head"):
        sheet_row(chain_sheet, [key, str(pack["chain"][key])])
    for key, value in (pack["chain"]["last_check"] or {}).items():
        sheet_row(chain_sheet, [f"last_check.{key}", str(value)])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class PackCheck:
    """The offline check's answer: ``ok`` when every entry of the pack is
    still the one in the chain, the chain verifies, and the pack's files
    still have their hashes. ``problems``: ``[{"seq", "problem"}]``."""

    ok: bool
    entries: int
    problems: list[dict[str, Any]] = field(default_factory=list)
    chain: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def pack_check(pack: dict[str, Any]) -> PackCheck:
    """Check a pack (the parsed JSON) against the ledger:
    ``pack_altered`` — the pack's own entry does not hash to its hash;
    ``missing`` — the ledger has no entry with that number any more;
    ``changed`` — the ledger's entry differs from the pack's, or no longer
    hashes to its own hash; ``reason_changed`` — the ledger's reason (unless
    purged) differs; ``inserted`` — the ledger holds an entry about the
    pack's case, up to the pack's head, that the pack does not;
    ``head_lost`` — the chain no longer holds the head the pack recorded;
    ``evidence_missing`` / ``evidence_changed`` — a file of the pack; and
    the whole chain is verified (``chain``)."""
    if pack.get("format") != FORMAT:
        raise ValueError(f"not an evidence pack of this format ({FORMAT})")
    problems: list[dict[str, Any]] = []
    wanted = {int(e["seq"]): e for e in pack["entries"]}
    stored = {e.seq: e for e in LedgerEntry.objects.filter(seq__in=wanted)}
    for seq, item in sorted(wanted.items()):
        form = {key: item[key] for key in chain.HASHED_FIELDS}
        if chain.hash_of(item["prev_hash"], form) != item["hash"]:
            problems.append({"seq": seq, "problem": "pack_altered"})
        elif seq not in stored:
            problems.append({"seq": seq, "problem": "missing"})
        elif stored[seq].hash != item["hash"] or chain.entry_hash(stored[seq]) != stored[seq].hash:
            problems.append({"seq": seq, "problem": "changed"})
        elif stored[seq].personal_salt and stored[seq].reason != item["reason"]:
            problems.append({"seq": seq, "problem": "reason_changed"})
    head_seq, head = pack["chain"].get("head_seq"), pack["chain"].get("head")
    if head_seq:
        if LedgerEntry.objects.filter(seq=head_seq).values_list("hash", flat=True).first() != head:
            problems.append({"seq": head_seq, "problem": "head_lost"})
        if pack.get("case"):
            about_case = LedgerEntry.objects.filter(subject_type=CASE_SUBJECT, subject_id=str(pack["case"]["id"]))
            extra = about_case.filter(seq__lte=head_seq).exclude(seq__in=wanted).values_list("seq", flat=True)
            problems += [{"seq": seq, "problem": "inserted"} for seq in extra]
    # The files are those the entries cite (their hashes are covered by the
    # entries' hashes), not the pack's list, which no hash covers.
    cited = [SimpleNamespace(**e) for e in pack["entries"]]
    if pack.get("documents") != _documents(cited):
        problems.append({"seq": 0, "problem": "pack_altered"})
    named: dict[int, tuple[str, int]] = {}
    for entry in cited:
        for document, sha256 in evidence_named(entry):
            named.setdefault(document, (sha256, entry.seq))
    for listed in LedgerEntry.objects.filter(payload__has_key=DOCUMENTS_PURGED).values_list("payload", flat=True):
        for document in listed.get(DOCUMENTS_PURGED, []):
            named.pop(document, None)  # deleted by a retention purge, on purpose
    for bad in evidence_files_check(named):
        problems.append({"seq": bad["seq"], "problem": f"evidence_{bad['problem']}", "document": bad["document"]})
    verified = ledger_verify(files=False)
    problems.sort(key=lambda p: (p["seq"], p["problem"]))
    return PackCheck(
        ok=not problems and verified.ok,
        entries=len(wanted),
        problems=problems,
        chain=verified.as_dict(),
    )
