"""The access log of chart reads; the manager's search page over it is project wiring."""

from dangpt.audit.access import audit_patient_access

__all__ = ["audit_patient_access"]
