"""The return-to-run clearance form: validate and normalise; the service decides what is enough."""

from django import forms

from assessments.models import BoneStressSite


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
    pain_free_hops = forms.BooleanField(
        required=False, label="Pain-free single-leg hops on the injured side, tested in clinic"
    )
    imaging_or_physician_clearance = forms.BooleanField(
        required=False, label="Imaging shows healing, or a physician has cleared running"
    )
    note = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note (optional)",
    )
