"""Documents (evidence files) attached to cases, the same for every case type.

A document is a PDF, JPEG or PNG file, recognised by its first bytes (never
by its name or the browser's word), whose extension agrees with its content,
at most ``settings.CASEWORK_UPLOAD_MAX_BYTES`` long. Its SHA-256 is computed
while the upload is read in chunks; the file is stored under ``MEDIA_ROOT``
as ``documents/<year>/<month>/<uuid4>.<ext>`` (nothing in the path comes from
the uploader) and is only ever served through the scoped download view.

The services (``casework.cases.services``) call ``documents_check`` before
they write anything, then ``documents_store`` inside ``atomic_with_files``:
if that transaction rolls back, the files stored inside it are removed again
(docs/documents.md, "When a transaction rolls back").
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.errors import RuleViolation

logger = logging.getLogger(__name__)

DIRECTORY = "documents"
# Enough for every signature below.
HEAD_BYTES = 16


class DocumentKind(models.TextChoices):
    ID_CARD = "id_card", _l("身份证件")
    INCOME_PROOF = "income_proof", _l("收入证明")
    HOUSEHOLD = "household", _l("户籍和家庭成员证明")
    MEDICAL = "medical", _l("病历和医疗费用")
    RECORD = "record", _l("调查、评议和公示记录")
    LETTER = "letter", _l("对方或主管部门的书面文件")
    AGREEMENT = "agreement", _l("协商记录、协议文本和签字页")
    OTHER = "other", _l("其他材料")


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    extensions: tuple[str, ...]
    signature: bytes


# What may be uploaded, by the first bytes of the file.
FILE_TYPES = (
    FileType("PDF", "application/pdf", (".pdf",), b"%PDF-"),
    FileType("JPG", "image/jpeg", (".jpg", ".jpeg"), b"\xff\xd8\xff"),
    FileType("PNG", "image/png", (".png",), b"\x89PNG\r\n\x1a\n"),
)


class CaseDocument(models.Model):
    case = models.ForeignKey("cases.Case", verbose_name=_l("案件"), on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_l("材料类型"), max_length=32, choices=DocumentKind.choices)
    original_name = models.CharField(_l("原文件名"), max_length=255)
    # The name is ours (documents/<year>/<month>/<uuid4>.<ext>), set by documents_store.
    file = models.FileField(_l("文件"), upload_to=DIRECTORY, max_length=255)
    size = models.PositiveBigIntegerField(_l("大小（字节）"))
    content_type = models.CharField(_l("文件类型"), max_length=100)
    sha256 = models.CharField(_l("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_l("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_l("上传时间"), default=timezone.now)
    # The ledger entry that lists the file as evidence: the step it came
    # with, or its own ``case.document_attached``.
    ledger_entry = models.ForeignKey(
        "ledger.LedgerEntry",
        verbose_name=_l("决定记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Set when the file was deleted by a retention purge (docs/retention.md):
    # its absence is then expected, not tampering; the trail keeps its hash.
    purged_at = models.DateTimeField(_l("清除时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _l("案件材料")
        verbose_name_plural = _l("案件材料")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["case", "uploaded_at"], name="casedocument_case_uploaded")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def stored_name(self) -> str:
        """The file's own name on disk (``<uuid4>.<ext>``): what the ledger's evidence names."""
        return PurePosixPath(self.file.name).name


@dataclass(frozen=True)
class Attachment:
    """A file as received, and the kind of document the uploader says it is."""

    file: File
    kind: str = DocumentKind.OTHER


@dataclass(frozen=True)
class CheckedFile:
    """An attachment that passed every check, with what the checks learnt."""

    attachment: Attachment
    name: str
    extension: str
    file_type: FileType
    size: int
    sha256: str


def upload_limit() -> int:
    return int(settings.CASEWORK_UPLOAD_MAX_BYTES)


def size_label(size: int) -> str:
    """10485760 → "10MB", 1536 → "1.5KB"."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f}".removesuffix(".0") + unit
    return f"{size}B"


def clean_name(raw: str) -> str:
    """The uploader's file name without a path or control characters (a NUL
    cannot be stored in PostgreSQL), at most 255 characters, its extension kept."""
    name = "".join(ch for ch in raw.replace("\\", "/").rsplit("/", 1)[-1] if ch.isprintable()).strip()
    if len(name) > 255:
        suffix = PurePosixPath(name).suffix[:20]
        name = name[: 255 - len(suffix)] + suffix
    return name


def document_check(
    attachment: Attachment, *, field: str = "documents", types: Sequence[FileType] = FILE_TYPES
) -> CheckedFile:
    """Check one attachment and hash it, reading it in chunks; raise the first
    broken rule as ``RuleViolation`` on ``field`` (``kind`` for the kind).
    ``types`` narrows what is accepted (photos: JPEG and PNG). Writes nothing."""
    if attachment.kind not in DocumentKind.values:
        raise RuleViolation(
            _("材料类型：只能是%(kinds)s之一。") % {"kinds": "、".join(str(label) for label in DocumentKind.labels)},
            code="document.kind_invalid",
            field="kind",
        )
    upload = attachment.file
    name = clean_name(str(upload.name or ""))
    shown = {"name": name}
    limit = upload_limit()
    too_large = RuleViolation(
        _("附件：文件不能超过%(limit)s，“%(name)s”超过了。") % {"limit": size_label(limit), **shown},
        code="document.too_large",
        field=field,
    )
    if (getattr(upload, "size", None) or 0) > limit:
        raise too_large  # said before reading it
    digest, size, head = hashlib.sha256(), 0, b""
    for chunk in upload.chunks():
        size += len(chunk)
        if size > limit:
            raise too_large
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        digest.update(chunk)
    if size == 0:
        raise RuleViolation(_("附件：“%(name)s”是空文件。") % shown, code="document.empty", field=field)
    file_type = next((t for t in types if head.startswith(t.signature)), None)
    if file_type is None:
        raise RuleViolation(
            _("附件：只接受%(types)s文件，“%(name)s”不是其中之一。")
            % {**shown, "types": "、".join(t.label for t in types)},
            code="document.type_not_allowed",
            field=field,
        )
    extension = PurePosixPath(name).suffix.lower()
    if extension not in file_type.extensions:
        raise RuleViolation(
            _("附件：文件扩展名与内容不符，“%(name)s”是%(type)s文件，扩展名应为%(extensions)s。")
            % {**shown, "type": file_type.label, "extensions": "、".join(file_type.extensions)},
            code="document.extension_mismatch",
            field=field,
        )
    return CheckedFile(attachment, name, extension, file_type, size, digest.hexdigest())


def documents_check(attachments: Sequence[Attachment], *, field: str = "documents") -> list[CheckedFile]:
    return [document_check(attachment, field=field) for attachment in attachments]


# The names of the files stored inside the current ``atomic_with_files``.
_stored: ContextVar[list[str] | None] = ContextVar("casework_documents_stored", default=None)


def _remove(names: Sequence[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            # Unreferenced by any row, so never served: documents_check lists it.
            logger.exception("could not remove the document file %s after a rollback", name)


@contextmanager
def atomic_with_files() -> Iterator[None]:
    """``transaction.atomic()`` that removes the document files stored inside
    it if it rolls back (an exception, or ``set_rollback(True)``).

    Django has no rollback hook, and ``on_commit`` callbacks are simply
    dropped on rollback, so the block that opens the transaction removes
    them itself. Nested blocks share one list: an inner block that rolls
    back removes only its own files; one that succeeds leaves them to the
    block around it. Files stored inside a block that succeeded, under a
    plain ``atomic`` that later rolls back, stay on disk unreferenced:
    ``manage.py documents_check --remove-orphans`` clears them."""
    outer = _stored.get()
    stored: list[str] = outer if outer is not None else []
    token = _stored.set(stored) if outer is None else None
    start = len(stored)
    kept = False
    try:
        with transaction.atomic():
            yield
            marked = transaction.get_rollback()
        kept = not marked
    finally:
        if token is not None:
            _stored.reset(token)
        if not kept:
            _remove(stored[start:])
            del stored[start:]


def document_path(extension: str, directory: str = DIRECTORY) -> str:
    return f"{directory}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


def document_file_save(item: CheckedFile, *, directory: str = DIRECTORY) -> str:
    """Write one checked file under ``directory`` with a name of ours and
    return its storage name; removed again if the enclosing
    ``atomic_with_files`` rolls back. Must run inside it."""
    stored = _stored.get()
    if stored is None:
        raise RuntimeError("documents_store must run inside atomic_with_files()")
    path = document_path(item.extension, directory)
    try:
        name = default_storage.save(path, item.attachment.file, max_length=255)
    except BaseException:
        _remove([path])  # a partly written file
        raise
    stored.append(name)
    return name


def documents_store(*, case: Any, checked: Sequence[CheckedFile], by: Any) -> list[CaseDocument]:
    """Write the checked files and their rows (not yet linked to a ledger
    entry). Must run inside ``atomic_with_files``."""
    if not checked:
        return []
    if _stored.get() is None:
        raise RuntimeError("documents_store must run inside atomic_with_files()")
    documents = []
    for item in checked:
        name = document_file_save(item)
        documents.append(
            CaseDocument.objects.create(
                case=case,
                kind=item.attachment.kind,
                original_name=item.name,
                file=name,
                size=item.size,
                content_type=item.file_type.content_type,
                sha256=item.sha256,
                uploaded_by=by,
            )
        )
    return documents


def documents_evidence(documents: Sequence[CaseDocument]) -> list[dict[str, Any]]:
    """The ledger's evidence for the documents: each file by its stored name
    (never the uploader's name, which may name a person) and its SHA-256."""
    return [
        {"name": d.stored_name, "sha256": d.sha256, "document": d.pk, "kind": d.kind, "size": d.size} for d in documents
    ]


def documents_personal(documents: Sequence[CaseDocument]) -> dict[str, Any]:
    """The uploader's file names, for the entry's purgeable ``personal`` part."""
    return {"document_names": {str(d.pk): d.original_name for d in documents}} if documents else {}


def documents_link(documents: Sequence[CaseDocument], entry: Any) -> None:
    if documents:
        CaseDocument.objects.filter(pk__in=[d.pk for d in documents]).update(ledger_entry=entry)
        for document in documents:
            document.ledger_entry = entry
