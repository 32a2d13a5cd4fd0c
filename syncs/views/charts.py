"""A bar chart of counts per day, laid out here and drawn as SVG by the template (no script)."""

import math
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass
class Bar:
    day: date
    count: int
    x: float
    y: float
    width: float
    height: float
    label_x: float
    show_label: bool


@dataclass
class GridLine:
    y: float
    value: int


@dataclass
class DailyChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    baseline: float
    bars: list[Bar]
    grid: list[GridLine]
    total: int
    busiest: Bar | None


def _nice_top(value: int) -> int:
    """The smallest of 1, 2, 5 times a power of ten that is at least ``value`` (at least 4)."""
    if value <= 4:
        return 4
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


LABEL_CHARACTER_WIDTH = 7


def daily_bars(
    counts: dict[date, int], first_day: date, days: int, *, width=640, height=200
) -> DailyChart:
    right, top, bottom = 8, 12, 26
    days_list = [first_day + timedelta(days=offset) for offset in range(days)]
    peak = _nice_top(max((counts.get(day, 0) for day in days_list), default=0))
    # Room for the widest y-axis label (the top one, with its thousands separators) at 11px.
    left = max(44, 14 + LABEL_CHARACTER_WIDTH * len(f"{peak:,}"))
    plot_width, plot_height = width - left - right, height - top - bottom
    slot = plot_width / days
    label_every = max(1, math.ceil(days / 7))
    bars = []
    for index, day in enumerate(days_list):
        count = counts.get(day, 0)
        bar_height = plot_height * count / peak
        bars.append(
            Bar(
                day=day,
                count=count,
                x=round(left + index * slot + slot * 0.18, 1),
                y=round(top + plot_height - bar_height, 1),
                width=round(slot * 0.64, 1),
                height=round(bar_height, 1),
                label_x=round(left + index * slot + slot / 2, 1),
                show_label=(days - 1 - index) % label_every == 0,
            )
        )
    grid = [
        GridLine(y=round(top + plot_height - plot_height * share, 1), value=round(peak * share))
        for share in (0, 0.5, 1)
    ]
    busiest = max(bars, key=lambda bar: bar.count) if any(b.count for b in bars) else None
    return DailyChart(
        width=width,
        height=height,
        plot_left=left,
        plot_right=width - right,
        baseline=top + plot_height,
        bars=bars,
        grid=grid,
        total=sum(bar.count for bar in bars),
        busiest=busiest,
    )
