"""The audit trail: the access log of chart reads (`access`) and the change history (`history`).

The manager's search page over both is project wiring. The names below load on first use, so
`dangpt.models` can use `dangpt.audit.history` while `dangpt.audit.access` uses `dangpt.models`.
"""

__all__ = ["audit_bulk_export", "audit_patient_access", "audit_patient_list"]


def __getattr__(name: str):
    if name in __all__:
        from dangpt.audit import access

        return getattr(access, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
