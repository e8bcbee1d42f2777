"""The rules of representatives, rounds, the draft and the workers'
congress (《集体合同规定》 19–24, 33–38), as checks that name the field
and the article. Each returns a ``RuleViolation`` or None and writes
nothing; the services and the transition table call them before any write.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from casework.bargaining.choices import SeatRole, Side
from casework.errors import RuleViolation

MIN_SEATS = 3  # 19
MAX_EXPERT_SHARE = (1, 3)  # 23: at most a third of a side


@dataclass(frozen=True)
class SeatIn:
    """One representative as submitted (before it is saved)."""

    name: str
    role: str
    outside_expert: bool = False
    id_number: str = ""
    person_id: int | None = None
    position: str = ""

    def identity(self) -> str:
        """Who the seat is, to find one person on both sides (24)."""
        if self.id_number:  # a registry person's seat carries their number too
            return f"id:{self.id_number}"
        return f"person:{self.person_id}" if self.person_id is not None else f"name:{self.name}"


def side_check(
    side: str,
    seats: Sequence[SeatIn],
    *,
    chair_person_ids: Iterable[int] = (),
    chief_delegated: bool = False,
) -> RuleViolation | None:
    """One side on its own: at least three (19), one chief, outside experts
    at most a third and never chief (23); the union's chief is its chair
    unless the chair delegated in writing (20)."""
    field = f"{side}_seats"
    label = Side(side).label
    if len(seats) < MIN_SEATS:
        return RuleViolation(
            _("%(side)s代表：每方至少%(min)d人（《集体合同规定》第19条），现有%(n)d人。")
            % {"side": label, "min": MIN_SEATS, "n": len(seats)},
            code="bargaining.too_few_seats",
            field=field,
        )
    identities = [s.identity() for s in seats]
    if len(set(identities)) != len(identities):
        return RuleViolation(
            _("%(side)s代表：同一人不能占两个席位。") % {"side": label}, code="bargaining.seat_twice", field=field
        )
    chiefs = [s for s in seats if s.role == SeatRole.CHIEF]
    if len(chiefs) != 1:
        return RuleViolation(
            _("%(side)s代表：须有且只有一名首席代表。") % {"side": label},
            code="bargaining.one_chief",
            field=field,
        )
    if chiefs[0].outside_expert:
        return RuleViolation(
            _("%(side)s代表：外聘代表不得担任首席代表（《集体合同规定》第23条）。") % {"side": label},
            code="bargaining.expert_chief",
            field=field,
        )
    experts = sum(s.outside_expert for s in seats)
    share_top, share_bottom = MAX_EXPERT_SHARE
    if experts * share_bottom > len(seats) * share_top:
        return RuleViolation(
            _("%(side)s代表：外聘代表不得超过本方代表的三分之一（《集体合同规定》第23条），现为%(e)d/%(n)d。")
            % {"side": label, "e": experts, "n": len(seats)},
            code="bargaining.too_many_experts",
            field=field,
        )
    if side == Side.UNION and not chief_delegated:
        chief = chiefs[0]
        if chief.person_id is None or chief.person_id not in set(chair_person_ids):
            return RuleViolation(
                _(
                    "职工方代表：首席代表由本单位工会主席担任；由他人担任须有工会主席的书面委托"
                    "（《集体合同规定》第20条），请上传委托书并勾选“主席书面委托”。"
                ),
                code="bargaining.union_chief_not_chair",
                field=field,
            )
    return None


def sides_check(union: Sequence[SeatIn], employer: Sequence[SeatIn]) -> RuleViolation | None:
    """Both sides together: equal numbers (19), nobody on both (24)."""
    if not union or not employer:
        missing = Side.UNION if not union else Side.EMPLOYER
        return RuleViolation(
            _("%(side)s代表：尚未确定。") % {"side": missing.label},
            code="bargaining.side_missing",
            field=f"{missing.value}_seats",
        )
    if len(union) != len(employer):
        return RuleViolation(
            _("企业方代表：双方代表人数应当对等（《集体合同规定》第19条），现为职工方%(u)d人、企业方%(e)d人。")
            % {"u": len(union), "e": len(employer)},
            code="bargaining.unequal_sides",
            field="employer_seats",
        )
    both = {s.identity() for s in union} & {s.identity() for s in employer}
    if both:
        names = "、".join(sorted(s.name for s in employer if s.identity() in both))
        return RuleViolation(
            _("企业方代表：%(names)s已是职工方代表，同一人不得同时担任双方代表（《集体合同规定》第24条）。")
            % {"names": names},
            code="bargaining.on_both_sides",
            field="employer_seats",
        )
    return None


@dataclass(frozen=True)
class Vote:
    total: int
    present: int
    yes: int
    no: int
    abstain: int

    @property
    def quorate(self) -> bool:
        """At least two thirds of all representatives present (36)."""
        return self.present * 3 >= self.total * 2

    @property
    def passed(self) -> bool:
        """More than half of ALL representatives voted yes (36)."""
        return self.quorate and self.yes * 2 > self.total


def vote_check(vote: Vote) -> RuleViolation | None:
    """Counts that can be true: present no more than the total, every
    present representative counted once."""
    if vote.total < 1:
        return RuleViolation(
            _("职工代表总数：至少为1。"), code="bargaining.vote_total_invalid", field="representatives_total"
        )
    if vote.present > vote.total:
        return RuleViolation(
            _("出席人数：不能多于职工代表总数。"), code="bargaining.vote_present_invalid", field="present"
        )
    if vote.yes + vote.no + vote.abstain != vote.present:
        return RuleViolation(
            _("赞成人数：赞成、反对、弃权之和（%(sum)d）应等于出席人数（%(present)d）。")
            % {"sum": vote.yes + vote.no + vote.abstain, "present": vote.present},
            code="bargaining.vote_counts_mismatch",
            field="yes",
        )
    if not vote.quorate:
        return RuleViolation(
            _("出席人数：须有三分之二以上职工代表出席（《集体合同规定》第36条），%(present)d/%(total)d不足，表决无效。")
            % {"present": vote.present, "total": vote.total},
            code="bargaining.no_quorum",
            field="present",
        )
    return None


def term_check(months: int) -> RuleViolation | None:
    if not 12 <= months <= 36:
        return RuleViolation(
            _("合同期限：为1至3年（12至36个月，《集体合同规定》第38条）。"),
            code="bargaining.term_invalid",
            field="term_months",
        )
    return None


def not_before(day: date, earlier: date | None, field: str, label: str, earlier_label: str) -> RuleViolation | None:
    if earlier is not None and day < earlier:
        return RuleViolation(
            _("%(label)s：不能早于%(earlier)s（%(date)s）。")
            % {"label": label, "earlier": earlier_label, "date": earlier.isoformat()},
            code="bargaining.date_order",
            field=field,
        )
    return None
