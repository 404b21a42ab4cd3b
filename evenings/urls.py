from django.urls import path

from evenings.views import appointments, booking_office, parent, reach, setup, timetable

app_name = "evenings"

urlpatterns = [
    # Staff: the school's evenings, setting one up, and the whole event.
    path("evenings/", setup.evening_list, name="list"),
    path("evenings/new/", setup.evening_add, name="add"),
    path("evenings/<id:pk>/", setup.evening_detail, name="detail"),
    path("evenings/<id:pk>/edit/", setup.evening_edit, name="edit"),
    path("evenings/<id:pk>/sittings/add/", setup.sitting_add, name="sitting-add"),
    path("evenings/sittings/<id:pk>/remove/", setup.sitting_remove, name="sitting-remove"),
    path("evenings/<id:pk>/staff/", setup.evening_staff, name="staff"),
    path("evenings/<id:pk>/invite/", setup.evening_invite, name="invite"),
    # Each member of staff's timetable (screen and print), and their own times kept free.
    path("evenings/<id:pk>/timetable/", timetable.timetable, name="timetable"),
    path("evenings/<id:pk>/timetable/print/", timetable.timetable_print, name="timetable-print"),
    path("evenings/<id:pk>/block/", timetable.block, name="block"),
    path("evenings/<id:pk>/all/", timetable.whole, name="whole"),
    # The office books, moves and cancels for a parent who phones.
    path("evenings/<id:pk>/book/", booking_office.book, name="office-book"),
    path("evenings/bookings/<id:pk>/move/", booking_office.move, name="booking-move"),
    path("evenings/bookings/<id:pk>/cancel/", booking_office.cancel, name="booking-cancel"),
    # On the evening: came or not, in one tap; the appointment as a contact, in one click.
    path("evenings/bookings/<id:pk>/outcome/", appointments.outcome, name="booking-outcome"),
    path("evenings/bookings/<id:pk>/contact/", appointments.log_contact, name="booking-contact"),
    # Who has not booked, and whom the evening reached.
    path("evenings/<id:pk>/not-booked/", reach.not_booked, name="not-booked"),
    path("evenings/<id:pk>/reach/", reach.reach, name="reach"),
    path("evenings/dashboard/reach/", reach.dashboard_reach, name="dashboard-reach"),
    # The parent's side, behind their link (family_voice.views.parent.parent_page).
    path("p/<str:token>/evening/<id:pk>/", parent.evening, name="parent-evening"),
    path("p/<str:token>/evening/<id:pk>/book/", parent.book, name="parent-book"),
    path("p/<str:token>/evening/booking/<id:pk>/cancel/", parent.cancel, name="parent-cancel"),
    path("p/<str:token>/evening/<id:pk>/appointments.ics", parent.ics, name="parent-ics"),
]
