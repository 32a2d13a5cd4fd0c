"""The sentence beside a connector form's save button, from ``syncs.start_rules.on_save``."""

from datetime import UTC, datetime, timedelta

from syncs import scheduling, start_rules


def test_each_schedule_says_what_saving_starts():
    assert start_rules.on_save(scheduling.Schedule()) == "Nothing runs until you start a sync."
    assert "in a collection" in start_rules.on_save(scheduling.Schedule("imed"))
    assert "each time it is started" in start_rules.on_save(scheduling.Schedule("once"))
    assert "polling interval" in start_rules.on_save(None)


def test_a_cron_schedule_names_its_first_run_in_its_own_time_zone():
    sentence = start_rules.on_save(scheduling.cron("0 3 * * *", "Europe/Berlin"))
    first = scheduling.next_runs(scheduling.cron("0 3 * * *", "Europe/Berlin"), 1)[0]
    assert sentence.startswith(f"Nothing runs now; first import at {first:%a %-d %b %Y}, 03:00 CE")
    assert sentence.endswith("then at 03:00 AM (Europe/Berlin).")


def test_a_date_schedule_names_its_one_run_and_a_past_one_runs_nothing():
    at = (datetime.now(UTC) + timedelta(days=2)).replace(second=0, microsecond=0)
    sentence = start_rules.on_save(scheduling.Schedule("when", at=at))
    assert sentence == f"Nothing runs now; one import at {at:%a %-d %b %Y, %H:%M UTC}."
    past = scheduling.Schedule("when", at=at - timedelta(days=10))
    assert start_rules.on_save(past) == "Nothing runs until you start a sync."
