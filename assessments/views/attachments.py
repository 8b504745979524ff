"""Attachment pages: upload, list, show, retry, share, delete, and the private file responses."""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.forms.attachments import AttachmentShareForm, AttachmentUploadForm
from assessments.loaders import (
    get_attachment_for_user,
    get_patient_for_notes,
    get_shared_clip_for_runner,
)
from assessments.models import Attachment, Evaluation, GaitAnalysis
from assessments.services import (
    attachment_create,
    attachment_delete,
    attachment_retry,
    attachment_share,
    attachment_unshare,
    attachments_storage,
)
from assessments.uploads import ACCEPTED_HELP, AttachmentUploadHandler
from dangpt.forms import add_service_errors
from dangpt.models import AccessKind
from dangpt.ranges import ranged_file_response
from dangpt.roles import CLINICIAN_ROLES, Role, role_required

PAGE_SIZE = 25


def _note_from_query(
    request: HttpRequest, patient
) -> tuple[Evaluation | None, GaitAnalysis | None]:
    """The note (?evaluation=id) or gait analysis (?gait=id) a file is added to, in scope."""
    evaluation = gait = None
    for key in ("evaluation", "gait"):
        value = request.GET.get(key, "")
        if value and not value.isdigit():
            raise Http404
    if request.GET.get("evaluation"):
        evaluation = get_object_or_404(
            Evaluation.objects.visible_to(request.user),
            pk=request.GET["evaluation"],
            patient=patient,
        )
    if request.GET.get("gait"):
        gait = get_object_or_404(
            GaitAnalysis.objects.visible_to(request.user).select_related("evaluation"),
            pk=request.GET["gait"],
            patient=patient,
        )
    return evaluation, gait


@require_GET
@role_required(*CLINICIAN_ROLES)
def attachment_list(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A patient's files, newest first, with the note each belongs to."""
    patient = get_patient_for_notes(request, patient_id, kind=AccessKind.ATTACHMENT_LIST)
    files = Attachment.objects.filter(patient=patient).select_related(
        "uploaded_by", "evaluation", "gait_analysis"
    )
    page = Paginator(files, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessments/attachment_list.html", {"patient": patient, "page": page})


def _limits() -> list[tuple[str, int]]:
    return [
        ("Videos", settings.ATTACHMENT_MAX_VIDEO_MB),
        ("photos", settings.ATTACHMENT_MAX_IMAGE_MB),
        ("PDF documents", settings.ATTACHMENT_MAX_PDF_MB),
    ]


@csrf_exempt
@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
def attachment_upload(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Upload a file; the body streams through AttachmentUploadHandler, never into memory."""
    # Set before anything reads the body; CSRF is then checked by the view below.
    handler = AttachmentUploadHandler(request)
    request.upload_handlers = [handler]
    return _attachment_upload(request, patient_id, handler)


@csrf_protect
def _attachment_upload(request: HttpRequest, patient_id: int, handler) -> HttpResponse:
    # The form shows the patient: a GET is a chart read; a POST is logged as the write it is.
    reading = AccessKind.ATTACHMENT_LIST if request.method == "GET" else None
    patient = get_patient_for_notes(request, patient_id, kind=reading)
    evaluation, gait = _note_from_query(request, patient)
    form = AttachmentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if handler.refusal:
            # The refusal replaces "Choose a file to upload.": the file was chosen but refused.
            form.is_valid()
            form.errors["file"] = form.error_class([handler.refusal])
        elif form.is_valid():
            try:
                attachment = attachment_create(
                    patient=patient,
                    user=request.user,
                    upload=form.cleaned_data["file"],
                    label=form.cleaned_data["label"],
                    evaluation=evaluation,
                    gait_analysis=gait,
                )
            except ValidationError as exc:
                add_service_errors(exc, form)
            else:
                messages.success(
                    request,
                    "Video uploaded. It is being prepared for playback."
                    if attachment.is_video
                    else "File uploaded.",
                )
                return redirect("assessments:attachment_detail", pk=attachment.pk)
    context = {
        "form": form,
        "patient": patient,
        "evaluation": evaluation,
        "gait": gait,
        "accepted": ACCEPTED_HELP,
        "limits": _limits(),
        "query": request.GET.urlencode(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "assessments/attachment_upload.html", context, status=status)


@require_GET
@role_required(*CLINICIAN_ROLES)
def attachment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One file: its preview, processing state, sharing and whether a signed note holds it."""
    attachment = get_attachment_for_user(request, pk)
    share_form = AttachmentShareForm(initial={"cues": attachment.runner_cues})
    return render(
        request,
        "assessments/attachment_detail.html",
        {"attachment": attachment, "patient": attachment.patient, "share_form": share_form},
    )


@require_POST
@role_required(Role.THERAPIST)
def attachment_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a failed video for processing again."""
    attachment = get_attachment_for_user(request, pk, kind=None)
    try:
        attachment_retry(attachment=attachment, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Processing started again.")
    return redirect("assessments:attachment_detail", pk=attachment.pk)


@require_POST
@role_required(Role.THERAPIST)
def attachment_share_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Share a ready clip with the runner, with cues, or stop sharing it."""
    attachment = get_attachment_for_user(request, pk, kind=None)
    form = AttachmentShareForm(request.POST)
    try:
        if request.POST.get("action") == "unshare":
            attachment_unshare(attachment=attachment, user=request.user)
            messages.success(request, "The runner no longer sees this clip.")
        elif form.is_valid():
            attachment_share(
                attachment=attachment, user=request.user, cues=form.cleaned_data["cues"]
            )
            messages.success(request, f"Shared with {attachment.patient.first_name}.")
        else:
            messages.error(request, " ".join(form.errors.get("cues", ["Check the cues."])))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)  # e.g. the side-by-side player the clip was shared from
    return redirect("assessments:attachment_detail", pk=attachment.pk)


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST, Role.MANAGER)
def attachment_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then delete a file that is not part of a signed note."""
    reading = AccessKind.ATTACHMENT if request.method == "GET" else None
    attachment = get_attachment_for_user(request, pk, kind=reading)
    error = ""
    if request.method == "POST":
        try:
            attachment_delete(attachment=attachment, user=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, "File deleted.")
            return redirect("assessments:attachment_list", patient_id=attachment.patient_id)
    return render(
        request,
        "assessments/attachment_delete.html",
        {"attachment": attachment, "patient": attachment.patient, "error": error},
        status=400 if error else 200,
    )


# --- The bytes: scoped, logged on every read, Range-aware -----------------------------------
VARIANTS = {
    # variant: (name field, content type or None for the upload's own, file name suffix)
    "original": ("storage_name", None, ""),
    "playable": ("playable_name", "video/mp4", ".mp4"),
    "poster": ("poster_name", "image/jpeg", ".jpg"),
}


def _serve(request: HttpRequest, attachment: Attachment, variant: str) -> HttpResponse:
    field, content_type, suffix = VARIANTS[variant]
    name = getattr(attachment, field)
    if not name:
        raise Http404  # not made yet (processing) or failed
    storage = attachments_storage()
    try:
        size = attachment.size_bytes if variant == "original" else storage.size(name)
    except (OSError, NotImplementedError) as exc:
        raise Http404 from exc
    etag = (
        attachment.sha256
        if variant == "original"
        else hashlib.sha256(f"{name}:{size}".encode()).hexdigest()
    )
    prefix = settings.ATTACHMENTS_X_ACCEL_PREFIX
    filename = attachment.original_name
    if suffix:
        filename = f"{filename.rsplit('.', 1)[0]}{suffix}"
    return ranged_file_response(
        request,
        open_file=lambda: storage.open(name, "rb"),
        size=size,
        content_type=content_type or attachment.content_type,
        etag=etag,
        filename=filename,
        accel_path=f"{prefix.rstrip('/')}/{name}" if prefix else "",
    )


def _file_view(variant: str):
    @require_http_methods(["GET", "HEAD"])
    @role_required(*CLINICIAN_ROLES)
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return _serve(request, get_attachment_for_user(request, pk), variant)

    view.__name__ = view.__qualname__ = f"attachment_{variant}"
    view.__doc__ = f"The {variant} file of an attachment (Range requests answered)."
    return view


def _clip_view(variant: str):
    @require_http_methods(["GET", "HEAD"])
    @role_required(Role.RUNNER)
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return _serve(request, get_shared_clip_for_runner(request, pk), variant)

    view.__name__ = view.__qualname__ = f"my_clip_{variant}"
    view.__doc__ = f"The {variant} file of a clip shared with the signed-in runner."
    return view


attachment_original = _file_view("original")
attachment_playable = _file_view("playable")
attachment_poster = _file_view("poster")
my_clip_playable = _clip_view("playable")
my_clip_poster = _clip_view("poster")
