"""Forms of attachments: the upload (the file itself arrives through AttachmentUploadHandler)."""

from django import forms

from assessments.uploads import ACCEPTED_HELP, SniffedUpload


class AttachmentUploadForm(forms.Form):
    """A label and the file; the handler has already read, typed and size-checked the file."""

    label = forms.CharField(
        max_length=120,
        required=False,
        help_text="Optional, for example “Treadmill, posterior view, 6 mph”.",
    )
    file = forms.FileField(
        help_text=ACCEPTED_HELP,
        error_messages={"required": "Choose a file to upload."},
        widget=forms.ClearableFileInput(
            attrs={
                "accept": "video/mp4,video/quicktime,video/webm,.mov,image/jpeg,image/png,"
                "image/webp,application/pdf"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not isinstance(upload, SniffedUpload):  # only the upload view's handler makes these
            raise forms.ValidationError("Choose the file again.")
        return upload


class AttachmentShareForm(forms.Form):
    """The cues a runner reads beside a shared clip."""

    cues = forms.CharField(
        label="Cues for the runner",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What to look for, in plain words (for example “Land under your hips”).",
    )
