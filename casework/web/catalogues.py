"""Checks that keep the translation catalogues honest.

The msgids are Simplified Chinese (the default language), so the project ships
two catalogues, ``zh_Hant`` and ``en``, under ``locale/``. Three things can go
stale without anyone noticing: an entry left untranslated or fuzzy, a ``.mo``
that no longer matches its ``.po``, and a source string that was never
extracted. ``manage.py messages_check`` and the tests in tests/web/ use these
functions to say which.
"""

from __future__ import annotations

import ast
import contextlib
import gettext
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

# Where makemessages must not look: the same as `make messages`, plus the
# catalogues themselves (so a check can extract into a scratch directory).
IGNORE = (".venv", "var", "locale", "staticfiles")

# The catalogues the project ships; zh-hans needs none, its text is the msgids.
LOCALES = ("zh_Hant", "en")
DOMAIN = "django"

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


@dataclass
class Entry:
    """One entry of a .po file (``line`` is where it starts)."""

    line: int
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def _unquote(text: str) -> str:
    # PO strings use C escapes (\n, \t, \", \\), which Python's string literals read the same way.
    value = ast.literal_eval(text)
    if not isinstance(value, str):
        raise ValueError(f"not a string: {text!r}")
    return value


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file as ``makemessages`` writes it.

    Reads ``#,`` flags, ``#~`` obsolete entries, ``msgctxt``, ``msgid``,
    ``msgid_plural``, ``msgstr`` and ``msgstr[n]`` with continuation lines.
    An entry ends at a blank line or where the next one begins (Django writes
    a new catalogue's header with no blank line after it).
    """
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None  # the string a continuation line extends

    def finish() -> None:
        nonlocal current, target
        if current is not None and (current.msgid or current.msgstr or current.msgctxt is not None):
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            finish()
            continue
        starts_entry = line.startswith(("#", "msgctxt ", "msgid "))
        if current is not None and current.msgstr and starts_entry:
            finish()
        if current is None:
            current = Entry(line=number)
        current.obsolete = current.obsolete or obsolete
        if line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith("#"):
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, text = match.groups()
            value = _unquote(text)
            if keyword in ("msgctxt", "msgid", "msgid_plural"):
                setattr(current, keyword, value)
                target = (keyword, 0)
            else:
                slot = int(index) if index is not None else 0
                current.msgstr[slot] = value
                target = ("msgstr", slot)
            continue
        if line.startswith('"') and target is not None:
            name, slot = target
            if name == "msgstr":
                current.msgstr[slot] += _unquote(line)
            else:
                setattr(current, name, (getattr(current, name) or "") + _unquote(line))
            continue
        raise ValueError(f"{path}:{number}: cannot read {raw!r}")
    finish()
    return entries


def locale_root() -> Path:
    return Path(settings.LOCALE_PATHS[0])


def po_path(locale: str) -> Path:
    return locale_root() / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def untranslated_or_fuzzy(path: Path) -> list[str]:
    """One line per entry that is fuzzy (the header included) or lacks a translation."""
    problems = []
    for entry in parse_po(path):
        if entry.obsolete:
            continue
        where = f"{path.name}:{entry.line}"
        if "fuzzy" in entry.flags:
            problems.append(f"{where}: fuzzy: {entry.msgid!r}" if not entry.is_header else f"{where}: fuzzy header")
        elif not entry.is_header and not entry.translated:
            problems.append(f"{where}: untranslated: {entry.msgid!r}")
    return problems


def msgfmt_path() -> str | None:
    return shutil.which("msgfmt")


def _catalog(mo: Path) -> dict[object, str]:
    with mo.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]


def compiled_differences(po: Path, mo: Path) -> list[str]:
    """How the committed ``mo`` differs from what GNU msgfmt makes of ``po`` now.

    Compares the catalogues as gettext reads them, not the bytes or the file
    times: git does not keep modification times, and two msgfmt versions may
    lay out the same catalogue differently. Needs GNU gettext's ``msgfmt``.
    """
    msgfmt = msgfmt_path()
    if msgfmt is None:
        raise FileNotFoundError("msgfmt (GNU gettext) is not installed")
    if not mo.exists():
        return [f"{mo} is missing: run `make messages`"]
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "fresh.mo"
        # The same options compilemessages uses.
        subprocess.run([msgfmt, "--check-format", "-o", str(fresh), str(po)], check=True, capture_output=True)  # noqa: S603
        expected, actual = _catalog(fresh), _catalog(mo)
    problems = []
    for key in sorted(expected.keys() | actual.keys(), key=repr):
        if key not in actual:
            problems.append(f"{mo.name} lacks {key!r}")
        elif key not in expected:
            problems.append(f"{mo.name} has {key!r}, no longer in {po.name}")
        elif expected[key] != actual[key]:
            problems.append(f"{mo.name} translates {key!r} as {actual[key]!r}, {po.name} as {expected[key]!r}")
    return problems


def source_msgids() -> set[tuple[str | None, str]]:
    """Every (msgctxt, msgid) that ``makemessages`` finds in the sources now.

    Runs the real extraction without touching the committed catalogues:
    makemessages writes into any ``locale/`` directory it can see from where
    it runs, so it runs in a scratch directory that links to every top-level
    entry of the project except ``locale/``, and writes its output there too.
    Needs GNU gettext's ``xgettext``.
    """
    base = Path(settings.BASE_DIR)
    with tempfile.TemporaryDirectory() as scratch:
        tree, out = Path(scratch) / "tree", Path(scratch) / "out"
        tree.mkdir()
        out.mkdir()
        for child in base.iterdir():
            if child.name not in IGNORE and not child.name.startswith("."):
                (tree / child.name).symlink_to(child)
        with override_settings(LOCALE_PATHS=[str(out)]), contextlib.chdir(tree):
            call_command(
                "makemessages", locale=["en"], ignore_patterns=list(IGNORE), symlinks=True, keep_pot=True, verbosity=0
            )
        pot = out / f"{DOMAIN}.pot"
        return {entry.key for entry in parse_po(pot) if not entry.is_header and not entry.obsolete}


def unextracted(po: Path, sources: set[tuple[str | None, str]]) -> list[str]:
    """Source strings missing from ``po``: someone added text and did not run `make messages`."""
    present = {entry.key for entry in parse_po(po) if not entry.obsolete}
    return [
        f"{po.name} lacks {msgid!r}" + (f" (context {ctxt!r})" if ctxt else "")
        for ctxt, msgid in sorted(sources - present, key=repr)
    ]
