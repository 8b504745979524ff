"""Apply the clinic's licensed PROM wording (settings.PROM_WORDING_FILE) once per setting."""

from django.conf import settings

from .wording import load_wording, reset_wording

_UNSET = object()
_applied: dict[str, object] = {"path": _UNSET}


def apply_clinic_wording() -> None:
    """Overlay PROM_WORDING_FILE on the shipped definitions when the setting first applies."""
    path = getattr(settings, "PROM_WORDING_FILE", None) or None
    if _applied["path"] == path:
        return
    if path:
        load_wording(path)
    else:
        reset_wording()
    _applied["path"] = path
