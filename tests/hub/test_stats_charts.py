"""Chart geometry for the statistics page: numbers in, bars out, mirrored right to left."""

from __future__ import annotations

import pytest

from hub.stats.charts import Item, bars, columns, machine, mirrored, scale

MONTHS = [
    Item("2025-01", "January 2025", 8),
    Item("2025-02", "February 2025", "<5"),
    Item("2025-03", "March 2025", 0),
    Item("2025-04", "April 2025", 24, "24 cases"),
]


class TestScale:
    @pytest.mark.parametrize(
        ("peak", "whole", "top", "step"),
        [
            (24, True, 30, 10),
            (4, True, 4, 1),
            (0, True, 1, 1),
            (1234, True, 1500, 500),
            (1.0, False, 1.0, 0.25),
            (0.6, False, 0.6, 0.2),
        ],
    )
    def test_round_top_and_step(self, peak: float, whole: bool, top: float, step: float) -> None:
        assert scale(peak, whole) == pytest.approx((top, step))

    def test_machine_values(self) -> None:
        assert [machine(v) for v in (7, 0.857, 1.0, "<5")] == ["7", "0.857", "1", "<5"]


class TestColumns:
    def test_bars_stand_on_the_axis_in_proportion(self) -> None:
        chart = columns(MONTHS, withheld_as=4)
        assert chart.direction == "ltr" and not chart.wide
        january, february, march, april = chart.bars
        base = chart.axis[1]
        for bar in chart.bars:
            assert bar.y + bar.height == pytest.approx(base)
        assert april.height == pytest.approx(january.height * 24 / 8)
        assert march.height == 0
        assert february.withheld and february.height == pytest.approx(january.height * 4 / 8)
        assert [b.x for b in chart.bars] == sorted(b.x for b in chart.bars)
        assert all(b.width > 0 for b in chart.bars)

    def test_each_bar_carries_its_value_and_label(self) -> None:
        chart = columns(MONTHS)
        assert [b.value for b in chart.bars] == ["8", "<5", "0", "24"]
        assert [b.figure.content for b in chart.bars] == ["8", "<5", "0", "24 cases"]
        assert [b.caption.content for b in chart.bars if b.caption] == [m.label for m in MONTHS]
        january = chart.bars[0]
        assert january.figure.x == pytest.approx(january.x + january.width / 2)
        assert january.figure.y < january.y  # written above the bar
        assert january.figure.anchor == "middle"

    def test_ticks_run_from_zero_to_the_top(self) -> None:
        chart = columns(MONTHS, tick_text=lambda n: f"{n:g}!")
        assert [t.label.content for t in chart.ticks] == ["0!", "10!", "20!", "30!"]
        assert chart.ticks[0].y1 == pytest.approx(chart.axis[1])
        assert all(t.label.anchor == "end" and t.label.x < chart.axis[0] for t in chart.ticks)

    def test_many_bars_widen_the_chart_and_thin_the_captions(self) -> None:
        items = [Item(f"2024-{m:02d}", f"September 2024 #{m}", m) for m in range(1, 37)]
        chart = columns(items, width=640)
        assert chart.wide and chart.width > 640
        captions = [b.caption for b in chart.bars]
        assert captions[0] is not None and None in captions
        shown = [b.caption for b in chart.bars if b.caption]
        for left, right in zip(shown, shown[1:], strict=False):  # no two captions overlap
            assert right.x - left.x >= len(left.content) * 7

    def test_nothing_to_draw(self) -> None:
        chart = columns([])
        assert chart.bars == () and chart.width > 0

    def test_negative_counts_are_drawn_as_zero(self) -> None:
        assert columns([Item("a", "a", -3)]).bars[0].height == 0


class TestBars:
    def test_horizontal_bars_grow_from_the_start_under_their_caption(self) -> None:
        shares = [Item("sonede-kef", "SONEDE", 0.6, "60 %"), Item("steg-kef", "STEG", 0.3)]
        chart = bars(shares, maximum=1.0, whole=False)
        sonede, steg = chart.bars
        assert sonede.x == steg.x == chart.axis[0]
        assert sonede.width == pytest.approx(steg.width * 2)
        assert sonede.y < steg.y  # one under the other, in the order given
        assert sonede.caption and sonede.caption.y < sonede.y and sonede.caption.anchor == "start"
        assert sonede.figure.x > sonede.x + sonede.width and sonede.figure.content == "60 %"
        assert [b.value for b in chart.bars] == ["0.6", "0.3"]
        # The scale is the whole 0-100 %, not the largest share.
        assert chart.ticks[-1].x1 == pytest.approx(sonede.x + sonede.width / 0.6)

    def test_withheld_counts_get_a_fixed_length(self) -> None:
        chart = bars([Item("sms", "SMS", 10), Item("web", "Web", "<5")], withheld_as=4)
        sms, web = chart.bars
        assert web.withheld and not sms.withheld
        assert web.width == pytest.approx(sms.width * 4 / 10)


class TestRightToLeft:
    def test_first_item_stands_on_the_right(self) -> None:
        ltr = columns(MONTHS)
        rtl = columns(MONTHS, right_to_left=True)
        assert rtl.direction == "rtl" and rtl.width == ltr.width
        lefts = [b.x for b in rtl.bars]
        assert lefts == sorted(lefts, reverse=True)
        for a, b in zip(ltr.bars, rtl.bars, strict=True):
            assert b.x == pytest.approx(ltr.width - a.x - a.width)
            assert (b.y, b.height, b.value) == (a.y, a.height, a.value)
            assert b.figure.x == pytest.approx(ltr.width - a.figure.x)
        # Tick labels move to the right side; logical anchors mirror with the direction.
        assert all(t.label.x > rtl.axis[0] and t.label.anchor == "end" for t in rtl.ticks)

    def test_horizontal_bars_grow_from_the_right(self) -> None:
        rtl = bars([Item("sms", "SMS", 10)], right_to_left=True)
        bar = rtl.bars[0]
        assert bar.x + bar.width == pytest.approx(rtl.width - 8)
        assert bar.caption and bar.caption.x == pytest.approx(bar.x + bar.width)
        assert bar.figure.x < bar.x

    def test_mirroring_twice_gives_the_chart_back(self) -> None:
        chart = bars([Item("a", "A", 3), Item("b", "B", 7)])
        assert mirrored(mirrored(chart)) == chart
