"""``spinepath assess``: readable terminal output, JSON documents, and clear failures."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import spinepath as sp
from spinepath.cli import main
from spinepath.cli.assess import SCREEN_LINES, _compact, _cut, render
from spinepath.examples import load
from spinepath.testing import strategies as sps

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
    assert document["schema_version"] == 3
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


# -- one screen by default, every reason with --verbose (issue 9, item 11) -----------------------


def _printed(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["assess", *args]) == 0
    return capsys.readouterr().out


def _flat(text: str) -> str:
    """Text with its line breaks and indents undone (wrapping only breaks at spaces)."""
    return " ".join(text.split())


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_default_output_of_each_example_fits_one_screen(
    path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    out = _printed([str(path)], capsys)
    lines = out.splitlines()
    assert len(lines) <= SCREEN_LINES == 40
    assert max(map(len, lines)) <= 100
    record = load(path.stem)
    assessment = sp.assess(record)
    flat = _flat(out)
    # the phase, every red flag and note in full, each recommended step with its main rule
    assert f"Phase: {assessment.phase.label}" in lines
    for text in (*assessment.red_flags, *assessment.notes):
        assert _flat(text) in flat
    for option in assessment.recommended:
        at = next(i for i, line in enumerate(lines) if line.startswith(f"  {option.rank}. "))
        assert lines[at].startswith(f"  {option.rank}. {option.action}")
        assert lines[at + 1].split()[0] == option.reasons[0].rule
    for heading, options in (("Allowed", assessment.allowed), ("Blocked", assessment.blocked)):
        assert f"{heading} ({len(options)})" in out
    assert "--verbose" in out


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_verbose_shows_every_reason_and_failed_precondition(
    path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    out = _printed(["--verbose", str(path)], capsys)
    assessment = sp.assess(load(path.stem))
    flat = _flat(out)
    texts = [f"{r.rule} {r.text}" for o in assessment.options for r in (*o.reasons, *o.failed)]
    assert texts
    for text in (*texts, *assessment.red_flags, *assessment.notes):
        assert _flat(text) in flat, text
    for option in assessment.options:
        assert _flat(str(option.action)) in flat
    assert len(out.splitlines()) > SCREEN_LINES  # the full detail does not fit a screen
    assert "..." not in out


def test_a_cut_reason_ends_after_a_whole_part() -> None:
    lines = _cut(
        "  S4  the last CESI failed (CESI 2024-01-22: 20% relief; adequate is >=50%); posture not "
        "reviewed since the CESI failed; no adequate relief now (CESI 2024-01-22: 20% relief)",
        60,
        2,
        " " * 12,
        "",
    )
    assert len(lines) == 2
    assert lines[-1].endswith("; ...")
    assert "adequate is >=50%)" in _flat(" ".join(lines))  # the bracket's own "; " is not a cut


def test_recommendations_that_do_not_fit_are_counted() -> None:
    assessment = sp.assess(load("progressive-arm-weakness"))
    lines = _compact(assessment, 100, 12)
    assert len(lines) <= 12
    assert lines[0] == f"Recommended ({len(assessment.recommended)})"
    assert any(re.fullmatch(r"  \.\.\. and \d+ more recommended", line) for line in lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=sps.patient_records(red_flag=None))
def test_any_history_fits_one_screen_beside_its_red_flags_and_notes(
    record: sp.PatientRecord,
) -> None:
    assessment = sp.assess(record)
    lines = render(assessment, record, "record.json", 100)
    head = lines.index("")  # the phase, red flags and notes: printed whole, whatever their length
    assert max(map(len, lines)) <= 100
    assert len(lines) <= max(SCREEN_LINES, head + 13)  # at worst: one step, "and N more"
    full = render(assessment, record, "record.json", 100, verbose=True)
    assert full[: head + 1] == lines[: head + 1]


def test_the_screen_shown_in_the_cli_docs_is_what_assess_prints(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text()
    command = "$ COLUMNS=100 spinepath assess examples/progressive-arm-weakness.json\n"
    shown = docs[docs.index(command) + len(command) :].split("```", 1)[0]
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    out = _printed(["examples/progressive-arm-weakness.json"], capsys)
    assert shown == out.rstrip("\n") + "\n"
