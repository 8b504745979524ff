"""Password reset email in the runner's saved language (staff: English)."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation

from patients.models import Patient


class RunnerLanguagePasswordResetForm(PasswordResetForm):
    """Django's reset form; each email is written in the language its reader chose."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        """Render and send inside the reader's language, not the language of the request."""
        saved = Patient.objects.filter(user=context["user"]).values_list(
            "preferred_language", flat=True
        )
        with translation.override(saved.first() or settings.LANGUAGE_CODE):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


password_reset = auth_views.PasswordResetView.as_view(form_class=RunnerLanguagePasswordResetForm)
