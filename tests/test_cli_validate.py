"""``spinepath validate``: summaries of valid records, every problem of invalid ones."""

from __future__ import annotations

import io
import json
import pathlib

import pytest

from spinepath import examples
from spinepath.cli import main

ROOT = pathlib.Path(__file__).resolve().parent.parent
TWO_LEVEL = ROOT / "examples" / "failed-cesi-two-level-foraminal.json"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["validate", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def invalid_copy(tmp_path: pathlib.Path) -> pathlib.Path:
    data = json.loads(TWO_LEVEL.read_text())
    data["events"][3]["outcome"]["relief_percent"] = 140
    data["patient"]["nickname"] = "Jo"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    return path


def test_a_valid_record_is_summarised(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, str(TWO_LEVEL))
    assert status == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == f"{TWO_LEVEL}: valid"
    assert "patient: female, born 1968-04-12" in out
    assert "pt-0001" not in out  # ids stay out of the output
    assert "cesi-1" not in out
    assert "age 55 at the last event; 5 events from 2023-12-02 to 2024-02-19" in out
    assert "events: cesi 1, clinical_visit 2, imaging_study 1, outcome_report 1" in out
    assert (
        "2024-01-22 cesi interlaminar C7-T1 left [events[2]]: relief 20% (NRS 7 -> 6) for 10 days"
        in out
    )


def test_every_example_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(ROOT / "examples" / f"{name}.json") for name in examples.names()]
    status, out, _ = run(capsys, *paths)
    assert status == 0
    assert out.count(": valid\n") == len(paths) >= 4


def test_an_invalid_record_lists_every_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    bad = invalid_copy(tmp_path)
    status, out, _ = run(capsys, str(bad))
    assert status == 1
    assert out.splitlines() == [
        f"{bad}: invalid (2 problems)",
        f"{bad}: patient.nickname: unknown field",
        f"{bad}: events[3].outcome.relief_percent: 140 is above 100",
    ]


def test_valid_and_invalid_files_together(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    status, out, _ = run(capsys, str(TWO_LEVEL), str(invalid_copy(tmp_path)))
    assert status == 1
    assert f"{TWO_LEVEL}: valid" in out


def test_a_missing_file_is_unreadable(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    missing = tmp_path / "nope.json"
    status, out, err = run(capsys, str(TWO_LEVEL), str(missing), str(invalid_copy(tmp_path)))
    assert status == 3
    assert err == f"spinepath validate: cannot read {missing}: No such file or directory\n"
    assert "Traceback" not in err
    assert f"{TWO_LEVEL}: valid" in out


def test_a_directory_is_unreadable(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    status, _, err = run(capsys, str(tmp_path))
    assert status == 3
    assert err == f"spinepath validate: cannot read {tmp_path}: Is a directory\n"


def test_malformed_files_are_invalid(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00")
    status, out, _ = run(capsys, str(binary))
    assert status == 1
    assert f"{binary}: document is not UTF-8 text" in out
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    status, out, _ = run(capsys, str(deep))
    assert status == 1
    assert f"{deep}: document is nested deeper than 64 levels" in out


def test_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(TWO_LEVEL.read_bytes()), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    status, out, _ = run(capsys, "-")
    assert status == 0
    assert out.startswith("<stdin>: valid\n")


def test_a_record_without_events(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "empty.json"
    path.write_text(
        '{"schema_version": 1, "patient": {"id": "p", "birth_date": "1980-01-01", "sex": "male"}}'
    )
    status, out, _ = run(capsys, str(path))
    assert status == 0
    assert "  no events" in out


def test_validate_needs_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["validate"])
    assert caught.value.code == 2
    assert "FILE" in capsys.readouterr().err
