import pytest

from casework.ledger.services import ledger_append
from casework.ledger.verify import ledger_verify


@pytest.mark.django_db
def test_appended_entries_verify():
    for i in range(3):
        ledger_append(action="noted", subject=("test.thing", str(i)), reason=f"r{i}")
    result = ledger_verify()
    assert result.ok and result.entries == 3
