"""Bar charts as geometry: numbers and labels in, rectangles and text positions out.

Pure: no I/O, no markup. The statistics page draws each bar as an SVG rect with
its figure and caption. Right to left mirrors every x, so the first item stands
on the right; text anchors stay logical ("start", "end"), and the SVG carries the
page's direction, so each text mirrors with its bar.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

# A published figure: a number, or a withheld one such as "<5".
Value = int | float | str

WIDTH = 640.0
CHAR_WIDTH = 7.0  # a generous average width of a 12px character, to space captions


@dataclass(frozen=True)
class Item:
    key: str  # the code behind the bar: a month "2025-03", a structure code
    label: str  # its name in the page language
    value: Value
    text: str | None = None  # the value as written in the page language; str(value) if None


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    anchor: str  # start, middle or end of the text, in its own direction
    content: str


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    value: str  # machine-readable: "7", "0.857", or the withheld "<5"
    withheld: bool
    x: float
    y: float
    width: float
    height: float
    figure: Text  # the value, at the bar's end
    caption: Text | None  # the label; None where captions are thinned out to stay legible


@dataclass(frozen=True)
class Tick:
    x1: float
    y1: float
    x2: float
    y2: float
    label: Text


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    direction: str  # "ltr" or "rtl"
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    axis: tuple[float, float, float, float]  # x1, y1, x2, y2 of the line the bars stand on
    wide: bool  # wider than asked for: too many bars to fit, the page scrolls it


def plain(number: float) -> str:
    return f"{number:g}"


def machine(value: Value) -> str:
    return value if isinstance(value, str) else plain(value)


def scale(peak: float, whole: bool = True) -> tuple[float, float]:
    """A round top of the scale at or above `peak`, and the step between its ticks."""
    peak = peak if peak > 0 else 1.0
    rough = peak / 4
    magnitude = 10 ** math.floor(math.log10(rough))
    multiples = (1.0, 2.0, 5.0, 10.0) if whole else (1.0, 2.0, 2.5, 5.0, 10.0)
    step = next(m * magnitude for m in multiples if m * magnitude >= rough)
    if whole:
        step = float(max(1, math.ceil(step)))
    top = math.ceil(round(peak / step, 9)) * step
    return top, step


def columns(
    items: Sequence[Item],
    *,
    right_to_left: bool = False,
    maximum: float | None = None,
    withheld_as: float = 0.0,
    whole: bool = True,
    tick_text: Callable[[float], str] = plain,
    width: float = WIDTH,
    height: float = 260.0,
    min_slot: float = 44.0,
) -> Chart:
    """Vertical bars side by side (months along the axis), captions under them."""
    gutter, end_pad, top_pad, bottom_pad = 48.0, 8.0, 22.0, 30.0
    natural = gutter + end_pad + len(items) * min_slot
    drawn_width = max(width, natural)
    x0, x1 = gutter, drawn_width - end_pad
    base, plot_top = height - bottom_pad, top_pad
    top, step = scale(_peak(items, maximum, withheld_as), whole)
    slot = (x1 - x0) / len(items) if items else 0.0
    bar_width = slot * 0.7
    longest = max((len(item.label) for item in items), default=0) * CHAR_WIDTH + 8
    every = max(1, math.ceil(longest / slot)) if slot else 1

    def along(v: float) -> float:
        return (base - plot_top) * min(v, top) / top

    bars = []
    for i, item in enumerate(items):
        amount = _amount(item.value, withheld_as)
        x = x0 + i * slot + (slot - bar_width) / 2
        h = along(amount)
        middle = x + bar_width / 2
        bars.append(
            Bar(
                key=item.key,
                label=item.label,
                value=machine(item.value),
                withheld=isinstance(item.value, str),
                x=x,
                y=base - h,
                width=bar_width,
                height=h,
                figure=Text(middle, base - h - 5, "middle", _text(item)),
                caption=Text(middle, base + 18, "middle", item.label) if i % every == 0 else None,
            )
        )
    ticks = []
    for t in _steps(top, step):
        y = base - along(t)
        ticks.append(Tick(x0, y, x1, y, Text(x0 - 6, y + 4, "end", tick_text(t))))
    chart = Chart(
        drawn_width, height, "ltr", tuple(bars), tuple(ticks), (x0, base, x1, base), natural > width
    )
    return mirrored(chart) if right_to_left else chart


def bars(
    items: Sequence[Item],
    *,
    right_to_left: bool = False,
    maximum: float | None = None,
    withheld_as: float = 0.0,
    whole: bool = True,
    tick_text: Callable[[float], str] = plain,
    width: float = WIDTH,
) -> Chart:
    """Horizontal bars one under the other (structures, channels), each under its caption."""
    row, bar_height, start_pad, value_room, top_pad, bottom_pad = 44.0, 18.0, 8.0, 72.0, 6.0, 26.0
    x0, x1 = start_pad, width - value_room
    base = top_pad + len(items) * row
    top, step = scale(_peak(items, maximum, withheld_as), whole)

    def along(v: float) -> float:
        return (x1 - x0) * min(v, top) / top

    drawn = []
    for i, item in enumerate(items):
        amount = _amount(item.value, withheld_as)
        row_top = top_pad + i * row
        length = along(amount)
        drawn.append(
            Bar(
                key=item.key,
                label=item.label,
                value=machine(item.value),
                withheld=isinstance(item.value, str),
                x=x0,
                y=row_top + 20,
                width=length,
                height=bar_height,
                figure=Text(x0 + length + 6, row_top + 20 + 14, "start", _text(item)),
                caption=Text(x0, row_top + 15, "start", item.label),
            )
        )
    ticks = []
    for t in _steps(top, step):
        x = x0 + along(t)
        ticks.append(Tick(x, top_pad, x, base, Text(x, base + 18, "middle", tick_text(t))))
    chart = Chart(
        width, base + bottom_pad, "ltr", tuple(drawn), tuple(ticks), (x0, top_pad, x0, base), False
    )
    return mirrored(chart) if right_to_left else chart


def mirrored(chart: Chart) -> Chart:
    """The same chart read right to left: every x reflected across the middle."""
    w = chart.width

    def flip(text: Text | None) -> Text | None:
        return None if text is None else replace(text, x=w - text.x)

    def flip_bar(bar: Bar) -> Bar:
        figure = flip(bar.figure)
        assert figure is not None
        return replace(bar, x=w - bar.x - bar.width, figure=figure, caption=flip(bar.caption))

    def flip_tick(tick: Tick) -> Tick:
        label = flip(tick.label)
        assert label is not None
        return replace(tick, x1=w - tick.x1, x2=w - tick.x2, label=label)

    x1, y1, x2, y2 = chart.axis
    return replace(
        chart,
        direction="rtl" if chart.direction == "ltr" else "ltr",
        bars=tuple(flip_bar(b) for b in chart.bars),
        ticks=tuple(flip_tick(t) for t in chart.ticks),
        axis=(w - x1, y1, w - x2, y2),
    )


def _amount(value: Value, withheld_as: float) -> float:
    return withheld_as if isinstance(value, str) else max(0.0, float(value))


def _peak(items: Sequence[Item], maximum: float | None, withheld_as: float) -> float:
    peak = max((_amount(item.value, withheld_as) for item in items), default=0.0)
    return max(peak, maximum or 0.0)


def _steps(top: float, step: float) -> list[float]:
    return [round(k * step, 9) for k in range(int(round(top / step)) + 1)]


def _text(item: Item) -> str:
    return item.text if item.text is not None else machine(item.value)
