"""Admin pages of patient data write the access log as the app's pages do."""

from operator import attrgetter

from django.contrib.admin.utils import unquote

from dangpt.audit.access import audit_patient_access, audit_patient_list
from dangpt.models import AccessKind


class AuditedAdmin:
    """Mix into the ModelAdmin of a model that holds patient data (before admin.ModelAdmin).

    The change list writes one access-log row per patient on the page; the change page, the delete
    confirmation and the history page one row each;
    `audit_patient` is the attribute path from an object to its patient's id (keep what it
    crosses in `list_select_related`, so the list stays at a constant number of queries).
    """

    audit_patient = "patient_id"

    def _audit_ref(self, obj) -> str:
        return f"{obj._meta.model_name} {obj.pk}"

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            patient_of = attrgetter(self.audit_patient)
            shown = ((patient_of(obj), self._audit_ref(obj)) for obj in changelist.result_list)
            audit_patient_list(request, kind=AccessKind.ADMIN, shown=shown)
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            patient_id = attrgetter(self.audit_patient)(obj)
            audit_patient_access(
                request, patient_id=patient_id, kind=AccessKind.ADMIN, ref=self._audit_ref(obj)
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _audit_object_page(self, request, object_id, render):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        response = render()
        if obj is not None and response.status_code == 200:
            audit_patient_access(
                request,
                patient_id=attrgetter(self.audit_patient)(obj),
                kind=AccessKind.ADMIN,
                ref=self._audit_ref(obj),
            )
        return response

    def delete_view(self, request, object_id, extra_context=None):
        return self._audit_object_page(
            request,
            object_id,
            lambda: super(AuditedAdmin, self).delete_view(request, object_id, extra_context),
        )

    def history_view(self, request, object_id, extra_context=None):
        return self._audit_object_page(
            request,
            object_id,
            lambda: super(AuditedAdmin, self).history_view(request, object_id, extra_context),
        )
