"""`{% error_summary form [other_form ...] %}`: one list of a page's form errors at its top."""

from django import forms, template

register = template.Library()

# Widgets drawn as several inputs: the first input (Django numbers them _0, _1, ...) is the
# one a link can focus.
GROUPED = (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.MultiWidget)


def _target(bound) -> str:
    """The id of the input a link to this field should focus; blank for hidden fields."""
    if bound.is_hidden or not bound.auto_id:
        return ""
    if isinstance(bound.field.widget, GROUPED):
        return f"{bound.auto_id}_0"
    return bound.auto_id


def summary_rows(*forms_shown) -> list[dict]:
    """Each error of the forms as {"target", "label", "message"}, in the forms' field order."""
    rows = []
    for form in forms_shown:
        if form is None or not form.is_bound or not form.errors:
            continue
        for message in form.non_field_errors():
            rows.append({"target": "", "label": "", "message": message})
        for bound in form:
            for message in bound.errors:
                rows.append({"target": _target(bound), "label": bound.label, "message": message})
    return rows


@register.inclusion_tag("_error_summary.html")
def error_summary(*forms_shown):
    """The summary box of the forms' errors (nothing when there are none)."""
    rows = summary_rows(*forms_shown)
    return {"rows": rows, "count": len(rows)}
