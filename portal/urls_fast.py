"""`reverse()` for the links a page draws, from a pattern kept per view name and arity.

Django's reverse() looks the name up through the resolvers, tries each candidate pattern and
quotes the result on every call: about 30 µs here, and a family page draws some seventy links
(each chronology entry has four or five). Most links take whole-number ids only, so the first
call for a name reverses it with stand-in ids and keeps the text around them; later calls put
the ids in. Anything else (keyword arguments, text, a negative number, a name whose converter
changes the stand-in) is reversed as usual.
"""

from __future__ import annotations

from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation

# Stand-in ids: no real id comes near them, and none is part of another.
_STAND_INS = tuple(str(918_273_645_000 + n) for n in range(1, 10))
# (view name, arity, urlconf, prefix, language, current app) -> the text around the ids, or
# None where the name cannot be kept so.
_kept: dict[tuple, tuple[str, ...] | None] = {}
MAX_KEPT = 5000


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":  # the same key, other routes
        _kept.clear()


def _plain_id(arg: Any) -> bool:
    return type(arg) is int and arg >= 0


def fast_reverse(view_name: str, args=(), kwargs=None, current_app=None) -> str:
    if kwargs or len(args) > len(_STAND_INS) or not all(_plain_id(a) for a in args):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    key = (
        view_name,
        len(args),
        get_urlconf(),
        get_script_prefix(),
        translation.get_language(),
        current_app,
    )
    pieces = _kept.get(key, ())
    if pieces == ():
        pieces = _pieces(view_name, len(args), current_app)
        if len(_kept) >= MAX_KEPT:
            _kept.clear()
        _kept[key] = pieces
    if pieces is None:
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    out = [pieces[0]]
    for arg, piece in zip(args, pieces[1:], strict=True):
        out.append(str(arg))
        out.append(piece)
    return "".join(out)


def _pieces(view_name: str, arity: int, current_app) -> tuple[str, ...] | None:
    """The reversed URL split around its stand-in ids, in order; None if they do not each
    appear once and in order (a converter that rewrites its value, a pattern that drops one)."""
    from django.urls import NoReverseMatch

    stand_ins = _STAND_INS[:arity]
    try:
        url = reverse(view_name, args=[int(s) for s in stand_ins], current_app=current_app)
    except NoReverseMatch:
        return None  # a real call raises its own error
    pieces = []
    rest = url
    for stand_in in stand_ins:
        if url.count(stand_in) != 1:
            return None
        before, _, rest = rest.partition(stand_in)
        pieces.append(before)
    pieces.append(rest)
    return tuple(pieces)
