"""English month names and their short forms, as chat apps print them in dates ("Mar 10, 2024")."""

from __future__ import annotations

#: "jan" and "january" -> 1, ..., "sep", "sept" and "september" -> 9; lower case.
ENGLISH_MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        ("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
         "aug august", "sep sept september", "oct october", "nov november", "dec december"),
        start=1,
    )
    for name in names.split()
}
