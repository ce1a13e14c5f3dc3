"""Author colours (issue #15): every two colours of a palette are told apart at a glance,
measured as their distance in CIELAB (CIE76 delta E), and each palette stands apart from
the colour of the authors past it."""

from __future__ import annotations

import itertools

import pytest

from gigui.report.model import OTHER_DARK, OTHER_LIGHT, PALETTE_DARK, PALETTE_LIGHT

#: CIE76 delta E at which two flat colours read as different ones (about 2.3 is the least
#: difference seen side by side; 20 is a different colour at a glance).
APART = 20.0


def _lab(colour: str) -> tuple[float, float, float]:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _delta(a: str, b: str) -> float:
    return sum((p - q) ** 2 for p, q in zip(_lab(a), _lab(b), strict=True)) ** 0.5


@pytest.mark.parametrize(
    ("palette", "other"), [(PALETTE_LIGHT, OTHER_LIGHT), (PALETTE_DARK, OTHER_DARK)]
)
def test_every_two_author_colours_are_apart(palette, other) -> None:
    assert len(set(palette)) == len(palette) == 12
    close = [
        (a, b, round(_delta(a, b), 1))
        for a, b in itertools.combinations([*palette, other], 2)
        if _delta(a, b) < APART
    ]
    assert close == []
