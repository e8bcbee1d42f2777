"""Pinyin initials of a name, stored for search (张三 → ``zs``)."""

from __future__ import annotations

import functools
import re

from pypinyin import Style, lazy_pinyin

NAME_INITIALS_MAX_LENGTH = 50

# Surnames whose reading differs from the character's everyday reading (曾 is
# "zeng" as a surname, "ceng" in 曾经), limited to those where the first
# letter changes. pypinyin reads characters as words, not as surnames.
SURNAME_INITIALS: dict[str, str] = {
    "曾": "z",
    "单": "s",
    "解": "x",
    "乐": "y",
    "仇": "q",
    "查": "z",
    "区": "o",
    "翟": "z",
    "覃": "q",
    "秘": "b",
    "召": "s",
    "种": "c",
    "繁": "p",
    "折": "s",
    "句": "g",
    "藏": "z",
    "隗": "w",
    "祭": "z",
}

_NOT_INITIAL = re.compile(r"[^a-z0-9]")


# Names repeat (张伟, 王芳 …): a bulk import converts each distinct name once.
@functools.lru_cache(maxsize=65536)
def name_initials(name: str) -> str:
    """Lower-case initials: one letter per Chinese character, latin words
    reduced to their first letter, separators (``·``, spaces) dropped.
    ``阿卜杜拉·买买提`` → ``abdlmmt``; ``John Smith`` → ``js``."""
    name = (name or "").strip()
    letters: list[str] = []
    for chunk in lazy_pinyin(name, style=Style.FIRST_LETTER):
        if len(chunk) == 1:
            letters.append(chunk)
        else:
            # A run of non-Chinese text comes back whole: take each word's initial.
            letters.extend(word[0] for word in re.split(r"[\s·.\-]+", chunk) if word)
    if name and name[0] in SURNAME_INITIALS and letters:
        letters[0] = SURNAME_INITIALS[name[0]]
    initials = _NOT_INITIAL.sub("", "".join(letters).lower())
    return initials[:NAME_INITIALS_MAX_LENGTH]
