"""``lifecycle:*`` - what happens to an instrument after issue, in three parts:
payments of coupons, rentals and redemptions (:mod:`.payments`), benchmark fixings of
floating instruments (:mod:`.fixings`) and commodity tokens redeemed for bars
(:mod:`.bars`). One contract namespace, ``lifecycle``, serves all three.
"""

from __future__ import annotations

from .bars import BarTransactions
from .fixings import FixingTransactions
from .payments import PaymentTransactions


class LifecycleContract(PaymentTransactions, FixingTransactions, BarTransactions):
    """Coupon, rental and redemption payments; fixings; bar redemptions."""

    name = "lifecycle"
