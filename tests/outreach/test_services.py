"""Recording, correcting, withdrawing and photos: each one ledger entry; every
broken rule changes nothing (events, photos, trail, files)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.errors import NotAllowed, RuleViolation
from casework.ledger.models import LedgerEntry
from casework.ledger.services import subject_of
from casework.outreach.models import OutreachEvent, OutreachPhoto
from casework.outreach.services import (
    outreach_event_correct,
    outreach_event_record,
    outreach_event_withdraw,
    outreach_photos_attach,
)
from tests.cases.conftest import EXE, JPEG, PDF, PNG, files_under, upload
from tests.outreach.conftest import entry, state


def trail(event):
    kind, key = subject_of(event)
    return list(LedgerEntry.objects.filter(subject_type=kind, subject_id=key).order_by("seq"))


def test_recording_writes_the_event_its_photos_and_one_entry(world, people, media):
    event = outreach_event_record(
        unit=world.units["S1"],
        data=entry(notes="张三主讲"),
        photos=[upload("现场.jpg", JPEG), upload("签到.png", PNG)],
        by=people["street"],
    )
    assert (event.unit, event.audience, event.form, event.recorded_by) == (
        world.units["S1"],
        40,
        "lecture",
        people["street"],
    )
    [recorded] = trail(event)
    assert recorded.action == "outreach.recorded"
    assert recorded.actor_role == "street_caseworker" and recorded.actor_unit == world.units["S1"]
    assert recorded.payload["topic"] == "劳动合同法解读" and "notes" not in recorded.payload
    assert recorded.personal["notes"] == "张三主讲"
    photos = list(event.photos.order_by("pk"))
    assert [p.content_type for p in photos] == ["image/jpeg", "image/png"]
    assert [e["sha256"] for e in recorded.evidence] == [p.sha256 for p in photos]
    assert all(p.ledger_entry_id == recorded.pk for p in photos)
    assert len(files_under(media / "outreach")) == 2


@pytest.mark.parametrize(
    ("overrides", "code", "field", "message"),
    [
        ({"held_on": "tomorrow"}, "field_date_future", "held_on", "活动日期：不能晚于"),
        ({"held_on": "2026-13-01"}, "field_date_invalid", "held_on", "活动日期：日期格式"),
        ({"audience": 0}, "field_too_small", "audience", "受众人数：不能小于1"),
        ({"audience": 100001}, "outreach.audience_too_large", "audience", "受众人数：不能大于100000"),
        ({"audience": "很多"}, "field_not_whole", "audience", "受众人数：必须是整数"),
        ({"topic": "  "}, "field_required", "topic", "宣传主题：必填"),
        ({"place": ""}, "field_required", "place", "活动地点：必填"),
        ({"form": "party"}, "field_choice_invalid", "form", "活动形式：只能是"),
        ({"topic": "长" * 201}, "field_too_long", "topic", "宣传主题：不能超过200个字"),
    ],
)
def test_a_broken_rule_changes_nothing(world, people, media, overrides, code, field, message):
    if overrides.get("held_on") == "tomorrow":  # at run time: collection may be the day before
        overrides = {**overrides, "held_on": (timezone.localdate() + timedelta(days=1)).isoformat()}
    before = state()
    with pytest.raises(RuleViolation) as caught:
        outreach_event_record(
            unit=world.units["S1"], data=entry(**overrides), photos=[upload("a.jpg", JPEG)], by=people["street"]
        )
    assert (caught.value.code, caught.value.field) == (code, field)
    assert str(caught.value.message).startswith(message)
    assert state() == before
    assert files_under(media) == []


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("setup.jpg", EXE, "document.type_not_allowed"),
        ("report.pdf", PDF, "document.type_not_allowed"),  # a document, not a photo
        ("photo.png", JPEG, "document.extension_mismatch"),
        ("empty.jpg", b"", "document.empty"),
    ],
)
def test_only_jpeg_and_png_photos_are_taken(world, people, media, name, content, code):
    before = state()
    with pytest.raises(RuleViolation) as caught:
        outreach_event_record(
            unit=world.units["S1"],
            data=entry(),
            photos=[upload("ok.png", PNG), upload(name, content)],
            by=people["street"],
        )
    assert (caught.value.code, caught.value.field) == (code, "photos")
    if code == "document.type_not_allowed":
        assert "附件：只接受JPG、PNG文件" in str(caught.value.message)
    assert state() == before
    assert files_under(media) == []


def test_a_photo_over_the_limit_is_refused(world, people, media, settings):
    settings.CASEWORK_UPLOAD_MAX_BYTES = 30
    before = state()
    with pytest.raises(RuleViolation, match="不能超过30B"):
        outreach_event_record(
            unit=world.units["S1"], data=entry(), photos=[upload("big.jpg", JPEG + b"0" * 40)], by=people["street"]
        )
    assert state() == before and files_under(media) == []


@pytest.mark.parametrize(
    ("who", "unit", "error", "code"),
    [
        ("neighbour", "E1", RuleViolation, "outreach.unit_not_yours"),  # another street's enterprise
        ("chair", "S1", RuleViolation, "outreach.unit_not_yours"),  # a chair records for their own union only
        ("street", "D1", RuleViolation, "outreach.unit_not_yours"),  # above the street
        ("auditor", "D1", NotAllowed, "access.no_role"),
        ("approver", "S1", NotAllowed, "access.no_role"),
    ],
)
def test_the_organiser_must_be_a_unit_the_recorder_records_for(world, people, who, unit, error, code):
    before = state()
    with pytest.raises(error) as caught:
        outreach_event_record(unit=world.units[unit], data=entry(), by=people[who])
    assert caught.value.code == code
    if error is RuleViolation:
        assert caught.value.field == "unit" and str(caught.value.message).startswith("主办单位：")
    assert state() == before


def test_a_correction_keeps_before_and_after_in_the_trail(world, people, event, media):
    outreach_event_correct(
        event=event,
        data=entry(audience=55, notes="补录签到表"),
        reason="签到表补录",
        photos=[upload("补拍.png", PNG)],
        by=people["legal"],
    )
    event.refresh_from_db()
    assert event.audience == 55
    recorded, corrected = trail(event)
    assert recorded.payload["audience"] == 40  # the first entry is untouched
    assert corrected.action == "outreach.corrected" and corrected.reason == "签到表补录"
    assert corrected.payload["before"] == {"audience": 40} and corrected.payload["after"] == {"audience": 55}
    assert corrected.personal == {"notes_after": "补录签到表", "photo_names": {str(event.photos.get().pk): "补拍.png"}}
    assert corrected.actor_role == "legal_officer"
    assert [e["sha256"] for e in corrected.evidence] == [event.photos.get().sha256]


def test_moving_an_event_to_another_organiser_needs_that_unit_in_reach(world, people, event):
    before = state()
    with pytest.raises(RuleViolation, match="主办单位"):
        outreach_event_correct(event=event, unit=world.units["S2"], data=entry(), reason="改主办", by=people["street"])
    assert state() == before
    outreach_event_correct(
        event=event, unit=world.units["S1"], data=entry(), reason="实为街道主办", by=people["street"]
    )
    assert trail(event)[-1].payload == {
        "before": {"unit": world.units["E1"].pk},
        "after": {"unit": world.units["S1"].pk},
        "photos": 0,
    }


@pytest.mark.parametrize(
    ("data", "reason", "code"),
    [
        ({}, "无", "outreach.nothing_changed"),
        ({"audience": 41}, " ", "reason_required"),
        ({"audience": -1}, "x", "field_too_small"),
    ],
)
def test_a_refused_correction_changes_nothing(people, event, data, reason, code):
    before = state()
    with pytest.raises(RuleViolation) as caught:
        # The entry's dates are taken now, not when the tests were collected (midnight may pass between).
        outreach_event_correct(event=event, data=entry(**data), reason=reason, by=people["street"])
    assert caught.value.code == code
    assert state() == before


def test_photos_alone_need_no_reason(people, event, media):
    [photo] = outreach_photos_attach(event=event, photos=[upload("a.jpg", JPEG)], by=people["chair"])
    assert trail(event)[-1].action == "outreach.photos_attached"
    assert OutreachPhoto.objects.get().ledger_entry == trail(event)[-1] == photo.ledger_entry


def test_withdrawal_keeps_the_event_marked_and_ends_changes(people, event):
    with pytest.raises(RuleViolation, match="撤回理由：必填"):
        outreach_event_withdraw(event=event, reason=" ", by=people["street"])
    outreach_event_withdraw(event=event, reason="重复登记", by=people["street"])
    event.refresh_from_db()
    assert event.withdrawn and event.withdrawn_reason == "重复登记" and event.withdrawn_by == people["street"]
    assert [e.action for e in trail(event)] == ["outreach.recorded", "outreach.withdrawn"]
    assert OutreachEvent.objects.count() == 1  # never deleted
    before = state()
    for attempt in (
        lambda: outreach_event_withdraw(event=event, reason="再撤", by=people["street"]),
        lambda: outreach_event_correct(event=event, data=entry(audience=9), reason="x", by=people["street"]),
        lambda: outreach_photos_attach(event=event, photos=[upload("a.jpg", JPEG)], by=people["street"]),
    ):
        with pytest.raises(RuleViolation) as caught:
            attempt()
        assert caught.value.code == "outreach.withdrawn"
    assert state() == before


def test_others_may_not_change_an_event(people, event):
    before = state()
    for who in ("neighbour", "auditor", "approver"):
        with pytest.raises(NotAllowed):
            outreach_event_withdraw(event=event, reason="x", by=people[who])
        with pytest.raises(NotAllowed):
            outreach_event_correct(event=event, data=entry(audience=9), reason="x", by=people[who])
    assert state() == before
