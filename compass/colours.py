"""The compass regions' colours: one source for the family drawing, the school compass and the
dashboard's bars, so a region looks the same wherever it is drawn."""

from __future__ import annotations

# In compass order (the region's position among the school's regions), then wrapping round.
REGION_COLOURS = ["#2f6f4e", "#1d4ed8", "#b45309", "#7c3aed", "#9a3412", "#0f766e", "#475569"]
NOT_PLACED_COLOUR = "#adb5bd"


def region_colour(index: int) -> str:
    """The colour of the region at `index` in the school's region order."""
    return REGION_COLOURS[index % len(REGION_COLOURS)]


def region_colours(regions) -> dict[str, str]:
    """{region key: colour} for the school's regions, in their order."""
    return {region.key: region_colour(i) for i, region in enumerate(regions)}
