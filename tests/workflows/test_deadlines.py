"""Deadline arithmetic on Tunisia's calendar, and the tick's decisions (pure)."""

from datetime import UTC, date, datetime, timedelta

from workflows.deadlines import (
    DEFAULT_POLICIES,
    TUNIS,
    Calendar,
    Clock,
    Policy,
    deadlines_for,
    next_step,
    policy_for,
)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TUNIS)


def local_day(moment: datetime) -> date:
    return moment.astimezone(TUNIS).date()


def test_weekends_are_skipped() -> None:
    friday = date(2026, 11, 20)
    assert local_day(Calendar().add(at(friday), 1)) == date(2026, 11, 23)  # Monday
    assert local_day(Calendar().add(at(friday), 5)) == date(2026, 11, 27)


def test_public_holidays_are_skipped() -> None:
    # 13 Aug 2026 (Women's Day) is a Thursday holiday
    assert local_day(Calendar().add(at(date(2026, 8, 12)), 1)) == date(2026, 8, 14)
    # New Year's Day 2027 is a Friday
    assert local_day(Calendar().add(at(date(2026, 12, 31)), 1)) == date(2027, 1, 4)


def test_islamic_holidays_move_every_year() -> None:
    calendar = Calendar()
    # Eid al-Fitr falls in March 2026 and about eleven days earlier in 2027
    assert not calendar.is_working_day(date(2026, 3, 20))
    assert calendar.is_working_day(date(2026, 3, 10))  # a plain Tuesday in 2026
    assert not calendar.is_working_day(date(2026, 5, 27))  # Eid al-Adha 2026 (a Wednesday)
    eid_2027 = [
        d
        for d in (date(2027, 3, 9), date(2027, 3, 10), date(2027, 3, 11))
        if not calendar.is_working_day(d)
    ]
    assert eid_2027, "Eid al-Fitr 2027 is a holiday"


def test_added_day_off_counts() -> None:
    monday = date(2026, 11, 23)
    plain = Calendar().add(at(monday), 1)
    with_day_off = Calendar(frozenset({date(2026, 11, 24)})).add(at(monday), 1)
    assert local_day(plain) == date(2026, 11, 24)
    assert local_day(with_day_off) == date(2026, 11, 25)


def test_deadlines_fall_at_close_of_business() -> None:
    due = Calendar().add(at(date(2026, 11, 23)), 2)
    assert due.astimezone(TUNIS).hour == 16 and due.tzinfo is not None


def test_access_to_information_has_twenty_days() -> None:
    policy = policy_for("access_to_information", None, DEFAULT_POLICIES)
    assert policy.resolution_days == 20 and policy.working_days


def test_corruption_reports_get_seven_days_and_three_months() -> None:
    policy = policy_for("corruption", None, DEFAULT_POLICIES)
    received = at(date(2026, 11, 23))
    first, due = deadlines_for(received, policy, Calendar())
    assert local_day(first) == date(2026, 11, 30)
    assert date(2027, 2, 21) <= local_day(due) <= date(2027, 2, 23)


def test_policy_specificity() -> None:
    policies = {
        (None, None): Policy(3, 15),
        ("water", None): Policy(2, 10),
        ("water", "sonede-kef"): Policy(1, 5),
        (None, "steg-kef"): Policy(4, 30),
    }
    assert policy_for("water", "sonede-kef", policies).resolution_days == 5
    assert policy_for("water", "other", policies).resolution_days == 10
    assert policy_for("roads", "steg-kef", policies).resolution_days == 30
    assert policy_for("roads", None, policies).resolution_days == 15


def clock(**kw: object) -> Clock:
    base = datetime(2026, 12, 10, 15, tzinfo=UTC)
    values: dict[str, object] = {
        "responded": False,
        "first_response_due": base,
        "due": base + timedelta(days=20),
        "reminders_sent": 0,
        "overdue": False,
        "escalation_level": 0,
        "paused": False,
        "can_escalate": True,
        "since": base - timedelta(days=10),
    }
    values.update(kw)
    return Clock(**values)  # type: ignore[arg-type]


def test_steps_reminders_then_overdue_then_escalations() -> None:
    policy = Policy(3, 15, reminder_days=(5, 2), escalation_grace_days=2)
    c = clock()
    deadline = c.first_response_due
    assert deadline is not None
    assert next_step(c, policy) == next_step(clock(), policy)
    first = next_step(c, policy)
    assert first is not None and first.kind == "remind" and first.at == deadline - timedelta(days=5)
    second = next_step(clock(reminders_sent=1), policy)
    assert second is not None and second.at == deadline - timedelta(days=2)
    due = next_step(clock(reminders_sent=2), policy)
    assert due is not None and due.kind == "overdue" and due.at == deadline
    up = next_step(clock(reminders_sent=2, overdue=True), policy)
    assert up is not None and up.kind == "escalate" and up.at == deadline + timedelta(days=2)
    again = next_step(clock(reminders_sent=2, overdue=True, escalation_level=1), policy)
    assert again is not None and again.at == deadline + timedelta(days=4)
    assert next_step(clock(overdue=True, can_escalate=False), policy) is None


def test_no_reminder_before_the_clock_started() -> None:
    policy = Policy(3, 15, reminder_days=(5, 2))
    c = clock(since=datetime(2026, 12, 7, 16, tzinfo=UTC))  # 3 days before the deadline
    step = next_step(c, policy)
    assert step is not None and step.at == datetime(
        2026, 12, 8, 15, tzinfo=UTC
    )  # only the 2-day one


def test_paused_clock_has_no_step() -> None:
    assert next_step(clock(paused=True), Policy(3, 15)) is None


def test_after_response_the_resolution_deadline_counts() -> None:
    c = clock(responded=True, reminders_sent=0)
    step = next_step(c, Policy(3, 15, reminder_days=(2,)))
    assert step is not None and c.due is not None and step.at == c.due - timedelta(days=2)
