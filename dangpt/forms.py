"""Form helpers shared by every app's pages."""

from django.core.exceptions import ValidationError


def add_service_errors(exc: ValidationError, *forms, prefix: str = "") -> None:
    """Show a service's refusal on the forms: at the field it names (less `prefix`), else on top.

    With several forms, each error goes to the form that has the field; errors naming no field
    of any form go to the first form's non-field errors.
    """
    first = forms[0]
    if not hasattr(exc, "error_dict"):
        first.add_error(None, exc.messages)
        return
    for key, messages in exc.message_dict.items():
        field = key.removeprefix(prefix) if prefix else key
        target = next((form for form in forms if field in form.fields), None)
        if target is None:
            first.add_error(None, messages)
        else:
            target.add_error(field, messages)
