"""{% form_token %}: the hidden one-time token of a create form (see portal/lib/once.py);
{% form_index form %}: the index of links to a long form's sections (portal/lib/sections.py);
{{ field|select_options }}: a select's options, read once from its choices;
{{ field|option_tags }}: the same options as <option> elements, escaped as a template would;
{{ form|drawn_fields }}: a form of choice lists, tick boxes and number inputs, drawn as crispy's
Bootstrap 5 pack draws them;
{{ field|drawn_select }}: one choice field, with its required mark and help text, drawn the same
way."""

from django import template
from django.utils.html import format_html

from portal.lib import once, sections
from portal.lib.markup import escaped, joined, shown

register = template.Library()


@register.simple_tag(takes_context=True)
def form_token(context):
    request = context["request"]
    return format_html(
        '<input type="hidden" name="{}" value="{}">', once.FIELD, once.token_for(request)
    )


@register.inclusion_tag("includes/form_index.html")
def form_index(form, label="Parts of this form"):
    """The short index of links to a long form's sections (portal/lib/sections.py); put it
    before the form, which must then be drawn with {% crispy form %}."""
    return {"sections": sections.form_sections(form), "label": label}


@register.filter
def select_options(bound_field) -> list[tuple[str, object, bool]]:
    """A select's options as (value, label, selected), as `field.subwidgets` would give them
    but read straight from the choices, without the widget context subwidgets build for each
    option (its attributes, template name and index). Groups are drawn as plain options."""
    widget = bound_field.field.widget
    chosen = widget.format_value(bound_field.value())
    multiple = widget.allow_multiple_selected
    options: list[tuple[str, object, bool]] = []
    found = False
    for value, label in widget.choices:
        value = "" if value is None else value  # as Django's widget does
        for one_value, one_label in label if isinstance(label, (list, tuple)) else [(value, label)]:
            text = str(one_value)
            selected = (multiple or not found) and text in chosen
            found = found or selected
            options.append((text, one_label, selected))
    return options


@register.filter
def option_tags(bound_field):
    """The select's <option> elements (select_options), escaped as the template language
    escapes them (portal.lib.markup): drawn in one go, where a loop in the template, or
    format_html per option, took 10–20 µs an option (the family list's staff and class
    pickers: over a millisecond a page)."""
    return joined(
        f'<option value="{escaped(value)}"{" selected" if selected else ""}>'
        f"{escaped(label)}</option>"
        for value, label, selected in select_options(bound_field)
    )


@register.filter
def drawn_select(field):
    """One choice field drawn as crispy's Bootstrap 5 pack draws a <select>, with its required
    mark, errors and help text, without its dozen nested templates per field and per option (on
    a page with a long staff or class list they cost more than the page's queries). Drawn in
    Python, as the template it replaced drew it: that cost the family page, whose key-contact
    picker lists every member of staff, two milliseconds."""
    ident = escaped(field.auto_id)
    errors = field.errors
    help_text = field.help_text
    required = field.field.required
    label_class, mark, required_attr = (
        (" requiredField", '<span class="asteriskField">*</span>', " required")
        if required
        else ("", "", "")
    )
    described = " ".join(
        ([f"{ident}_error"] if errors else []) + ([f"{ident}_helptext"] if help_text else [])
    )
    attrs = required_attr + (f' aria-describedby="{described}"' if described else "")
    attrs += ' aria-invalid="true"' if errors else ""
    said = (
        f'<div id="{ident}_error" class="invalid-feedback d-block">'
        f"{' '.join(escaped(error) for error in errors)}</div>\n"
        if errors
        else ""
    )
    helped = (
        f'<div id="{ident}_helptext" class="form-text">{shown(help_text)}</div>\n'
        if help_text
        else ""
    )
    return joined(
        [
            f'<div id="div_{ident}" class="mb-3">\n'
            f'<label for="{ident}" class="form-label{label_class}">{shown(field.label)}{mark}'
            f"</label>\n"
            f'<select name="{escaped(field.html_name)}" class="select form-select'
            f'{" is-invalid" if errors else ""}" id="{ident}"{attrs}>\n'
            f"{option_tags(field)}\n</select>\n{said}{helped}</div>\n"
        ]
    )


@register.filter
def drawn_fields(form):
    """The form's fields, each with its label, errors and error link, as crispy's Bootstrap 5
    pack draws them, for forms made only of choice lists, tick boxes and inputs such as numbers
    (the family list's filter panel). Drawn in Python: the same markup as a template (that was
    a fifth of the family list's time, and crispy's nested templates a quarter before it)."""
    return joined(_drawn_field(field) for field in form)


def _drawn_field(field) -> str:
    ident = escaped(field.auto_id)
    name = escaped(field.html_name)
    label = shown(field.label)
    errors = field.errors
    invalid = " is-invalid" if errors else ""
    described = f' aria-invalid="true" aria-describedby="{ident}_error"' if errors else ""
    said = (
        f'<div id="{ident}_error" class="invalid-feedback d-block">'
        f"{' '.join(escaped(error) for error in errors)}</div>"
        if errors
        else ""
    )
    kind = field.widget_type
    if kind == "checkbox":
        checked = " checked" if field.value() else ""
        return (
            f'<div class="mb-3"><div id="div_{ident}" class="form-check">\n'
            f'<input type="checkbox" name="{name}" class="checkboxinput form-check-input{invalid}"'
            f' id="{ident}"{checked}{described}>\n'
            f'<label for="{ident}" class="form-check-label">{label}</label>\n{said}'
            "</div></div>\n"
        )
    if kind == "select":
        return (
            f'<div id="div_{ident}" class="mb-3">\n'
            f'<label for="{ident}" class="form-label">{label}</label>\n'
            f'<select name="{name}" class="select form-select{invalid}" id="{ident}"{described}>'
            f"\n{option_tags(field)}\n</select>\n{said}</div>\n"
        )
    widget = field.field.widget
    input_type = escaped(widget.input_type)
    value = field.value()
    attrs = "".join(f' {shown(key)}="{shown(each)}"' for key, each in widget.attrs.items())
    return (
        f'<div id="div_{ident}" class="mb-3">\n'
        f'<label for="{ident}" class="form-label">{label}</label>\n'
        f'<input type="{input_type}" name="{name}" value="{"" if value is None else shown(value)}"'
        f'{attrs} class="{input_type}input form-control{invalid}" id="{ident}"{described}>\n'
        f"{said}</div>\n"
    )
