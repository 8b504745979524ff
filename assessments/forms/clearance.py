"""The return-to-run clearance form: validate and normalise; the service decides what is enough."""

from django import forms

from assessments.models import BoneStressSite, ExcludedCondition, ExclusionMethod


class ClearanceForm(forms.Form):
    site = forms.ChoiceField(
        choices=[("", "Choose the injured site"), *BoneStressSite.choices],
        label="Injured bone",
        help_text="High-risk sites need imaging that shows healing or a physician's clearance.",
    )
    pain_free_walking = forms.BooleanField(
        required=False, label="Pain-free brisk walking for 30–45 minutes on several days"
    )
    no_focal_tenderness = forms.BooleanField(
        required=False, label="No tenderness when the injured bone is pressed (your palpation)"
    )
    imaging_or_physician_clearance = forms.BooleanField(
        required=False,
        label="Imaging shows healing, or a physician has cleared running",
        help_text="Needed first at a high-risk site, or whenever the screening flagged one: no "
        "hop test there before it.",
    )
    pain_free_hops = forms.BooleanField(
        required=False, label="Pain-free single-leg hops on the injured side, tested in clinic"
    )
    contributing_factors_identified = forms.BooleanField(
        required=False,
        label="Contributing factors identified and addressed (load errors, low energy "
        "availability)",
    )
    note = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note (optional)",
    )


class ExclusionForm(forms.Form):
    condition = forms.ChoiceField(
        choices=[("", "Choose the condition"), *ExcludedCondition.choices],
        label="Condition excluded",
    )
    method = forms.ChoiceField(
        choices=[("", "Choose how"), *ExclusionMethod.choices], label="How it was excluded"
    )
    detail = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Who examined or imaged, and what was found or diagnosed",
    )
