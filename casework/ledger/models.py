"""The decision ledger: append-only and hash-chained.

Each entry's ``hash`` is SHA-256 over ``prev_hash`` and the canonical encoding
of its hashed form (see ``casework.ledger.chain``). Personal data (the reason
and the ``personal`` fields) enters the hashed form only as salted per-field
digests kept beside it, so it can be purged years later without breaking the
chain, while a changed field is still caught. On PostgreSQL triggers refuse
UPDATE and DELETE (migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerEntry(models.Model):
    seq = models.BigIntegerField(_("序号"), primary_key=True)
    recorded_at = models.DateTimeField(_("记录时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150)
    actor_role = models.CharField(_("角色"), max_length=32, blank=True)
    actor_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Copies taken at decision time: the unit may later move or be renamed.
    actor_unit_code = models.CharField(_("单位代码"), max_length=32, blank=True)
    actor_unit_path = models.CharField(_("单位路径"), max_length=255, blank=True)
    subject_type = models.CharField(_("对象类型"), max_length=64)
    subject_id = models.CharField(_("对象编号"), max_length=64)
    subject_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("对象所属单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=64)
    from_state = models.CharField(_("原状态"), max_length=64, blank=True)
    to_state = models.CharField(_("新状态"), max_length=64, blank=True)
    payload = models.JSONField(_("数据"), default=dict, blank=True)
    evidence = models.JSONField(_("证据文件"), default=list, blank=True)
    # Purgeable personal part and its salted digests (which stay).
    reason = models.TextField(_("理由"), blank=True)
    personal = models.JSONField(_("个人数据"), default=dict, blank=True)
    personal_salt = models.CharField(max_length=64, blank=True)
    personal_digests = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("决定记录")
        verbose_name_plural = _("决定记录")
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "seq"], name="ledger_subject_seq"),
            models.Index(fields=["actor", "seq"], name="ledger_actor_seq"),
            models.Index(fields=["recorded_at"], name="ledger_recorded_at"),
            # The auditors' search by action, and the reveal log (person.revealed).
            models.Index(fields=["action", "seq"], name="ledger_action_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.subject_type}:{self.subject_id}"
