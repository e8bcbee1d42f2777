"""The trail search past the paginator's count limit (casework/web/paging.py)
says "more than" instead of a total, and still pages to the end."""

from __future__ import annotations

import re

from django.urls import reverse

from casework.web.paging import CappedPaginator


def test_the_trail_says_more_than_past_the_limit(evidenced_case, auditors, client, monkeypatch):
    client.force_login(auditors["district"])
    exact = client.get(reverse("audit:trail")).content.decode()
    (found,) = re.findall(r"找到(\d+)条记录。", exact)
    total = int(found)
    monkeypatch.setattr(CappedPaginator, "count_limit", total - 1)
    monkeypatch.setattr("casework.audit.views.PER_PAGE", total - 1)
    first = client.get(reverse("audit:trail")).content.decode()
    assert f"找到超过{total - 1}条记录。" in first and f"第1页，共超过{total - 1}条" in first
    last = client.get(reverse("audit:trail"), {"page": 2}).content.decode()
    assert f"第2页，共超过{total - 1}条" in last and "下一页" not in last and "上一页" in last
    assert 'colspan="8" class="empty"' not in last
