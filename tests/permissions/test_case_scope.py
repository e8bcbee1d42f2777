"""Cases and viewflow tasks are scoped like everything else, grants included,
and follow their unit when it moves."""

from __future__ import annotations

import pytest
from viewflow.workflow.models import Process, Task

from casework.cases.models import Case
from casework.org.services import unit_move
from permissions.access import can, scope
from permissions.services import object_access_grant
from tests.hardship.test_flow import submit


def visible(user, model):
    return set(scope(user, model.objects.all()).values_list("pk", flat=True))


def test_cases_and_tasks_of_a_street_stay_in_that_street(world, staff, user_with):
    case = submit(world, staff)
    task_ids = set(Task.objects.filter(process_id=case.pk).values_list("pk", flat=True))
    mine = user_with("street_caseworker", world.units["S1"])
    neighbour = user_with("street_caseworker", world.units["S2"])
    other_district = user_with("district_approver", world.units["D2"])
    assert visible(mine, Case) == {case.pk} and visible(mine, Task) == task_ids
    for outsider in (neighbour, other_district):
        assert visible(outsider, Case) == set() and visible(outsider, Task) == set()
        assert not can(outsider, "case.view", case)
    # The subclass answers the same as the base.
    assert scope(mine, type(case).objects.all()).count() == 1


def test_a_lawyer_sees_the_case_and_its_tasks_once_granted(world, staff, user_with):
    case = submit(world, staff)
    lawyer = user_with("lawyer", world.units["D1"])
    officer = user_with("legal_officer", world.units["D1"])
    assert visible(lawyer, Case) == set() and visible(lawyer, Task) == set()
    object_access_grant(user=lawyer, obj=case, level="work", reason="指派", by=officer)
    assert visible(lawyer, Case) == {case.pk}
    assert visible(lawyer, Task) == set(Task.objects.filter(process_id=case.pk).values_list("pk", flat=True))
    assert can(lawyer, "case.work", case) and not can(lawyer, "case.decide", case)


def test_cases_follow_their_unit_when_it_moves(world, staff, user_with):
    case = submit(world, staff)
    admin = user_with("administrator", world.units["D1"])
    unit_move(unit=world.units["E1"], new_parent=world.units["S2"], reason="企业迁址", by=admin)
    case.refresh_from_db()
    assert case.unit_path == world.units["E1"].path and case.unit_path.startswith(world.units["S2"].path)
    assert visible(user_with("street_caseworker", world.units["S2"]), Case) == {case.pk}
    assert visible(user_with("street_caseworker", world.units["S1"]), Case) == set()


def test_a_model_not_placed_in_the_tree_cannot_be_scoped_by_accident(world, user_with):
    # viewflow's bare Process is not a target: asking raises instead of returning everything.
    with pytest.raises(LookupError):
        scope(user_with("auditor", world.units["D1"]), Process.objects.all())


def test_viewflow_stock_lists_are_not_served():
    """viewflow's own inbox, queue and process lists filter by flow
    permissions, not by object: they are not mounted; the case inbox and
    pages of casework.cases, scoped, take their place."""
    from django.urls import get_resolver

    def callbacks(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from callbacks(pattern.url_patterns)
            else:
                view = pattern.callback
                yield getattr(view, "view_class", view)

    served = [v for v in callbacks(get_resolver().url_patterns) if v.__module__.startswith("viewflow.")]
    assert served == []
