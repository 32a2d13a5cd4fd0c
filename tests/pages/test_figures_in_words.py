"""Figures on the pages: thousands separators, "just now", a chart whose y-axis labels fit."""

from datetime import date, timedelta

from django.utils import timezone

from config.pages.templatetags import ago, intcomma
from syncs.views.charts import daily_bars


def test_a_moment_under_a_minute_old_is_just_now():
    now = timezone.now()
    assert ago(now) == "just now"
    assert ago(now - timedelta(seconds=59)) == "just now"
    assert ago(now - timedelta(minutes=5, seconds=3)) == "5\xa0minutes ago"
    assert ago(None) == ""


def test_numbers_have_thousands_separators():
    assert intcomma(1234567) == "1,234,567"
    assert intcomma(12) == "12"


def test_the_chart_leaves_room_for_its_widest_axis_label():
    first = date(2026, 1, 1)
    small = daily_bars({first: 3}, first, 14)
    large = daily_bars({first: 1_234_567}, first, 14)
    assert small.plot_left == 44
    widest = f"{large.grid[-1].value:,}"
    assert widest == "2,000,000"
    assert large.plot_left >= 7 * len(widest) + 8
    assert large.bars[0].x > large.plot_left
