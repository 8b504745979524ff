"""The OpenAPI document keeps its paths and operation ids (openapi_ops.json is the record)."""

import json
from pathlib import Path

from django.test import Client

from dangpt.api import api

RECORD = Path(__file__).with_name("openapi_ops.json")
METHODS = {"get", "post", "put", "patch", "delete"}


def current_operations() -> dict[str, str]:
    """`METHOD /path` -> operation id, from the served document."""
    schema = Client().get("/api/v1/openapi.json").json()
    return {
        f"{method.upper()} {path}": operation["operationId"]
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def test_operations_match_the_record(db):
    """Every (method, path) keeps its operation id; none is added or dropped unrecorded."""
    assert current_operations() == json.loads(RECORD.read_text())


def test_operation_ids_are_unique(db):
    """Two functions of one app with one name would share an operation id."""
    ids = list(current_operations().values())
    assert len(ids) == len(set(ids))


def test_operation_id_names_the_app_not_the_module():
    """A view in a sub-module of an app's API still gets `<app>_api_<function>`."""

    def list_things():
        """A stand-in view."""

    list_things.__module__ = "assessments.api.evaluations"

    class Operation:
        view_func = list_things

    assert api.get_openapi_operation_id(Operation()) == "assessments_api_list_things"
