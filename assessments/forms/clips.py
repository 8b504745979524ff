"""Forms of the video player: the two clips to compare, and a measurement marked on a clip."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.dateformat import format as date_format

from assessments.models import (
    Attachment,
    AttachmentKind,
    EvaluationStatus,
    GaitAnalysis,
    MeasureKind,
    ProcessingStatus,
    StanceSide,
)


def ready_videos(patient):
    """The patient's videos that can be played."""
    return Attachment.objects.filter(
        patient=patient, kind=AttachmentKind.VIDEO, status=ProcessingStatus.READY
    )


def editable_gait_analyses(patient):
    """The patient's gait analyses a measurement may still fill (not part of a signed note)."""
    return GaitAnalysis.objects.filter(patient=patient).filter(
        Q(evaluation__isnull=True) | ~Q(evaluation__status=EvaluationStatus.SIGNED)
    )


def us_date(value) -> str:
    """A date as people here read it: "Dec 4, 2026" (a datetime in the clinic's time zone)."""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    return date_format(value, "M j, Y")


class GaitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{us_date(obj.recorded_on)} · {obj.get_surface_display()}"


class ClipPairForm(forms.Form):
    """Two of the patient's ready videos, shown side by side (read in one query)."""

    left = forms.TypedChoiceField(label="Left video", coerce=int)
    right = forms.TypedChoiceField(label="Right video", coerce=int)

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.videos = {video.pk: video for video in ready_videos(patient)}
        choices = [
            (pk, f"{video.display_name} · {us_date(video.uploaded_at)}")
            for pk, video in self.videos.items()
        ]
        self.fields["left"].choices = choices
        self.fields["right"].choices = choices
        if not self.is_bound and self.defaults():
            self.initial = {**self.defaults(), **self.initial}

    def clean(self):
        data = super().clean()
        if data.get("left") and data.get("left") == data.get("right"):
            raise ValidationError("Choose two different videos.")
        return data

    def defaults(self) -> dict | None:
        """The two newest videos (older left), when there are two to compare."""
        if len(self.videos) < 2:
            return None
        newest = list(self.videos)
        return {"left": newest[1], "right": newest[0]}

    def clips(self) -> tuple[Attachment, Attachment]:
        """The chosen videos, left and right."""
        return self.videos[self.cleaned_data["left"]], self.videos[self.cleaned_data["right"]]


def _json_list(value: str, *, what: str) -> list:
    if not value:
        return []
    try:
        parsed = json.loads(value)
    except ValueError as exc:
        raise ValidationError(f"The {what} could not be read; mark them again.") from exc
    if not isinstance(parsed, list):
        raise ValidationError(f"The {what} could not be read; mark them again.")
    return parsed


class ClipMeasurementForm(forms.Form):
    """What was measured and where; the service checks the points against the clip."""

    kind = forms.ChoiceField(label="What it measures", choices=MeasureKind.choices)
    side = forms.ChoiceField(
        label="Standing leg", choices=[("", "—"), *StanceSide.choices], required=False
    )
    gait_analysis = GaitChoiceField(
        queryset=GaitAnalysis.objects.none(),
        label="Gait analysis to fill",
        error_messages={"required": "Choose the gait analysis to fill."},
    )
    time = forms.DecimalField(
        label="Clip time (s)", min_value=0, max_digits=9, decimal_places=3, required=False
    )
    points = forms.CharField(required=False, max_length=2000)
    taps = forms.CharField(required=False, max_length=20000)

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gait_analysis"].queryset = editable_gait_analyses(patient).order_by(
            "-recorded_on", "-id"
        )
        self.fields["gait_analysis"].error_messages["invalid_choice"] = (
            "Choose one of this patient's gait analyses that is not part of a signed note."
        )

    def clean_points(self):
        return _json_list(self.cleaned_data["points"], what="points")

    def clean_taps(self):
        return _json_list(self.cleaned_data["taps"], what="foot contacts")

    def clean(self):
        data = super().clean()
        if data.get("time") is None and "time" not in self.errors:
            self.add_error("time", "Pause on a frame first.")
        return data
