"""The sentence beside a connector form's save button, from ``syncs.start_rules.on_save``."""

from datetime import UTC, datetime, timedelta

from connectors import schedules
from syncs import start_rules


def test_each_schedule_says_what_saving_starts():
    assert start_rules.on_save(schedules.Schedule()) == "Nothing runs until you start a sync."
    assert "in a collection" in start_rules.on_save(schedules.Schedule("imed"))
    assert "each time it is started" in start_rules.on_save(schedules.Schedule("once"))


def test_a_cron_schedule_names_its_first_run_in_its_own_time_zone():
    sentence = start_rules.on_save(schedules.cron("0 3 * * *", "Europe/Berlin"))
    first = schedules.next_runs(schedules.cron("0 3 * * *", "Europe/Berlin"), 1)[0]
    assert sentence.startswith(f"Nothing runs now; first import at {first:%a %-d %b %Y}, 03:00 CE")
    assert sentence.endswith("then at 03:00 AM (Europe/Berlin).")


def test_a_date_schedule_names_its_one_run_and_a_past_one_runs_nothing():
    at = (datetime.now(UTC) + timedelta(days=2)).replace(second=0, microsecond=0)
    sentence = start_rules.on_save(schedules.Schedule("when", at=at))
    assert sentence == f"Nothing runs now; one import at {at:%a %-d %b %Y, %H:%M UTC}."
    past = schedules.Schedule("when", at=at - timedelta(days=10))
    assert start_rules.on_save(past) == "Nothing runs until you start a sync."


def test_a_schedule_is_written_into_the_config_fields_that_say_it():
    config = {"operations_config": {"batch_size": 100, "pollingInterval": "Once"}, "x": 1}
    weekly = schedules.config_with_schedule(config, schedules.cron("0 0 * * 0", "UTC"))
    assert weekly["operations_config"] == {
        "batch_size": 100,
        "pollingInterval": "Periodic",
        "schedule": "Weekly",
    }
    assert schedules.from_config(weekly) == schedules.cron("0 0 * * 0", "UTC")
    custom = schedules.config_with_schedule(weekly, schedules.cron("15 4 * * 2", "UTC"))
    assert custom["operations_config"]["schedule"] == "Weekly"  # no name for it: kept
    once = schedules.config_with_schedule(weekly, schedules.Schedule("none"))
    assert once["operations_config"] == {"batch_size": 100, "pollingInterval": "Once"}
    assert config["operations_config"]["pollingInterval"] == "Once"  # the given one is not changed
    assert schedules.config_with_schedule({"x": 1}, schedules.Schedule("once")) == {"x": 1}
    live = {"runMode": "SCAN_ONCE"}
    hourly = schedules.config_with_schedule(live, schedules.cron("0 * * * *", "UTC"))
    assert hourly == {"runMode": "CONTINUOUS"}
