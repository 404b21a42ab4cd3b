from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = "Consent to share"

    def ready(self):
        from consent import records

        records.register_records()
        from consent import sections
        from families import extensions

        extensions.register_row_annotation("has_consents", sections.has_consents)
        extensions.register_section(
            extensions.FamilySection(
                template="consent/family_section.html", context=sections.family_section, order=15
            )
        )
