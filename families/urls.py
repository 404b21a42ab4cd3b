from django.urls import path

from families.views import (
    choosing,
    contacts,
    dates_avoid,
    family,
    lists,
    rhythm,
    starting,
    upkeep,
)

app_name = "families"

urlpatterns = [
    path("", lists.family_list, name="family-list"),
    path("search/", lists.family_search, name="family-search"),
    path("contact-rhythm/", rhythm.contact_rhythm, name="contact-rhythm"),
    path("choose/", choosing.family_choose, name="family-choose"),
    path("starting/new/", starting.child_before_start_add, name="child-before-start-add"),
    path("<id:pk>/", family.family_detail, name="family-detail"),
    path("<id:pk>/chronology.csv", family.family_export_csv, name="family-export-csv"),
    path("<id:pk>/print/", family.family_print, name="family-print"),
    path("<id:pk>/strengths/", family.family_strengths, name="family-strengths"),
    path("<id:pk>/key-contact/", family.family_key_contact, name="family-key-contact"),
    path(
        "<id:pk>/parents/<id:parent_pk>/preferences/",
        family.parent_preferences,
        name="parent-preferences",
    ),
    path(
        "<id:pk>/parents/<id:parent_pk>/dates-to-avoid/",
        dates_avoid.dates_avoid,
        name="dates-avoid",
    ),
    path(
        "<id:pk>/parents/<id:parent_pk>/dates-to-avoid/<id:date_pk>/remove/",
        dates_avoid.dates_avoid_remove,
        name="dates-avoid-remove",
    ),
    path("<id:pk>/parents/new/", upkeep.parent_add, name="parent-add"),
    path("<id:pk>/children/new/", upkeep.child_add, name="child-add"),
    path("<id:pk>/links/<id:link_pk>/", upkeep.link_edit, name="link-edit"),
    path(
        "<id:pk>/parents/<id:parent_pk>/restriction/",
        upkeep.restriction_add,
        name="restriction-add",
    ),
    path(
        "<id:pk>/parents/<id:parent_pk>/restriction/lift/",
        upkeep.restriction_lift,
        name="restriction-lift",
    ),
    path("<id:pk>/contacts/new/", contacts.contact_add, name="contact-add"),
    path("contacts/<id:pk>/edit/", contacts.contact_edit_view, name="contact-edit"),
    path("contacts/<id:pk>/history/", contacts.contact_history, name="contact-history"),
    path("contacts/<id:pk>/withdraw/", contacts.contact_withdraw_view, name="contact-withdraw"),
    path("contacts/<id:pk>/amend/", contacts.contact_amend_view, name="contact-amend"),
]
