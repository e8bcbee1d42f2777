"""Every rule of legal aid refused with its field, and a refusal changes
nothing: the case, its lawyer and grants, the trail, the outbox."""

from __future__ import annotations

import pytest

from casework.errors import NotAllowed, RuleViolation
from casework.legalaid.models import LegalAidCase
from casework.legalaid.uscc import uscc_check_character, uscc_valid
from permissions.services import conflict_declare
from tests.legalaid.conftest import EMPLOYER_CODE, apply, fresh, state_of, step, to_assignment, to_in_progress


def refused(case, code, field, call, error=RuleViolation):
    before = state_of(case)
    with pytest.raises(error) as raised:
        call()
    if code is not None:
        assert (raised.value.code, raised.value.field) == (code, field), raised.value
    assert state_of(case) == before
    return raised.value


def test_the_unified_social_credit_code_check_character():
    assert uscc_valid(EMPLOYER_CODE)
    assert uscc_check_character(EMPLOYER_CODE[:17]) == EMPLOYER_CODE[17]
    assert not uscc_valid(EMPLOYER_CODE[:17] + "0")  # wrong check character
    assert not uscc_valid("91350100M000100Y4")  # 17 characters
    assert not uscc_valid("91350100I000100Y43")  # I is not in the alphabet


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"opposing_code": "91350100M000100Y40"}, "uscc_invalid", "opposing_code"),
        ({"opposing_party": ""}, "field_required", "opposing_party"),
        ({"channel": "oral"}, "field_required", "oral_recorder"),
        ({"dispute": "divorce"}, "field_choice_invalid", "dispute"),
        ({"basis": "hardship_record"}, "legalaid.no_hardship_record", "basis"),
        ({"basis": "migrant_exempt"}, "legalaid.not_exempt", "basis"),
        ({"basis": "means"}, "field_required", "per_capita_income"),
        ({"basis": "means", "per_capita_income": "2000.01"}, "legalaid.above_standard", "per_capita_income"),
    ],
)
def test_an_application_that_breaks_a_rule_is_refused_and_nothing_is_written(world, legal, overrides, code, field):
    count = LegalAidCase.objects.count()
    with pytest.raises(RuleViolation) as error:
        apply(world, legal, **overrides)
    assert (error.value.code, error.value.field) == (code, field)
    assert LegalAidCase.objects.count() == count


def test_the_means_test_is_the_districts_standard(world, legal):
    # 1000 × 2 in tests/world.py: 2000.00 is within it.
    case = apply(world, legal, basis="means", per_capita_income="2000")
    assert case.state == "applied" and case.number.startswith("援")


def test_a_refusal_needs_its_written_reasons(world, legal):
    case = apply(world, legal)
    step(case, "accept", legal["officer"])
    refused(case, "reason_required", "reason", lambda: step(case, "refuse", legal["approver"]))
    step(case, "refuse", legal["approver"], reason="不属于劳动争议，建议向人民法院起诉。")
    assert fresh(case).refusal_reasons == "不属于劳动争议，建议向人民法院起诉。"


def test_whoever_checked_the_application_does_not_decide_it(world, legal):
    case = apply(world, legal)
    step(case, "accept", legal["officer"])
    refused(case, None, None, lambda: step(case, "approve", legal["officer"]), error=NotAllowed)
    step(case, "approve", legal["officer2"])
    assert fresh(case).state == "assignment"


def test_a_lawyer_who_acts_for_the_employer_is_not_assigned(world, legal):
    conflict_declare(
        by=legal["lawyer"], organisation_code=EMPLOYER_CODE, organisation_name="某某精密机械", reason="常年法律顾问"
    )
    case = to_assignment(world, legal)
    error = refused(
        case,
        "legalaid.lawyer_conflict",
        "lawyer",
        lambda: step(case, "assign", legal["officer"], lawyer=legal["lawyer"].pk),
    )
    assert "回避" in error.message
    refused(
        case,
        "legalaid.not_a_lawyer",
        "lawyer",
        lambda: step(case, "assign", legal["officer"], lawyer=legal["officer2"].pk),
    )
    step(case, "assign", legal["officer"], lawyer=legal["lawyer2"].pk)
    assert fresh(case).lawyer == legal["lawyer2"]


def test_a_conflict_declaration_names_one_party_with_a_valid_code(legal, world):
    with pytest.raises(RuleViolation) as error:
        conflict_declare(by=legal["lawyer"], organisation_code="91350100M000100Y40", reason="顾问")
    assert error.value.field == "organisation_code"
    with pytest.raises(RuleViolation) as error:
        conflict_declare(by=legal["lawyer"], organisation_code=EMPLOYER_CODE, unit=world.units["E1"], reason="顾问")
    assert error.value.code == "conflict.target_required"


def test_a_closure_states_its_outcome_and_report(world, legal):
    case = to_in_progress(world, legal)
    refused(
        case,
        "field_required",
        "outcome",
        lambda: step(case, "submit_closure", legal["lawyer"], closure_report="已调解结案"),
    )
    refused(
        case,
        "legalaid.recovered_too_much",
        "amount_recovered",
        lambda: step(
            case,
            "submit_closure",
            legal["lawyer"],
            outcome="settled",
            amount_awarded="10000",
            amount_recovered="12000",
            closure_report="调解",
        ),
    )


def test_the_subsidy_is_never_approved_by_its_requester(world, legal, user_with):
    case = to_in_progress(world, legal)
    step(
        case,
        "submit_closure",
        legal["lawyer"],
        outcome="won",
        amount_awarded="18000",
        closure_report="仲裁支持全部请求",
    )
    # One person holding both roles requests the subsidy, then tries to approve it.
    both = legal["officer2"]
    from casework.org.models import Membership

    Membership.objects.create(user=both, unit=world.units["D1"], role="finance_officer")
    step(case, "accept_closure", both, subsidy_amount="1500")
    refused(case, None, None, lambda: step(case, "approve_subsidy", both), error=NotAllowed)
    step(case, "approve_subsidy", legal["finance"])
    assert fresh(case).state == "archived"


def test_an_urgent_case_starts_before_its_documents_and_is_reviewed_before_closure(world, legal):
    from datetime import timedelta

    from django.utils import timezone

    case = apply(world, legal)
    far = (timezone.localdate() + timedelta(days=30)).isoformat()
    refused(
        case,
        "legalaid.not_urgent",
        "urgent_deadline",
        lambda: step(case, "start_urgent", legal["officer"], urgency="deadline", urgent_deadline=far),
    )
    soon = (timezone.localdate() + timedelta(days=3)).isoformat()
    step(case, "start_urgent", legal["officer"], urgency="deadline", urgent_deadline=soon)
    step(case, "assign", legal["officer"], lawyer=legal["lawyer"].pk)
    refused(
        case,
        "legalaid.urgent_unreviewed",
        "action",
        lambda: step(case, "submit_closure", legal["lawyer"], outcome="won", closure_report="……"),
    )
    step(case, "confirm_urgent", legal["approver"])
    assert fresh(case).urgent_confirmed_on is not None
    step(case, "submit_closure", legal["lawyer"], outcome="won", closure_report="仲裁申请已按期提交并获支持")
    assert fresh(case).state == "closure_review"
