"""``calendar:*`` - business-day calendars as ledger configuration.

The central bank (the registrar) publishes each calendar - weekends and holidays, the
range they are complete for, and the source document they come from (the State Bank's
holiday circular, the Cabinet Division's notification), named and hashed - as a version
with an effective date. From that business date on, every date rule (schedules, payment
dates, record dates, accrual, fixings) reads the version in effect instead of the
calendar governance was bootstrapped with (see ``SovereignContext.market``). A version
never takes effect before the current business date: dates already past keep the
calendar they were computed with. Versions are kept, not replaced (``History``); the ones
date rules may still read are also kept together in one key
(:class:`.records.CalendarsInForce`), so a transaction reads one key, not every version.
"""

from __future__ import annotations

from fabric_chaincode import Context
from sovereign_assets.domain import DomainError, ErrorCode, calendar_in_effect
from sovereign_assets.schema.messages import CalendarPublication
from sovereign_assets.schema.records import CalendarRecord

from . import rules
from .auth import Duty
from .base import SovereignContract, query, sovereign, transaction
from .rules import RuleError


class CalendarContract(SovereignContract):
    """Published business-day calendars."""

    name = "calendar"

    @transaction("Publish")
    def publish(self, ctx: Context, publication: CalendarPublication) -> CalendarRecord:
        """Publish a calendar version (the registrar): ``INVALID_TERMS`` for a calendar
        or source document that does not hold together, ``CALENDAR_EFFECTIVE_IN_PAST``
        before the current business date, ``ALREADY_EXISTS`` for a second version of one
        calendar on one effective date."""
        sctx = sovereign(ctx)
        caller = sctx.authorize(Duty.REGISTRAR)
        version = rules.published_calendar(publication)
        day = rules.to_business_day(sctx.repo.business_day())
        if day is not None and version.effective_from < day.business_date:
            raise DomainError(
                ErrorCode.CALENDAR_EFFECTIVE_IN_PAST,
                f"{publication.calendar_id} from {publication.effective_from}: the business"
                f" date is {day.business_date.isoformat()}",
            )
        if sctx.repo.calendar_version(publication.calendar_id, publication.effective_from):
            raise RuleError(
                ErrorCode.ALREADY_EXISTS,
                f"calendar {publication.calendar_id} from {publication.effective_from}",
            )
        record = CalendarRecord(
            publication,
            caller.msp_id,
            None if day is None else day.business_date.isoformat(),
        )
        # Rebuilt from every version (publishing is rare): a ledger whose versions predate
        # the in-force key gets it complete at its next publication.
        in_force = rules.calendars_in_force(
            [*sctx.repo.calendar_versions(), record],
            None if day is None else day.business_date,
        )
        sctx.repo.put_calendar(record)
        sctx.repo.put_calendars_in_force(in_force)
        sctx.repo.emit(
            "CalendarPublished",
            {
                "calendar_id": publication.calendar_id,
                "effective_from": publication.effective_from,
                "source": publication.source.uri,
            },
        )
        return record

    @query("Get")
    def get(self, ctx: Context, calendar_id: str) -> CalendarRecord:
        """The version of ``calendar_id`` in effect on the latest business date
        (``UNKNOWN_CALENDAR`` when none was published or none is in effect yet)."""
        sctx = sovereign(ctx)
        rules.require_id(calendar_id, "calendar_id")
        records = sctx.repo.calendar_versions(calendar_id)
        day = rules.to_business_day(sctx.repo.business_day())
        versions = [(rules.published_calendar(r.publication), r) for r in records]
        current = calendar_in_effect(
            [v for v, _ in versions], None if day is None else day.business_date
        )
        for version, record in versions:
            if version.calendar is current:
                return record
        raise DomainError(
            ErrorCode.UNKNOWN_CALENDAR,
            f"{calendar_id}: no published version in effect (until one is, the calendar"
            " governance was bootstrapped with applies)",
        )

    @query("History")
    def history(self, ctx: Context, calendar_id: str) -> list[CalendarRecord]:
        """Every published version of ``calendar_id``, by effective date."""
        sctx = sovereign(ctx)
        rules.require_id(calendar_id, "calendar_id")
        return sctx.repo.calendar_versions(calendar_id)
