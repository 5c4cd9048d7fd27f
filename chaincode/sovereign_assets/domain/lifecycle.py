"""Lifecycle: events applied to an instrument, yielding its next version and effects.

Owns: the events (:class:`FixingPublished`, :class:`CouponDateReached`,
:class:`MaturityReached`), :class:`Effect`, :class:`Evolution` and :func:`evolve`.

``evolve(instrument, event, as_of, calendar)`` returns the instrument's next version
and the effects to settle per unit of holding. An event is applied once: the next
version records what happened (fixings, periods paid, matured), so replaying the same
event is ``EVENT_NOT_APPLICABLE`` instead of a second set of effects. Paying the
effects to each holder is :mod:`.payments`; its claim keys stop double payment
there too.

``evolve`` has no branch per kind of instrument: it asks the instrument's own protocol
(:class:`.instruments.DebtInstrumentBase`) for its periods, the benchmark it floats on,
what its periodic payments are and their amount per unit.

Holdings carry no lifecycle version: a holding is keyed by instrument and account only,
and an effect is claimed once per (instrument, period, holder account) (:mod:`.payments`).
Moving every holding to a new version on each event would rewrite every holder's key on
every coupon date without preventing anything the claim keys do not already prevent.

Must not import: anything outside the standard library and this package; no clock.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from .calendars import HolidayCalendar
from .errors import DomainError, ErrorCode
from .fixings import ResolvedFixing
from .instruments import DebtInstrument, FlowKind, InstrumentKey, LifecycleState


@dataclass(frozen=True)
class FixingPublished:
    """The central bank published the benchmark for the period ``period_id``."""

    period_id: str
    fixing: ResolvedFixing


@dataclass(frozen=True)
class CouponDateReached:
    """The accrual period ``period_id`` ended; its coupon/rental falls due."""

    period_id: str


@dataclass(frozen=True)
class MaturityReached:
    """The maturity date arrived: the last coupon (if any) and the face fall due."""


LifecycleEvent = FixingPublished | CouponDateReached | MaturityReached


@dataclass(frozen=True)
class Effect:
    """Something every holder of ``target`` is owed, per minor unit of face held.

    ``target``: the instrument, at the version whose event owes the effect.
    ``period_id``: claim period (a period end date, or "REDEMPTION").
    ``amount_per_unit``: exact ``Fraction``; a holder receives
    ``round_cash(face_held * amount_per_unit)``, one rounding of one exact product.
    ``taxable``: profit (coupon, rental) as opposed to return of principal.
    """

    target: InstrumentKey
    kind: FlowKind
    period_id: str
    payment_date: date
    amount_per_unit: Fraction
    taxable: bool


@dataclass(frozen=True)
class Evolution:
    """Result of :func:`evolve`."""

    instrument: DebtInstrument
    effects: tuple[Effect, ...]


def _with_state(instrument: DebtInstrument, state: LifecycleState) -> DebtInstrument:
    return dataclasses.replace(instrument, state=state)


def _require_final_date(provisional: bool, period_id: str) -> None:
    if provisional:
        raise DomainError(
            ErrorCode.CALENDAR_NOT_COVERED, f"payment date of {period_id} is provisional"
        )


def _not_applicable(message: str) -> DomainError:
    return DomainError(ErrorCode.EVENT_NOT_APPLICABLE, message)


def evolve(
    instrument: DebtInstrument,
    event: LifecycleEvent,
    as_of: date,
    calendar: HolidayCalendar,
) -> Evolution:
    """Apply ``event`` on ``as_of`` (see the module docstring)."""
    state = instrument.state
    terms = instrument.terms
    if state.matured:
        raise DomainError(ErrorCode.INSTRUMENT_MATURED, terms.instrument_id)
    target = terms.key(state.version)
    periods = instrument.periods(calendar)
    period_ids = [p.period_id for p in periods]

    if isinstance(event, FixingPublished):
        instrument.require_benchmark_rule()
        instrument.period(event.period_id, calendar)  # EVENT_NOT_APPLICABLE if none
        if state.fixing_for(event.period_id) is not None:
            raise _not_applicable(f"period {event.period_id} is already fixed")
        index = period_ids.index(event.period_id)
        if index < state.periods_paid:
            raise _not_applicable(f"period {event.period_id} is already paid")
        fixings = (*state.fixings, (event.period_id, event.fixing.rate))
        next_state = dataclasses.replace(state, version=state.version + 1, fixings=fixings)
        return Evolution(_with_state(instrument, next_state), ())

    if isinstance(event, CouponDateReached):
        if state.periods_paid >= len(periods) or period_ids[state.periods_paid] != event.period_id:
            raise _not_applicable(f"period {event.period_id} is not the next one due")
        period = periods[state.periods_paid]
        if period.accrual_end == terms.maturity_date:
            raise _not_applicable("the last period is paid by the maturity event")
        if as_of < period.accrual_end:
            raise _not_applicable(f"period {event.period_id} has not ended on {as_of}")
        _require_final_date(period.payment_date_provisional, period.period_id)
        amount = instrument.amount_per_unit(period)
        if amount is None:
            raise DomainError(ErrorCode.FIXING_UNAVAILABLE, f"period {event.period_id}")
        effect = Effect(
            target,
            instrument.flow_kind,
            period.period_id,
            period.payment_date,
            amount,
            taxable=True,
        )
        next_state = dataclasses.replace(
            state, version=state.version + 1, periods_paid=state.periods_paid + 1
        )
        effects = (effect,) if amount != 0 else ()
        return Evolution(_with_state(instrument, next_state), effects)

    # MaturityReached
    if as_of < terms.maturity_date:
        raise _not_applicable(f"{terms.instrument_id} matures on {terms.maturity_date}")
    if state.periods_paid < len(periods) - 1:
        raise _not_applicable("earlier coupon periods are still unpaid")
    due: list[Effect] = []
    for flow in instrument.cash_flows(terms.maturity_date - timedelta(days=1), calendar):
        _require_final_date(flow.payment_date_provisional, flow.period_id)
        if flow.amount_per_unit is None:
            raise DomainError(ErrorCode.FIXING_UNAVAILABLE, f"period {flow.period_id}")
        if flow.amount_per_unit == 0:
            continue  # a zero-coupon bond's periods carry nothing to pay
        due.append(
            Effect(
                target,
                flow.kind,
                flow.period_id,
                flow.payment_date,
                flow.amount_per_unit,
                taxable=flow.kind is not FlowKind.REDEMPTION,
            )
        )
    next_state = dataclasses.replace(
        state, version=state.version + 1, periods_paid=len(periods), matured=True
    )
    return Evolution(_with_state(instrument, next_state), tuple(due))
