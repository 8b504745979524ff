from django.urls import path

from patients.views import booking, calendar, desk, previsit, public_booking, schedule, setup, staff

app_name = "patients"
urlpatterns = [
    path("desk/calendar/", calendar.calendar, name="calendar"),
    path("desk/schedule/", schedule.schedule, name="schedule"),
    path("desk/book/", booking.book_appointment, name="book"),
    path("desk/book/review/", booking.book_review, name="book_review"),
    path("desk/patients/", desk.patient_list, name="list"),
    path("desk/patients/new/", desk.patient_register, name="register"),
    path("desk/patients/<int:pk>/", desk.patient_detail, name="detail"),
    path("desk/patients/<int:pk>/edit/", desk.patient_edit, name="edit"),
    path("desk/patients/<int:pk>/referring-provider/", desk.referrer_edit, name="referrer_edit"),
    path("desk/patients/<int:pk>/invite/", desk.patient_invite, name="invite"),
    path("desk/patients/<int:pk>/waitlist/", staff.waitlist_add, name="waitlist_add"),
    path("desk/appointments/<int:pk>/", schedule.appointment_detail, name="appointment"),
    path("desk/appointments/<int:pk>/cancel/", schedule.appointment_cancel, name="cancel"),
    path("desk/appointments/<int:pk>/status/", booking.appointment_status, name="status"),
    path("desk/appointments/<int:pk>/undo/", booking.appointment_undo, name="status_undo"),
    path("desk/appointments/<int:pk>/move/", booking.appointment_move, name="move"),
    path("desk/appointments/<int:pk>/move/review/", booking.move_review, name="move_review"),
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
    path("me/before-your-visit/", previsit.before_your_visit, name="previsit"),
    path("me/before-your-visit/about-you/", previsit.about_you, name="previsit_about"),
    path("me/before-your-visit/running/", previsit.your_running, name="previsit_running"),
    path("me/before-your-visit/consents/", previsit.consents, name="previsit_consents"),
    path("book/", public_booking.public_book, name="public_book"),
    path("book/details/", public_booking.public_book_details, name="public_book_details"),
    path("book/sent/", public_booking.public_book_sent, name="public_book_sent"),
    path(
        "book/confirm/<str:token>/", public_booking.public_book_confirm, name="public_book_confirm"
    ),
    path("therapist/day/", staff.my_day, name="my_day"),
    path("therapist/calendar-feed/", staff.calendar_feed, name="calendar_feed"),
    path("manager/", staff.clinic_overview, name="clinic_overview"),
    path("manager/setup/<str:kind>/", setup.setup_list, name="setup"),
    path("manager/setup/<str:kind>/new/", setup.setup_edit, name="setup_add"),
    path("manager/setup/<str:kind>/<int:pk>/", setup.setup_edit, name="setup_edit"),
    path("manager/setup/<str:kind>/<int:pk>/delete/", setup.setup_delete, name="setup_delete"),
]
