"""The due date of each open human step of a case.

One row per viewflow task of a case step, written when the task is created
(``flows.nodes.CaseStep``). It keeps what the due date was computed from, so
a recomputation (a new year's holidays, a resumed clock) can redo it.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TaskDeadline(models.Model):
    task = models.OneToOneField(
        "viewflow.Task", primary_key=True, on_delete=models.CASCADE, related_name="deadline", verbose_name=_("任务")
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("案件"))
    setting = models.CharField(_("期限参数"), max_length=64, blank=True)
    began_on = models.DateField(_("起算日"))
    due = models.DateField(_("办理期限"))
    provisional = models.BooleanField(_("暂定"), default=False)
    # Working days the clock stood still, already added to ``due``.
    paused_working_days = models.PositiveIntegerField(_("暂停的工作日数"), default=0)
    paused_since = models.DateField(_("暂停起始日"), null=True, blank=True)
    # The scan's stages, each at most once per task (casework.deadlines.scan).
    reminded_on = models.DateField(_("到期提醒日"), null=True, blank=True)
    due_noticed_on = models.DateField(_("到期当日通知日"), null=True, blank=True)
    overdue_noticed_on = models.DateField(_("超期通知日"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("已上报层级"), default=0)
    # Copies kept by the database itself (triggers, migration 0003): whether
    # the task is open, and its case's unit path. With them the open steps
    # past due under a unit are one index's range, where a city's ten years
    # of closed steps would otherwise be read and joined to their tasks.
    open = models.BooleanField(_("办理中"), default=True, editable=False)
    unit_path = models.CharField(_("单位路径"), max_length=255, blank=True, editable=False)

    class Meta:
        verbose_name = _("办理期限")
        verbose_name_plural = _("办理期限")
        indexes = [
            models.Index(fields=["due"], name="deadline_due"),
            # Open steps with a running clock, by unit path and due date: the
            # overdue ones under a unit (LIKE 'path%' needs the pattern operators).
            models.Index(
                # With the case: its id read from the index, not the rows.
                fields=["unit_path", "due", "case"],
                name="deadline_open_running",
                opclasses=["varchar_pattern_ops", "date_ops", "int8_ops"],
                condition=models.Q(open=True, paused_since__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.due}"

    @property
    def paused(self) -> bool:
        return self.paused_since is not None

    def overdue_on(self, today: date | None = None) -> bool:
        """Past 24:00 of the due day, the clock running (domain.md, Time)."""
        return not self.paused and (today or timezone.localdate()) > self.due
