"""The family chronology's entries and the choices of its filter, drawn in one go.

{% chronology_entries entries %}: each entry drawn in Python where it can be (a contact:
families.contact_entry), else by its own template, as `{% include entry.template %}` drew it;
{% chronology_choices kinds children chosen %}: the options of the "Type" and "About" lists and
the two date fields, as the template's loops drew them.

A loop in the template language cost about fifty microseconds an entry or option beyond what
each draws: a millisecond and a half of the family page. Their test
(`tests/families/test_chronology_drawing.py`) compares them with the loops they replaced.
"""

from django import template
from django.utils.safestring import SafeString

from portal.lib.markup import escaped, joined

register = template.Library()


@register.simple_tag(takes_context=True)
def chronology_entries(context, entries) -> SafeString:
    """The entries, newest first, each as its partial or its drawing gives it."""
    pieces = []
    engine = context.template.engine
    for entry in entries:
        if not entry.template:
            pieces.append(entry.html)
            continue
        with context.push(entry=entry):
            pieces.append(engine.get_template(entry.template).render(context))
    return joined(pieces)


@register.simple_tag
def kind_options(kinds, chosen) -> SafeString:
    """The "Type" list's options after "Everything": each kind, the chosen one selected."""
    return joined(
        f'<option value="{escaped(key)}"{" selected" if chosen.kind == key else ""}>'
        f"{escaped(label)}</option>"
        for key, label in kinds
    )


@register.simple_tag
def child_options(children, chosen) -> SafeString:
    """The "About" list's options after "Any child": each child by first name."""
    return joined(
        f'<option value="{escaped(child.pk)}"'
        f"{' selected' if chosen.child_id == child.pk else ''}>"
        f"{escaped(child.first_name)}</option>"
        for child in children
    )


@register.simple_tag
def date_fields(chosen) -> SafeString:
    """The "From" and "To" dates, each with its message where it cannot be used."""
    return joined(_date_field(field) for field in chosen.dates or ())


def _date_field(field) -> str:
    name = escaped(field.name)
    errors = field.errors
    value = field.value()
    described = f' aria-invalid="true" aria-describedby="chronology-{name}-error"' if errors else ""
    said = (
        f'<div id="chronology-{name}-error" class="invalid-feedback d-block">'
        f"{escaped(' '.join(str(error) for error in errors))}</div>"
        if errors
        else ""
    )
    return (
        '<div class="col-auto">\n'
        f'<label class="form-label" for="chronology-{name}">{escaped(field.label)}</label>\n'
        f'<input type="date" class="form-control form-control-sm'
        f'{" is-invalid" if errors else ""}" id="chronology-{name}" '
        f'name="{escaped(field.html_name)}" value="{"" if value is None else escaped(value)}"'
        f"{described}>\n{said}\n</div>\n"
    )
