"""The spool of the whole-batch formats gives back every record, in order, as often as asked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cdv_check.reporters.spool import Spool


def test_records_come_back_in_order_every_time() -> None:
    spool: Spool[tuple[str, Decimal, date]] = Spool()
    records = [(f"d{n}.yaml", Decimal(n) / 100, date(2016, 1, 1 + n % 28)) for n in range(1000)]
    for record in records[:600]:
        spool.add(record)
    assert list(spool) == records[:600]
    for record in records[600:]:
        spool.add(record)
    assert list(spool) == records == list(spool)
    assert len(spool) == 1000
    spool.close()

