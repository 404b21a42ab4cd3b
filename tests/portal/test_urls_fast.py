"""Links drawn through portal.urls_fast: for every named route that takes ids, the same text as
Django's reverse(); anything it cannot keep is reversed as usual."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.base import set_script_prefix
from django.urls.converters import IntConverter

from portal import urls_fast
from portal.lib.limits import IdConverter
from portal.urls_fast import fast_reverse


def _routes(patterns=None, namespace=""):
    """(name with its namespaces, number of arguments) for every named route whose arguments
    are all whole numbers."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _routes(p.url_patterns, inner)
        elif isinstance(p, URLPattern) and p.name:
            converters = getattr(p.pattern, "converters", {})
            if all(isinstance(c, IntConverter | IdConverter) for c in converters.values()):
                yield f"{namespace}{p.name}", len(converters)


def test_every_route_with_ids_gives_what_reverse_gives():
    routes = sorted(set(_routes()))
    # The portal's routes, not an empty walk: most of them take one id or more.
    assert len([name for name, arity in routes if arity]) > 100
    checked = with_ids = 0
    for name, arity in routes:
        for ids in ([7, 12, 3][:arity], [123456, 1, 99][:arity]):
            try:
                expected = reverse(name, args=ids)
            except NoReverseMatch:  # a name shared by routes of another arity
                continue
            assert fast_reverse(name, args=ids) == expected, name
            assert fast_reverse(name, args=ids) == expected, name  # and from what it kept
            checked += 1
            with_ids += bool(ids)
    assert checked > 100
    assert with_ids > 100
    # And most were drawn from a kept pattern, not reversed again.
    assert sum(1 for pieces in urls_fast._kept.values() if pieces) > 100


def test_what_it_cannot_keep_is_reversed_as_usual():
    assert fast_reverse("families:family-detail", kwargs={"pk": 5}) == reverse(
        "families:family-detail", kwargs={"pk": 5}
    )
    assert fast_reverse("families:family-detail", args=["5"]) == reverse(
        "families:family-detail", args=["5"]
    )
    with pytest.raises(NoReverseMatch):
        fast_reverse("families:family-detail", args=[-5])
    with pytest.raises(NoReverseMatch):
        fast_reverse("families:no-such-page", args=[5])


def test_a_prefix_keeps_its_own_pattern():
    plain = fast_reverse("families:family-detail", args=[5])
    set_script_prefix("/portal/")
    try:
        assert fast_reverse("families:family-detail", args=[5]) == "/portal" + plain
    finally:
        set_script_prefix("/")
    assert fast_reverse("families:family-detail", args=[5]) == plain


def test_a_new_urlconf_forgets_the_kept_patterns(settings):
    fast_reverse("families:family-detail", args=[5])
    assert urls_fast._kept
    settings.ROOT_URLCONF = "portal.urls"  # as override_settings does in a test
    assert not urls_fast._kept


def test_the_kept_patterns_stay_bounded(monkeypatch):
    monkeypatch.setattr(urls_fast, "MAX_KEPT", 2)
    urls_fast._kept.clear()
    for n in range(5):
        fast_reverse("families:family-detail", args=[n], current_app=f"app{n}")
    assert len(urls_fast._kept) <= 2


def test_the_url_tag_draws_the_same_links():
    template = Template(
        "{% url 'families:family-detail' pk %}|{% url 'families:family-detail' pk as link %}"
        "{{ link }}|{% url 'families:family-list' %}|{% url 'families:family-detail' pk=pk %}"
    )
    detail = reverse("families:family-detail", args=[42])
    assert template.render(Context({"pk": 42})) == (
        f"{detail}|{detail}|{reverse('families:family-list')}|{detail}"
    )
    # `as` swallows a link that cannot be drawn, as Django's tag does; without it, it is an error.
    assert Template("{% url 'families:nowhere' 1 as x %}[{{ x }}]").render(Context()) == "[]"
    with pytest.raises(NoReverseMatch):
        Template("{% url 'families:nowhere' 1 %}").render(Context())
