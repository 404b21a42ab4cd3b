from django.apps import AppConfig


class FamilyVoiceConfig(AppConfig):
    name = "family_voice"
    verbose_name = "Family voice"

    def ready(self):
        from families import extensions
        from family_voice import records, sections

        records.register_records()
        extensions.register_row_annotation("has_parent_links", sections.has_parent_links)
        extensions.register_section(
            extensions.FamilySection(
                template="family_voice/family_section.html",
                context=sections.family_section,
                order=16,
            )
        )
