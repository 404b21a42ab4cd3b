"""Choosing a family from a long list: search as you type, and without JavaScript too.

A form field with FamilyChooserWidget draws a text field and the matching families as radio
buttons. With htmx, typing asks families:family-choose for the matches (a partial); without
it, the "Find" button sends the whole form back with `<field>_find`, and the view shows the
same form again with the matches, nothing saved (see `is_finding`). Names go by POST only,
never in a URL. Matches are only families the user may see, named by families.labels.
"""

from __future__ import annotations

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string

from families.labels import label_children
from families.models import Child, Family, ParentCarer, SchoolFamily
from portal.lib.limits import parse_id

RESULTS_LIMIT = 20
# A school with more families than this gets the search field instead of one long list.
LONG_LIST = 30


def family_search(families, school, term: str):
    """Each word must match the family's name, a child's name here or a parent's name."""
    for word in term.split()[:6]:
        children = Child.objects.filter(family=OuterRef("pk"), school=school).filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
        parents = ParentCarer.objects.filter(family=OuterRef("pk")).filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
        families = families.filter(Q(name__icontains=word) | Exists(children) | Exists(parents))
    return families


def families_to_choose(user, school):
    """The families of `school` this user may see, with the children their labels name."""
    seen = SchoolFamily.objects.visible_to(user, school).values("family_id")
    return (
        Family.objects.filter(pk__in=seen)
        .prefetch_related(label_children(school))
        .order_by("name", "pk")
    )


def matches(families, school, term: str) -> tuple[list[Family], bool]:
    """Up to RESULTS_LIMIT families matching `term`, and whether there were more."""
    term = term.strip()[:100]
    if not term:
        return [], False
    found = list(family_search(families, school, term)[: RESULTS_LIMIT + 1])
    return found[:RESULTS_LIMIT], len(found) > RESULTS_LIMIT


def is_finding(request, name: str = "family") -> bool:
    """The form came back from the chooser's "Find" button (no JavaScript): show, don't save."""
    return request.method == "POST" and f"{name}_find" in request.POST


class FamilyChooserWidget(forms.Widget):
    """A search field and the matching families as radio buttons (see the module docstring)."""

    template_name = "families/includes/family_chooser.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.query = ""
        self.results: list[Family] = []
        self.more = False
        self.chosen: Family | None = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        results = list(self.results)
        if self.chosen is not None and all(f.pk != self.chosen.pk for f in results):
            results.insert(0, self.chosen)
        context["chooser"] = {
            "name": name,
            "query": self.query,
            "results": results,
            "more": self.more,
            "value": str(value or ""),
            "searched": bool(self.query.strip()),
        }
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's templates, not the form renderer's (which sees only app templates).
        return render_to_string(self.template_name, self.get_context(name, value, attrs))

    def value_from_datadict(self, data, files, name):
        return data.get(name)


def use_chooser(form, name: str, *, school, families, data) -> None:
    """Give `form.fields[name]` (a choice of families) the search field when the list is long,
    with the matches for what was typed and the family already chosen."""
    field = form.fields[name]
    field.queryset = families
    if families.count() <= LONG_LIST:
        field.label_from_instance = lambda family: family.label
        return
    widget = FamilyChooserWidget()
    widget.query = (data.get(f"{name}_q") or "").strip()[:100] if data is not None else ""
    widget.results, widget.more = matches(families, school, widget.query)
    chosen = parse_id(data.get(name) if data is not None else field.initial)
    if chosen is not None:
        widget.chosen = families.filter(pk=chosen).first()
    field.widget = widget
    field.help_text = (
        "Type part of the family's name, or a child's or parent's name, then choose the family."
    )
