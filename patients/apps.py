from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = "Patients and scheduling"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from patients.language import on_sign_in

        # Django's hook for "a session was just signed in": the runner's language goes into the
        # session then, so no page pays a query for it.
        user_logged_in.connect(on_sign_in, dispatch_uid="patients.language")
