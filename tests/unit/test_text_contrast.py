"""White text on the app's coloured labels is readable: 4.5:1 or more (WCAG 2.1, 1.4.3)."""

from __future__ import annotations

import re

import pytest

from geo.exports.map_html import _PAGE
from ui.calendar import COLOURS, CONFLICT_COLOUR, LOGGED_COLOUR, RANDOM_COLOUR

WHITE = "#ffffff"


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula_gives_the_known_figures() -> None:
    assert contrast("#000000", WHITE) == pytest.approx(21.0)
    # The caption grey and the old calendar green that issue 15 measured.
    assert contrast("#828180", WHITE) == pytest.approx(3.88, abs=0.01)
    assert contrast("#1a9641", WHITE) == pytest.approx(3.83, abs=0.01)


@pytest.mark.parametrize(
    "colour",
    [*COLOURS.values(), RANDOM_COLOUR, CONFLICT_COLOUR, LOGGED_COLOUR],
)
def test_white_event_text_in_the_calendar_is_readable(colour: str) -> None:
    assert contrast(colour, WHITE) >= 4.5


@pytest.mark.parametrize("badge", ["internal", "public"])
def test_the_exported_maps_audience_badge_is_readable(badge: str) -> None:
    match = re.search(rf"\.badge\.{badge} {{{{ background: (#[0-9a-f]{{6}});", _PAGE)
    assert match is not None
    assert contrast(match.group(1), WHITE) >= 4.5
