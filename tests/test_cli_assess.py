"""``spinepath assess``: readable terminal output, JSON documents, and clear failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinepath.cli import main

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.json"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_assess_explains_every_shipped_example(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Phase: " in out
    assert "Recommended (" in out
    assert "Allowed (" in out
    assert "Blocked (" in out
    # every recommended option is followed by at least one reason line citing a rule id
    lines = out.splitlines()
    numbered = [i for i, line in enumerate(lines) if line.startswith("  1. ")]
    assert numbered, "no recommendation printed"
    assert lines[numbered[0] + 1].strip().split()[0].startswith("S")


def test_red_flag_example_puts_urgent_consultation_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = next(p for p in EXAMPLES if p.stem == "progressive-arm-weakness")
    assert main(["assess", str(path)]) == 0
    out = capsys.readouterr().out
    assert "  1. Surgical consultation urgent" in out
    assert "Red flags: none" not in out


def test_json_output_is_a_document_with_all_three_classes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = next(p for p in EXAMPLES if p.stem == "facet-axial-neck-pain")
    assert main(["assess", "--json", "--profile", "strict-payer", str(path)]) == 0
    (result,) = json.loads(capsys.readouterr().out)["files"]
    assert result["file"] == str(path)
    assert result["status"] == "assessed"
    assert "patient" not in result  # no identifiers in output (issue 13)
    document = result["assessment"]
    assert document["schema_version"] == 2
    assert document["profile"] == "strict-payer"
    assert document["phase"] == {"code": "re_evaluation", "label": "Re-evaluation"}
    ranks = [o["rank"] for o in document["recommended"]]
    assert ranks == list(range(1, len(ranks) + 1))
    assert all(o["reasons"] for o in document["recommended"] + document["allowed"])
    assert all(o["failed"] for o in document["blocked"])
    rfa = [o for o in document["blocked"] if o["action"]["kind"] == "radiofrequency_ablation"]
    assert rfa
    assert "no positive MBB" in rfa[0]["failed"][0]["text"]


def test_as_of_before_the_last_event_ignores_later_events(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = next(p for p in EXAMPLES if p.stem == "facet-axial-neck-pain")
    assert main(["assess", "--json", "--as-of", "2000-01-01", str(path)]) == 0
    document = json.loads(capsys.readouterr().out)["files"][0]["assessment"]
    assert document["as_of"] == "2000-01-01"
    assert document["phase"]["code"] == "cesi_outcome"


def test_missing_file_and_invalid_document_fail_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(tmp_path / "nope.json")]) == 3
    assert "cannot read" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1, "patient": {}, "events": []}', encoding="utf-8")
    assert main(["assess", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "patient.id" in err
    assert "Traceback" not in err


def test_bad_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["assess", "--as-of", "yesterday", str(EXAMPLES[0])])
    assert exit_info.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
