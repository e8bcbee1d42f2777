"""The catalogues never go stale silently: every source string extracted, every
entry translated and not fuzzy, every committed .mo the same as its .po."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import to_locale

from casework.web.catalogues import (
    LOCALES,
    compiled_differences,
    parse_po,
    po_path,
    source_msgids,
    unextracted,
    untranslated_or_fuzzy,
)
from tests.services import require_gettext


def test_every_language_but_the_default_has_a_catalogue():
    others = {to_locale(code) for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE}
    assert others == set(LOCALES)
    for locale in LOCALES:
        assert po_path(locale).exists(), f"{po_path(locale)} missing: run `make messages`"


@pytest.mark.parametrize("locale", LOCALES)
def test_no_entry_is_untranslated_or_fuzzy(locale):
    assert untranslated_or_fuzzy(po_path(locale)) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_committed_mo_matches_its_po(locale):
    require_gettext()
    po = po_path(locale)
    assert compiled_differences(po, po.with_suffix(".mo")) == []


def test_every_source_string_is_in_each_catalogue():
    require_gettext()
    sources = source_msgids()
    # The extraction itself works: it finds strings of Python code and of templates.
    assert {(None, "基层工会主席"), (None, "待我决定")} <= sources
    for locale in LOCALES:
        assert unextracted(po_path(locale), sources) == []


# The checks themselves, on catalogues made up here, so each can be seen failing.
BAD_PO = r"""# A catalogue with every kind of problem.
#, fuzzy
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"
#: a.py:1
msgid "已译"
msgstr "Translated"

#: a.py:2
msgid "未译"
msgstr ""

#: a.py:3
#, fuzzy, python-format
msgid "模糊%(n)s"
msgstr "Fuzzy %(n)s"

msgctxt "月份"
msgid "五"
msgid_plural "五个"
msgstr[0] "five"
msgstr[1] ""

#~ msgid "废弃"
#~ msgstr ""
"""


def test_reader_and_checker_name_each_problem(tmp_path: Path):
    po = tmp_path / "django.po"
    po.write_text(BAD_PO, encoding="utf-8")
    entries = parse_po(po)
    assert [e.msgid for e in entries] == ["", "已译", "未译", "模糊%(n)s", "五", "废弃"]
    assert entries[4].msgctxt == "月份" and entries[4].msgstr == {0: "five", 1: ""}
    assert entries[-1].obsolete
    problems = untranslated_or_fuzzy(po)
    assert len(problems) == 4
    assert "fuzzy header" in problems[0]
    assert "untranslated: '未译'" in problems[1]
    assert "fuzzy: '模糊%(n)s'" in problems[2]
    assert "untranslated: '五'" in problems[3]
    assert unextracted(po, {(None, "已译"), (None, "新加")}) == ["django.po lacks '新加'"]


GOOD_PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "工作台"
msgstr "Home"
"""


def test_a_mo_compiled_before_the_po_changed_is_reported(tmp_path: Path):
    require_gettext()
    po, mo = tmp_path / "django.po", tmp_path / "django.mo"
    po.write_text(GOOD_PO, encoding="utf-8")
    subprocess.run(["msgfmt", "-o", str(mo), str(po)], check=True)
    assert compiled_differences(po, mo) == []
    po.write_text(GOOD_PO.replace('"Home"', '"Workbench"') + '\nmsgid "登录"\nmsgstr "Log in"\n', encoding="utf-8")
    problems = compiled_differences(po, mo)
    assert len(problems) == 2
    assert any("'工作台' as 'Home'" in p and "'Workbench'" in p for p in problems)
    assert any("lacks '登录'" in p for p in problems)
    mo.unlink()
    assert "missing" in compiled_differences(po, mo)[0]
