from django.urls import path

from patients.views import desk, offers, runner, schedule, setup, staff

app_name = "patients"
urlpatterns = [
    path("desk/schedule/", schedule.schedule, name="schedule"),
    path("desk/book/", schedule.book_appointment, name="book"),
    path("desk/patients/", desk.patient_list, name="list"),
    path("desk/patients/new/", desk.patient_register, name="register"),
    path("desk/patients/<int:pk>/", desk.patient_detail, name="detail"),
    path("desk/patients/<int:pk>/edit/", desk.patient_edit, name="edit"),
    path("desk/patients/<int:pk>/referring-provider/", desk.referrer_edit, name="referrer_edit"),
    path("desk/patients/<int:pk>/invite/", desk.patient_invite, name="invite"),
    path("desk/patients/<int:pk>/waitlist/", staff.waitlist_add, name="waitlist_add"),
    path("desk/appointments/<int:pk>/", schedule.appointment_detail, name="appointment"),
    path("desk/appointments/<int:pk>/cancel/", schedule.appointment_cancel, name="cancel"),
    path("desk/appointments/<int:pk>/status/", schedule.appointment_status, name="status"),
    path("desk/appointments/<int:pk>/move/", schedule.appointment_reschedule, name="move"),
    path("desk/appointments/<int:pk>/freed/", schedule.freed_slot, name="freed"),
    path(
        "desk/waitlist/<int:entry_pk>/book/<int:pk>/",
        schedule.waitlist_book,
        name="waitlist_book",
    ),
    path("desk/waitlist/", staff.waitlist, name="waitlist"),
    path("desk/waitlist/<int:entry_pk>/remove/", staff.waitlist_remove, name="waitlist_remove"),
    path("appointments/<int:pk>.ics", staff.appointment_ics, name="ics"),
    path("calendar/<str:token>.ics", staff.feed, name="feed"),
    path("invite/<str:uidb64>/<str:token>/", desk.accept_invitation, name="accept_invitation"),
    path("therapist/day/", staff.my_day, name="my_day"),
    path("therapist/calendar-feed/", staff.calendar_feed, name="calendar_feed"),
    path("manager/booking/", offers.booking_settings, name="booking_settings"),
    path("me/appointments/", runner.my_appointments, name="my_appointments"),
    path("me/appointments/follow-up/", runner.my_follow_up, name="my_follow_up"),
    path(
        "me/appointments/<int:pk>/cancel/",
        runner.my_appointment_cancel,
        name="my_appointment_cancel",
    ),
    path(
        "me/appointments/<int:pk>/reschedule/",
        runner.my_appointment_reschedule,
        name="my_appointment_reschedule",
    ),
    path("offer/<str:token>/", offers.offer_claim, name="offer_claim"),
    path("manager/", staff.clinic_overview, name="clinic_overview"),
    path("manager/setup/<str:kind>/", setup.setup_list, name="setup"),
    path("manager/setup/<str:kind>/new/", setup.setup_edit, name="setup_add"),
    path("manager/setup/<str:kind>/<int:pk>/", setup.setup_edit, name="setup_edit"),
    path("manager/setup/<str:kind>/<int:pk>/delete/", setup.setup_delete, name="setup_delete"),
]
