"""Colours per policy, the same in every figure, readable by colour-blind viewers.

Okabe & Ito's palette (2008), designed to stay distinct under the common colour-vision
deficiencies; each policy also has its own marker and dash, so print in grey still reads.
"""

from __future__ import annotations

OKABE_ITO = [
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
]
FIXED = {"aht": "#D55E00", "volume": "#0072B2", "quality": "#009E73"}
"""The shipped policies keep their colour whatever else a figure shows."""
MARKERS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
FIXED_STYLE = {"aht": 1, "volume": 0, "quality": 2}

# Up and down in a waterfall are shades of grey: colours mean policies, nothing else.
UP = "#6b6b6b"
DOWN = "#c4c4c4"
NEUTRAL = "#999999"
INK = "#1a1a1a"


def colours(names: list[str]) -> dict[str, str]:
    """A colour for each name: the shipped policies' own, then the palette's unused ones."""
    free = [c for c in OKABE_ITO if c not in FIXED.values()]
    result, k = {}, 0
    for name in names:
        if name in FIXED:
            result[name] = FIXED[name]
        else:
            result[name] = free[k % len(free)]
            k += 1
    return result


def style(names: list[str]) -> dict[str, tuple[str, str]]:
    """(marker, dash) for each name, distinct among the first six."""
    taken = {FIXED_STYLE[n] for n in names if n in FIXED_STYLE}
    free = [i for i in range(len(DASHES)) if i not in taken]
    result, k = {}, 0
    for name in names:
        if name in FIXED_STYLE:
            i = FIXED_STYLE[name]
        else:
            i = free[k % len(free)] if free else k % len(DASHES)
            k += 1
        result[name] = (MARKERS[i % len(MARKERS)], DASHES[i % len(DASHES)])
    return result
