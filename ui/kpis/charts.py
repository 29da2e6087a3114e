"""Chart geometry for server-rendered inline SVG: no JavaScript, no external files.

Coordinates are computed here with Decimal (the values are money and days) and
formatted to one decimal; the template only draws what it is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gateway.queries.kpi_trend import TrendPoint

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40
TENTH = Decimal("0.1")


def _fmt(value: Decimal) -> str:
    return str(value.quantize(TENTH, rounding=ROUND_HALF_UP))


def _nice_max(value: Decimal) -> Decimal:
    """A round axis maximum at or above ``value`` (1, 2 or 5 times a power of 10)."""
    if value <= 0:
        return Decimal(1)
    power = Decimal(10) ** (value.adjusted())
    for step in (1, 2, 5, 10):
        if value <= power * step:
            return power * step
    return power * 10


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: Decimal
    x: str
    y: str
    width: str
    height: str
    center: str


@dataclass(frozen=True, slots=True)
class Tick:
    label: str
    y: str


@dataclass(frozen=True, slots=True)
class BarChart:
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]


def aging_chart(labels: Sequence[str], amounts: Sequence[Decimal]) -> BarChart:
    """Vertical bars, one per bucket, scaled to a round maximum."""
    top = _nice_max(max(amounts, default=Decimal(0)))
    inner_w = Decimal(WIDTH - LEFT - RIGHT)
    inner_h = Decimal(HEIGHT - TOP - BOTTOM)
    slot = inner_w / max(len(labels), 1)
    bars = []
    for i, (label, amount) in enumerate(zip(labels, amounts, strict=True)):
        height = max(Decimal(0), amount) / top * inner_h
        bars.append(
            Bar(
                label=label,
                value=amount,
                x=_fmt(LEFT + slot * i + slot * Decimal("0.15")),
                y=_fmt(TOP + inner_h - height),
                width=_fmt(slot * Decimal("0.7")),
                height=_fmt(height),
                center=_fmt(LEFT + slot * i + slot / 2),
            )
        )
    return BarChart(tuple(bars), y_ticks(top))


def compact(value: Decimal) -> str:
    """An axis label that fits the margin: 2500000 -> 2.5M, 750000 -> 750k."""
    for size, suffix in ((10**9, "B"), (10**6, "M"), (10**3, "k")):
        if abs(value) >= size:
            return f"{(value / size).normalize():f}{suffix}"
    return f"{value.normalize():f}"


def y_ticks(top: Decimal, count: int = 4) -> tuple[Tick, ...]:
    inner_h = Decimal(HEIGHT - TOP - BOTTOM)
    return tuple(
        Tick(
            label=compact(top * k / count), y=_fmt(TOP + inner_h - inner_h * k / count)
        )
        for k in range(count + 1)
    )


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    points: str  # the polyline's "x,y x,y ..."
    dots: tuple[tuple[str, str, str], ...]  # (x, y, value) for markers and titles


@dataclass(frozen=True, slots=True)
class LineChart:
    series: tuple[Series, ...]
    x_labels: tuple[tuple[str, str], ...]  # (x, label)
    ticks: tuple[Tick, ...]


def _x(i: int, count: int) -> Decimal:
    inner_w = Decimal(WIDTH - LEFT - RIGHT)
    return LEFT + inner_w * (Decimal(i) + Decimal("0.5")) / max(count, 1)


def dso_lines(points: Sequence[TrendPoint]) -> LineChart:
    """Standard and count-back DSO per month end; undefined points are gaps."""
    values = [v for p in points for v in (p.dso, p.dso_count_back) if v is not None]
    top = _nice_max(max(values, default=Decimal(0)))
    inner_h = Decimal(HEIGHT - TOP - BOTTOM)
    series = []
    for name, attr in (("DSO", "dso"), ("Count-back DSO", "dso_count_back")):
        dots = []
        for i, point in enumerate(points):
            value = getattr(point, attr)
            if value is not None:
                y = TOP + inner_h - value / top * inner_h
                dots.append((_fmt(_x(i, len(points))), _fmt(y), str(value)))
        series.append(
            Series(name, " ".join(f"{x},{y}" for x, y, _ in dots), tuple(dots))
        )
    labels = tuple(
        (_fmt(_x(i, len(points))), p.month_end.strftime("%b %y"))
        for i, p in enumerate(points)
    )
    return LineChart(tuple(series), labels, y_ticks(top))
