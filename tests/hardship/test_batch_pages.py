"""The pages of campaign payment lists: build, submit, decide, export; scoped."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.hardship.assistance import AssistancePayment, PaymentBatch, PaymentState
from casework.hardship.batches import BatchLine, payment_batch_request
from casework.hardship.exports import XLSX_TYPE
from casework.ledger.models import LedgerEntry
from notifications.models import OutboxMessage


def state():
    return (
        PaymentBatch.objects.count(),
        AssistancePayment.objects.count(),
        LedgerEntry.objects.count(),
        OutboxMessage.objects.count(),
    )


def test_a_caseworker_builds_a_list_from_the_lines_payable_records(client, world, staff, money, records):
    client.force_login(staff["caseworker"])
    page = client.get(f"/hardship/batches/new/?line={money['street'].pk}&amount=200").content.decode()
    for case in records:
        assert (
            f'name="record" value="{case.pk}"' in page
            and f'name="amount-{case.pk}" inputmode="decimal" value="200"' in page
        )
    form = {"line": money["street"].pk, "campaign": "2026年送温暖", "record": [records[0].pk, records[2].pk]}
    form |= {f"amount-{c.pk}": "200" for c in records}
    response = client.post("/hardship/batches/new/", form)
    batch = PaymentBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/hardship/batches/{batch.pk}/"
    assert sorted(batch.lines.values_list("case_id", flat=True)) == [records[0].pk, records[2].pk]
    html = client.get(f"/hardship/batches/{batch.pk}/").content.decode()
    assert records[0].number in html and "400" in html and 'value="approve"' not in html  # not theirs to decide

    client.force_login(money["finance"])
    html = client.get(f"/hardship/batches/{batch.pk}/").content.decode()
    assert 'value="approve"' in html
    client.post(f"/hardship/batches/{batch.pk}/decide/", {"decision": "approve"})
    batch.refresh_from_db()
    assert batch.state == PaymentState.APPROVED
    export = client.get(f"/hardship/batches/{batch.pk}/xlsx/")
    assert export["Content-Type"] == XLSX_TYPE and export.content[:2] == b"PK"
    assert "attachment" in export["Content-Disposition"]


def test_a_bad_line_is_shown_beside_its_row_and_nothing_is_kept(client, world, staff, money, records):
    client.force_login(staff["caseworker"])
    before = state()
    form = {"line": money["street"].pk, "campaign": "高温慰问", "record": [records[0].pk, records[1].pk]}
    form |= {f"amount-{records[0].pk}": "100", f"amount-{records[1].pk}": "5000"}
    response = client.post("/hardship/batches/new/", form)
    html = response.content.decode()
    assert response.status_code == 400
    assert "第2行不符合规定" in html and "超过每人每年上限3000" in html
    assert f'name="record" value="{records[1].pk}" id="record-{records[1].pk}" checked' in html  # kept as typed
    assert state() == before


def test_a_neighbouring_street_sees_no_list_and_gets_404(client, world, staff, money, records, user_with):
    batch = payment_batch_request(
        campaign="送温暖", budget_line=money["street"], lines=[BatchLine(records[0].pk, "100")], by=staff["caseworker"]
    )
    neighbour = user_with("finance_officer", world.units["S2"])
    client.force_login(neighbour)
    assert "送温暖" not in client.get("/hardship/batches/").content.decode()
    before = state()
    for url in (f"/hardship/batches/{batch.pk}/", f"/hardship/batches/{batch.pk}/xlsx/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/hardship/batches/{batch.pk}/decide/", {"decision": "approve"}).status_code == 404
    assert state() == before


def test_a_chair_cannot_start_a_list(client, world, staff):
    client.force_login(staff["chair"])
    assert client.get("/hardship/batches/new/").status_code == 403


def test_the_list_page_takes_the_same_queries_for_one_list_and_for_six(client, world, staff, money, records):
    def queries_for_the_page() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/hardship/batches/").status_code == 200
        return len(queries)

    def add(n: int) -> None:
        for i in range(n):
            payment_batch_request(
                campaign=f"活动{i}",
                budget_line=money["street"],
                lines=[BatchLine(records[0].pk, "1")],
                by=staff["caseworker"],
            )

    client.force_login(money["finance"])
    add(1)
    client.get("/hardship/batches/")  # warm the per-process caches
    one = queries_for_the_page()
    add(5)
    assert queries_for_the_page() == one
