"""score_prom: scores answers from a file or stdin, describes instruments, rejects bad input."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from assessments.proms import describe

ROOT = Path(__file__).resolve().parents[2]


def run(*args, stdin: str = ""):
    """Call the command in-process; returns (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command("score_prom", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


def test_scores_answers_from_stdin():
    """NPRS answers on stdin print the score object."""
    code, out, err = run("nprs", "-", stdin='{"pain": 7}')
    assert code == 0 and err == ""
    assert json.loads(out) == {
        "instrument": "nprs",
        "score": 7,
        "max": 10,
        "subscales": {},
        "complete": True,
    }


def test_scores_answers_from_a_file(tmp_path):
    """A file of all-best LEFS answers scores 80."""
    answers = {item["id"]: 4 for item in describe("lefs")["items"]}
    path = tmp_path / "lefs.json"
    path.write_text(json.dumps(answers))
    code, out, _ = run("lefs", str(path))
    assert code == 0
    assert json.loads(out)["score"] == 80


def test_visa_a_branch_through_the_command():
    """VISA-A with the 8B branch answered scores as the reference says."""
    definition = describe("visa_a")
    answers = {}
    for item in definition["items"]:
        if item["id"] in ("q8a", "q8c"):
            continue
        answers[item["id"]] = max(item["options"], key=lambda o: o["points"] or 0)["value"]
    code, out, _ = run("visa_a", stdin=json.dumps(answers))
    assert code == 0
    result = json.loads(out)
    # Q1-7 best = 70, Q8B best = 20.
    assert result["score"] == 90 and result["complete"] is True


def test_describe_prints_the_definition_in_order():
    """--describe prints the definition with items in the instrument's own order."""
    code, out, _ = run("faam_adl", "--describe")
    data = json.loads(out)
    assert code == 0
    assert set(data) == {"instrument", "items", "max", "direction", "mcid"}
    assert data == describe("faam_adl")
    assert any(o["points"] is None for o in data["items"][0]["options"])


@pytest.mark.parametrize(
    ("args", "stdin", "field"),
    [
        (("nprs",), '{"pain": 11}', "pain"),
        (("nprs",), '{"pain": "3"}', "pain"),
        (("nprs",), '{"ache": 3}', "ache"),
        (("nprs",), "not json", "answers"),
        (("nprs",), "[1, 2]", "answers"),
        (("kujala",), "{}", "instrument"),
        (("nprs", "/no/such/file.json"), "", "file"),
    ],
)
def test_invalid_input_exits_2_with_a_json_error(args, stdin, field):
    """Bad answers, JSON, instrument or file: exit 2, JSON error naming the field, no stdout."""
    code, out, err = run(*args, stdin=stdin)
    assert code == 2
    assert out == ""
    error = json.loads(err)
    assert error["detail"]
    assert field in error["errors"]


def test_two_visa_a_branches_are_rejected_naming_both():
    """Answering 8A and 8B names both items."""
    code, _, err = run("visa_a", stdin='{"q8a": 0, "q8b": 0}')
    assert code == 2
    assert {"q8a", "q8b"} <= set(json.loads(err)["errors"])


def test_real_process_exit_code_and_streams():
    """As a real process: exit status 2 and JSON on stderr only."""
    env = {
        "DEBUG": "true",
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
    }
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "score_prom", "lefs", "-"],
        input='{"squatting": 9}',
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert json.loads(done.stderr)["errors"]["squatting"]
