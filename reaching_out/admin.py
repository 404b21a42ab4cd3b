"""Admin: the words of each kind of message, per language. Only the templates are here: the
messages themselves, the letters' batches and a parent's stops are about families, and an
administrator never sees families by administering (they are read in the portal's outbox).

A superuser keeps the portal's own words (no school); a school's administrator keeps their
own schools' words and reads the portal's as a starting point. Placeholders are checked when
saved (MessageTemplate.clean); the page lists those each kind may use and previews the words
filled in with sample values."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.html import format_html, format_html_join

from portal import access
from portal.lib.admin_scope import administered_schools
from portal.lib.limits import IdChoiceField
from reaching_out import placeholders
from reaching_out.models import PARENT_KINDS, Kind, MessageTemplate

# What the preview fills in: made-up, plainly sample values.
SAMPLE = {
    "parent_name": "Ailsa Rowan",
    "child_name": "Robin",
    "school_name": "Castlebrae Primary",
    "school_phone": "0131 496 0000",
    "staff_name": "Ms Reid",
    "news": "Robin read a whole page aloud to the class today.",
    "words": "The school trip to the museum is on Friday: please send a packed lunch.",
    "meeting_when": "Tuesday 9 December at 15:30",
    "meeting_place": "Castlebrae Primary, the family room",
    "step": "Read together for ten minutes at bedtime",
    "step_due": "19 December",
    "link": "https://portal.example.org/p/sample-link/",
}


def _allowed_html(kind: str):
    return format_html_join(
        "", "<li><code>{{{}}}</code> — {}</li>", placeholders.allowed(kind).items()
    )


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["school", "kind", "language", "subject", "body", "text"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 14, "cols": 80}),
            "text": forms.Textarea(attrs={"rows": 4, "cols": 80}),
        }

    # Whether this user keeps the portal's own words (no school): set per request by the admin.
    may_keep_defaults = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind_field = self.fields.get("kind")
        if isinstance(kind_field, forms.ChoiceField):
            # Staff reminders are the portal's own e-mails to staff, not kept here.
            kind_field.choices = [(k.value, k.label) for k in PARENT_KINDS]
        kind = self.instance.kind if self.instance.pk else ""
        if kind:
            names = ", ".join("{" + n + "}" for n in placeholders.allowed(kind))
            for name in ("subject", "body", "text"):
                if name in self.fields:
                    self.fields[name].help_text += f" You can use: {names}."

    def clean_school(self):
        school = self.cleaned_data.get("school")
        if school is None and not self.may_keep_defaults:
            raise forms.ValidationError(
                "Choose your school: the words every school starts from are kept by the "
                "portal's administrators."
            )
        return school

    def clean(self):
        cleaned = super().clean() or self.cleaned_data
        school, kind = cleaned.get("school"), cleaned.get("kind")
        language = cleaned.get("language")
        if kind and language and school is None:
            # The database holds one default per kind and language; say so in words.
            same = MessageTemplate.objects.filter(school=None, kind=kind, language=language)
            if self.instance.pk:
                same = same.exclude(pk=self.instance.pk)
            if same.exists():
                raise forms.ValidationError(
                    "The portal already has words for this kind of message in this language: "
                    "change those instead."
                )
        return cleaned


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = MessageTemplateForm
    list_display = ["kind", "language", "for_school", "subject", "updated_at"]
    list_filter = ["kind", "language", ("school", admin.EmptyFieldListFilter), "school"]
    list_select_related = ["school"]
    search_fields = ["subject", "body", "text"]
    ordering = ["kind", "language", "school__name"]
    readonly_fields = ["placeholders_allowed", "preview"]
    fields = [
        "school",
        "kind",
        "language",
        "placeholders_allowed",
        "subject",
        "body",
        "text",
        "preview",
    ]

    # Who may do what ------------------------------------------------------------------

    def get_queryset(self, request):
        rows = super().get_queryset(request).exclude(kind=Kind.STAFF_REMINDER)
        if access.may_administer_all(request.user):
            return rows
        return rows.filter(
            Q(school__isnull=True) | Q(school__in=administered_schools(request.user))
        )

    @staticmethod
    def _portals_words_barred(request, obj) -> bool:
        """The portal's own words: superusers only (others read them, to copy from)."""
        return (
            obj is not None
            and obj.school_id is None
            and not access.may_administer_all(request.user)
        )

    def has_change_permission(self, request, obj=None):
        if self._portals_words_barred(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._portals_words_barred(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        keeps = access.may_administer_all(request.user)
        return type(form.__name__, (form,), {"may_keep_defaults": keeps})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "school":
            kwargs["queryset"] = administered_schools(request.user)
            kwargs["form_class"] = IdChoiceField  # an out-of-range id is a wrong choice, not a 500
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # What the page shows ---------------------------------------------------------------

    @admin.display(description="for", ordering="school__name")
    def for_school(self, obj):
        return obj.school.name if obj.school_id else "Every school (the portal's words)"

    @admin.display(description="placeholders you can use")
    def placeholders_allowed(self, obj):
        if obj is not None and obj.kind:
            return format_html("<ul>{}</ul>", _allowed_html(obj.kind))
        return format_html_join(
            "",
            "<p><strong>{}</strong></p><ul>{}</ul>",
            ((kind.label, _allowed_html(kind)) for kind in PARENT_KINDS),
        )

    @admin.display(description="preview with sample values")
    def preview(self, obj):
        if obj is None or not obj.pk:
            return "Save to see the words filled in with sample values."
        subject = placeholders.fill(obj.subject, SAMPLE)
        body = placeholders.fill(obj.body, SAMPLE)
        text = placeholders.fill(obj.text or obj.body, SAMPLE)
        characters, texts = _segments(text)
        direction = "rtl" if obj.language in ("ar", "ur") else "ltr"
        return format_html(
            '<div dir="{}" lang="{}"><p><strong>{}</strong></p>'
            '<pre style="white-space: pre-wrap; font-family: inherit">{}</pre>'
            "<p><strong>As a text message</strong> ({} characters, {} text{}):</p>"
            '<pre style="white-space: pre-wrap; font-family: inherit">{}</pre></div>',
            direction,
            obj.language,
            subject,
            body,
            characters,
            texts,
            "" if texts == 1 else "s",
            text,
        )


def _segments(text: str) -> tuple[int, int]:
    from reaching_out.services import segments

    return segments(text)
