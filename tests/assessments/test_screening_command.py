"""python manage.py screen: JSON in, the DESIGN.md result out, exit 2 on invalid answers."""

import io
import json

import pytest
from django.core.management import call_command

from assessments.screening import RULESET_VERSION
from tests.assessments.factories import DVT_ANSWERS, KNEE_ANSWERS

RESULT_KEYS = {
    "ruleset_version",
    "disposition",
    "urgency",
    "suspected_bsi",
    "red_flags",
    "pattern",
    "conditions",
}


def run_screen(monkeypatch, text: str, *args):
    """Run the command with text on stdin; return (exit code, stdout, stderr)."""
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("screen", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_prints_the_result_for_valid_answers_from_stdin(monkeypatch):
    """Valid answers print the full result as JSON and exit 0."""
    code, out, err = run_screen(monkeypatch, json.dumps(KNEE_ANSWERS), "-")
    assert code == 0
    assert err == ""
    result = json.loads(out)
    assert set(result) == RESULT_KEYS
    assert result["ruleset_version"] == RULESET_VERSION
    assert result["disposition"] == "treat"
    assert result["conditions"][0]["code"] == "pfps"
    assert len(result["conditions"]) == 6


def test_reads_a_file_and_reports_red_flags(tmp_path, monkeypatch):
    """A file argument is read, and a red flag gives refer with its urgency."""
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(DVT_ANSWERS), encoding="utf-8")
    code, out, _ = run_screen(monkeypatch, "", str(path))
    result = json.loads(out)
    assert code == 0
    assert result["disposition"] == "refer"
    assert result["urgency"] == "same_day"
    assert "suspected_dvt" in [flag["code"] for flag in result["red_flags"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"mood": "great"}, "mood"),
        ({"pain_now": "7"}, "pain_now"),
        ({"pain_now": 11}, "pain_now"),
        ({"regions": []}, "regions"),
        ({"limp": 1}, "limp"),
        ({"exam": {"hop_pain": "yes"}}, "exam.hop_pain"),
    ],
)
def test_invalid_answers_exit_2_naming_the_field(monkeypatch, change, field):
    """Each kind of invalid answer exits 2, naming the field on stderr, with nothing on stdout."""
    code, out, err = run_screen(monkeypatch, json.dumps({**KNEE_ANSWERS, **change}))
    assert code == 2
    assert out == ""
    assert field in json.loads(err)["errors"]


def test_several_bad_fields_are_all_named(monkeypatch):
    """Every bad field is named at once, not just the first."""
    bad = {**KNEE_ANSWERS, "regions": [], "pain_now": 11, "bogus": True, "side": 3}
    code, _, err = run_screen(monkeypatch, json.dumps(bad))
    assert code == 2
    assert set(json.loads(err)["errors"]) == {"regions", "pain_now", "bogus", "side"}


@pytest.mark.parametrize("text", ["not json", "", "[1, 2", json.dumps([KNEE_ANSWERS])])
def test_unreadable_or_non_object_input_exits_2(monkeypatch, text):
    """Broken JSON, or JSON that is not an object, exits 2 with a JSON error and no stdout."""
    code, out, err = run_screen(monkeypatch, text)
    assert code == 2
    assert out == ""
    assert json.loads(err)["errors"]


def test_missing_file_exits_2(monkeypatch, tmp_path):
    """A file that does not exist exits 2 naming the file."""
    code, out, err = run_screen(monkeypatch, "", str(tmp_path / "missing.json"))
    assert code == 2
    assert out == ""
    assert "file" in json.loads(err)["errors"]
