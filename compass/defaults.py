"""The default compass regions and lever step wording, installed as data rows.

The data migration 0002 holds a frozen copy; `defaults_install()` (compass.services) installs
these for tests and fresh demo databases. Schools reword them in admin; code reads the rows.
"""

from decimal import Decimal

# key, label, description, order, is_goal, x_min, x_max, y_min, y_max (see compass.models).
REGIONS = [
    (
        "centre",
        "Getting to know each other",
        "Some contact both ways and a fair view of each other; the relationship is still forming.",
        1,
        False,
        Decimal("2.0"),
        Decimal("3.0"),
        Decimal("2.0"),
        Decimal("3.0"),
    ),
    (
        "north-east",
        "Positive partners",
        "Frequent, easy contact started from both sides; the parent is seen as the expert on "
        "their child and plans with the school.",
        2,
        True,
        Decimal("2.5"),
        None,
        Decimal("2.5"),
        None,
    ),
    (
        "south-east",
        "In close contact, under strain",
        "Plenty of contact, but it is often about problems and trust has worn thin on one or "
        "both sides.",
        3,
        False,
        Decimal("2.5"),
        None,
        None,
        Decimal("2.5"),
    ),
    (
        "north-west",
        "Well-disposed but distant",
        "Goodwill on both sides, but little contact and few easy ways into school life.",
        4,
        False,
        None,
        Decimal("2.5"),
        Decimal("2.5"),
        None,
    ),
    (
        "south-west",
        "Not yet reached",
        "Little contact, mostly one way, and the relationship feels strained: the school has "
        "yet to find a way in that works for this family.",
        5,
        False,
        None,
        Decimal("2.5"),
        None,
        Decimal("2.5"),
    ),
]

# (lever, step): description — one line each, read while choosing.
LEVER_STEPS = {
    ("communication", 1): "Little contact, or only one-way messages about problems.",
    ("communication", 2): "Occasional contact, mostly started by the school.",
    ("communication", 3): "Regular two-way contact that includes good news.",
    ("communication", 4): "Open and frequent; both sides get in touch when they need to.",
    ("access", 1): "The parent rarely comes in or reaches staff; times and places do not suit.",
    ("access", 2): "Formal occasions only (e.g. parents' evening), at the school's times.",
    ("access", 3): "Staff are easy to reach; meetings offered at times and places that suit.",
    ("access", 4): "The parent takes part in school life and has a quick route to their contact.",
    ("attitude", 1): "The relationship has turned negative; the parent is seen as the problem.",
    ("attitude", 2): "The parent is treated mainly as someone to pass information to.",
    ("attitude", 3): "The parent's views are sought and taken into account.",
    ("attitude", 4): "The parent is seen as the expert on their child and as a partner.",
}
