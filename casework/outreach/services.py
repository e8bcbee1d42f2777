"""Writes of the outreach register: record, correct, withdraw, attach photos.

Each is one transaction with exactly one ledger entry; a broken rule raises
``RuleViolation`` (or ``NotAllowed``) and changes nothing, on disk either.
Photos go through the case documents' checks (``document_check``: first
bytes, extension, size, SHA-256), narrowed to JPEG and PNG.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.accounts.models import User
from casework.cases import data as d
from casework.cases.documents import (
    FILE_TYPES,
    Attachment,
    CheckedFile,
    DocumentKind,
    atomic_with_files,
    document_check,
    document_file_save,
)
from casework.errors import NotAllowed, RuleViolation
from casework.ledger.services import ledger_append
from casework.org.models import Unit
from casework.outreach.models import MAX_AUDIENCE, PHOTO_DIRECTORY, OutreachEvent, OutreachForm, OutreachPhoto
from permissions.access import REFUSALS, acting_as, explain, permitted_anywhere

PHOTO_TYPES = tuple(t for t in FILE_TYPES if t.content_type in ("image/jpeg", "image/png"))
MAX_PHOTOS = 20
# The fields an event is entered with and may be corrected in; notes may name people (personal).
FIELDS = ("unit", "held_on", "place", "topic", "form", "audience", "partner", "notes")
LABELS = {
    "unit": _l("主办单位"),
    "held_on": _l("活动日期"),
    "place": _l("活动地点"),
    "topic": _l("宣传主题"),
    "form": _l("活动形式"),
    "audience": _l("受众人数"),
    "partner": _l("合作单位"),
    "notes": _l("备注"),
}


def may_record_at(user: Any, unit: Unit) -> bool:
    return explain(user, "outreach.record", unit).allowed


def records_anywhere(user: Any) -> bool:
    """Whether any current role of ``user`` records outreach events (the
    API asks this before it reads a new event's input)."""
    return permitted_anywhere(user, "outreach.record")


def _organiser(by: User, unit: Unit | None) -> dict[str, Any]:
    """The ``by``/``role``/``unit`` of the entry. A user none of whose roles
    records is refused (403); one who records elsewhere is told the unit is not theirs."""
    if not records_anywhere(by):
        raise NotAllowed(str(REFUSALS["access.no_role"]), code="access.no_role")
    if unit is None or not may_record_at(by, unit):
        raise RuleViolation(
            _("主办单位：只能是您可以登记普法活动的单位。"), code="outreach.unit_not_yours", field="unit"
        )
    return acting_as(by, "outreach.record", unit)


def _values(data: Mapping[str, Any], today: date) -> dict[str, Any]:
    """The entered fields, each checked; ``unit`` is left to the caller."""
    data = {name: data.get(name) for name in FIELDS}  # a QueryDict's one value, not its list
    values: dict[str, Any] = {
        "held_on": d.day(data, "held_on", LABELS["held_on"], not_after=today),
        "place": d.text(data, "place", LABELS["place"], max_length=200),
        "topic": d.text(data, "topic", LABELS["topic"], max_length=200),
        "form": d.choice(data, "form", LABELS["form"], dict(OutreachForm.choices)),
        "audience": d.whole(data, "audience", LABELS["audience"], minimum=1),
        "partner": d.text(data, "partner", LABELS["partner"], required=False, max_length=100),
        "notes": d.text(data, "notes", LABELS["notes"], required=False, max_length=2000),
    }
    if values["audience"] > MAX_AUDIENCE:
        raise RuleViolation(
            _("%(label)s：不能大于%(n)d。") % {"label": LABELS["audience"], "n": MAX_AUDIENCE},
            code="outreach.audience_too_large",
            field="audience",
        )
    return values


def photos_check(photos: Sequence[File], *, already: int = 0) -> list[CheckedFile]:
    """Check every photo (JPEG or PNG by content, within the upload limit);
    at most ``MAX_PHOTOS`` per event. Writes nothing."""
    photos = [p for p in photos if p is not None]
    if already + len(photos) > MAX_PHOTOS:
        raise RuleViolation(
            _("照片：每次活动最多%(n)d张。") % {"n": MAX_PHOTOS}, code="outreach.too_many_photos", field="photos"
        )
    return [document_check(Attachment(p, DocumentKind.OTHER), field="photos", types=PHOTO_TYPES) for p in photos]


def _store(event: OutreachEvent, checked: Sequence[CheckedFile], by: User) -> list[OutreachPhoto]:
    return [
        OutreachPhoto.objects.create(
            event=event,
            original_name=item.name,
            file=document_file_save(item, directory=PHOTO_DIRECTORY),
            size=item.size,
            content_type=item.file_type.content_type,
            sha256=item.sha256,
            uploaded_by=by,
        )
        for item in checked
    ]


def _evidence(photos: Sequence[OutreachPhoto]) -> list[dict[str, Any]]:
    return [{"name": p.stored_name, "sha256": p.sha256, "photo": p.pk, "size": p.size} for p in photos]


def _link(photos: Sequence[OutreachPhoto], entry: Any) -> None:
    if photos:
        OutreachPhoto.objects.filter(pk__in=[p.pk for p in photos]).update(ledger_entry=entry)
        for photo in photos:
            photo.ledger_entry = entry


def _public(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.pk if isinstance(v, Unit) else v) for k, v in values.items() if k != "notes"}


def _personal(photos: Sequence[OutreachPhoto], **notes: str) -> dict[str, Any]:
    personal: dict[str, Any] = {k: v for k, v in notes.items() if v}
    if photos:
        personal["photo_names"] = {str(p.pk): p.original_name for p in photos}
    return personal


def outreach_event_record(
    *,
    unit: Unit | None,
    data: Mapping[str, Any],
    by: User,
    photos: Sequence[File] = (),
    today: date | None = None,
) -> OutreachEvent:
    """Record one outreach event organised by ``unit`` (a unit where ``by``
    may record), with its photos: ``data`` holds held_on (not in the
    future), place, topic, form, audience (1 to 100000), partner, notes."""
    today = today or timezone.localdate()
    acting = _organiser(by, unit)
    assert unit is not None  # _organiser refuses none
    values = _values(data, today)
    checked = photos_check(photos)
    with atomic_with_files():
        event = OutreachEvent.objects.create(unit=unit, recorded_by=by, **values)
        stored = _store(event, checked, by)
        entry = ledger_append(
            action="outreach.recorded",
            subject=event,
            subject_unit=unit,
            payload={**_public({"unit": unit, **values}), "photos": len(stored)},
            personal=_personal(stored, notes=values["notes"]),
            evidence=_evidence(stored),
            **acting,
        )
        _link(stored, entry)
    return event


def _lock(event: OutreachEvent) -> OutreachEvent:
    fresh = OutreachEvent.objects.select_for_update().select_related("unit").get(pk=event.pk)
    if fresh.withdrawn:
        raise RuleViolation(_("活动：该活动已撤回，不能再修改。"), code="outreach.withdrawn", field="event")
    return fresh


def outreach_event_correct(
    *,
    event: OutreachEvent,
    data: Mapping[str, Any],
    reason: str,
    by: User,
    unit: Unit | None = None,
    photos: Sequence[File] = (),
    today: date | None = None,
) -> OutreachEvent:
    """Correct a recorded event (every field as entered, ``unit`` to move it
    to another organiser) and add photos: one ledger entry with the changed
    fields before and after. A correction needs a reason; adding photos alone does not."""
    today = today or timezone.localdate()
    with atomic_with_files():
        fresh = _lock(event)
        acting = acting_as(by, "outreach.record", fresh)
        if unit is not None and unit.pk != fresh.unit_id:
            acting = _organiser(by, unit)
        values = {"unit": unit or fresh.unit, **_values(data, today)}
        before = {name: getattr(fresh, name) for name in FIELDS}
        changed = [name for name in FIELDS if values[name] != before[name]]
        checked = photos_check(photos, already=fresh.photos.count())
        if not changed and not checked:
            raise RuleViolation(_("更正：没有任何改动。"), code="outreach.nothing_changed", field="event")
        reason = reason.strip()
        if changed and not reason:
            raise RuleViolation(_("更正原因：更正已登记的活动时必须说明原因。"), code="reason_required", field="reason")
        if len(reason) > 500:
            raise RuleViolation(
                _("%(label)s：不能超过%(n)d个字。") % {"label": _("更正原因"), "n": 500},
                code="field_too_long",
                field="reason",
            )
        for name in changed:
            setattr(fresh, name, values[name])
        fresh.updated_at = timezone.now()
        fresh.save(update_fields=[*changed, "updated_at"])
        stored = _store(fresh, checked, by)
        old = _public({k: before[k] for k in changed})
        new = _public({k: values[k] for k in changed})
        entry = ledger_append(
            action="outreach.corrected" if changed else "outreach.photos_attached",
            subject=fresh,
            subject_unit=fresh.unit,
            reason=reason,
            payload={"before": old, "after": new, "photos": len(stored)},
            personal=_personal(
                stored,
                notes_before=before["notes"] if "notes" in changed else "",
                notes_after=values["notes"] if "notes" in changed else "",
            ),
            evidence=_evidence(stored),
            **acting,
        )
        _link(stored, entry)
    return fresh


def outreach_photos_attach(*, event: OutreachEvent, photos: Sequence[File], by: User) -> list[OutreachPhoto]:
    """Add photos to a recorded event: one entry listing them with their hashes."""
    if not [p for p in photos if p is not None]:
        raise RuleViolation(_("照片：请选择要上传的照片。"), code="field_required", field="photos")
    with atomic_with_files():
        fresh = _lock(event)
        acting = acting_as(by, "outreach.record", fresh)
        checked = photos_check(photos, already=fresh.photos.count())
        stored = _store(fresh, checked, by)
        entry = ledger_append(
            action="outreach.photos_attached",
            subject=fresh,
            subject_unit=fresh.unit,
            payload={"photos": len(stored)},
            personal=_personal(stored),
            evidence=_evidence(stored),
            **acting,
        )
        _link(stored, entry)
    return stored


def outreach_event_withdraw(*, event: OutreachEvent, reason: str, by: User) -> OutreachEvent:
    """Withdraw an event recorded in error: it stays, marked, and leaves the totals."""
    with atomic_with_files():
        fresh = _lock(event)
        acting = acting_as(by, "outreach.record", fresh)
        reason = d.text({"reason": reason}, "reason", _l("撤回理由"), max_length=500)
        fresh.withdrawn_at, fresh.withdrawn_by, fresh.withdrawn_reason = timezone.now(), by, reason
        fresh.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
        ledger_append(
            action="outreach.withdrawn",
            subject=fresh,
            subject_unit=fresh.unit,
            from_state="recorded",
            to_state="withdrawn",
            reason=reason,
            payload={"held_on": fresh.held_on, "audience": fresh.audience},
            **acting,
        )
    return fresh
