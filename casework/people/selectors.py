"""Reads of the people registry."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from casework.people.models import Person

_INITIALS = re.compile(r"[A-Za-z]{1,50}", re.ASCII)
_LAST4 = re.compile(r"[0-9]{3}[0-9Xx]", re.ASCII)
_FULL_ID = re.compile(r"[0-9]{17}[0-9Xx]", re.ASCII)


def person_search(queryset: QuerySet[Person], q: str) -> QuerySet[Person]:
    """Filter ``queryset`` to the people matching ``q``.

    ``q`` matches a name that contains it (``张``), pinyin initials that start
    with it, case-insensitive (``zs`` or ``ZS`` for 张三), the last four
    characters of the ID number (``002x`` finds ``…002X``), or a whole
    18-character ID number. An empty ``q`` leaves ``queryset`` as it is.

    The caller passes the queryset: the access-control layer hands in one
    already limited to the user's scope, so a search never reaches past it.
    Each test uses an index: initials are stored lower-case (prefix LIKE on
    a pattern-ops index), the last four upper-case (equality).
    """
    q = (q or "").strip()
    if not q:
        return queryset
    condition = Q(name__contains=q)
    if _INITIALS.fullmatch(q):
        condition |= Q(name_initials__startswith=q.lower())
    if _LAST4.fullmatch(q):
        condition |= Q(id_last4=q.upper())
    if _FULL_ID.fullmatch(q):
        condition |= Q(id_number=q.upper())
    return queryset.filter(condition)
