from django.urls import path

from families.views import contacts, family, lists

app_name = "families"

urlpatterns = [
    path("", lists.family_list, name="family-list"),
    path("search/", lists.family_search, name="family-search"),
    path("<int:pk>/", family.family_detail, name="family-detail"),
    path("<int:pk>/chronology.csv", family.family_export_csv, name="family-export-csv"),
    path("<int:pk>/print/", family.family_print, name="family-print"),
    path("<int:pk>/strengths/", family.family_strengths, name="family-strengths"),
    path("<int:pk>/key-contact/", family.family_key_contact, name="family-key-contact"),
    path(
        "<int:pk>/parents/<int:parent_pk>/preferences/",
        family.parent_preferences,
        name="parent-preferences",
    ),
    path("<int:pk>/contacts/new/", contacts.contact_add, name="contact-add"),
    path("contacts/<int:pk>/edit/", contacts.contact_edit_view, name="contact-edit"),
    path("contacts/<int:pk>/history/", contacts.contact_history, name="contact-history"),
    path("contacts/<int:pk>/withdraw/", contacts.contact_withdraw_view, name="contact-withdraw"),
    path("contacts/<int:pk>/amend/", contacts.contact_amend_view, name="contact-amend"),
]
