"""The command line on hostile files: an exit status that says what went wrong, never a traceback.

Each command is run on each file in this process (to check the status and the message) and all
files at once in a child process (to check that nothing escapes to a traceback there either).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from spinepath import __version__
from spinepath.cli import main
from spinepath.errors import MAX_PROBLEMS
from spinepath.io import DEFAULT_MAX_SIZE

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "failed-cesi-two-level-foraminal.json"
OK, INVALID, USAGE, UNREADABLE = 0, 1, 2, 3


def _write(name: str, content: bytes) -> Callable[[Path], Path]:
    def make(directory: Path) -> Path:
        path = directory / name
        path.write_bytes(content)
        return path

    return make


def _oversized(directory: Path) -> Path:
    path = directory / "oversized.json"
    with path.open("wb") as handle:
        handle.truncate(DEFAULT_MAX_SIZE + 12_345)  # a sparse file: no 10 MB written
    return path


def _missing(directory: Path) -> Path:
    return directory / "missing.json"


def _directory(directory: Path) -> Path:
    (directory / "folder.json").mkdir()
    return directory / "folder.json"


def _unknown_keys() -> bytes:
    keys = ", ".join(f'"k{i}": 0' for i in range(300_000))
    return ('{"schema_version": 1, ' + keys + "}").encode()


VALID = EXAMPLE.read_bytes()

# name: (make the file, exit status, a line the message starts with: None when valid)
HOSTILE: dict[str, tuple[Callable[[Path], Path], int, str | None]] = {
    "byte-order mark": (_write("bom.json", b"\xef\xbb\xbf" + VALID), OK, None),
    "binary": (
        _write("binary.json", bytes(range(256)) * 4),
        INVALID,
        "document is not UTF-8 text (invalid byte at offset 128)",
    ),
    "latin-1": (
        _write("latin1.json", VALID.replace(b'"pt-0001"', b'"pt-0001", "note": "caf\xe9"')),
        INVALID,
        "document is not UTF-8 text",
    ),
    "UTF-16": (
        _write("utf16.json", VALID.decode().encode("utf-16")),
        INVALID,
        "document is not UTF-8 text (invalid byte at offset 0)",
    ),
    "empty": (
        _write("empty.json", b""),
        INVALID,
        "not valid JSON: Expecting value at line 1, column 1",
    ),
    "deep nesting": (
        _write("deep.json", b"[" * 200_000),
        INVALID,
        "document is nested deeper than 64 levels",
    ),
    "unterminated string": (
        _write("unterminated.json", b"[]" * 65 + b'"' + b'\\"' * 500_000),
        INVALID,
        "not valid JSON: Extra data at line 1, column 3",
    ),
    "huge problem list": (
        _write("keys.json", _unknown_keys()),
        INVALID,
        "k0: unknown field",
    ),
    "oversized": (
        _oversized,
        INVALID,
        f"document is {DEFAULT_MAX_SIZE + 12_345} bytes, over the limit of {DEFAULT_MAX_SIZE}",
    ),
    "missing": (_missing, UNREADABLE, "No such file or directory"),
    "directory": (_directory, UNREADABLE, "Is a directory"),
    "undecodable name": (_write(os.fsdecode(b"r\xe9cord.json"), VALID), OK, None),
}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {name: make(tmp_path) for name, (make, _, _) in HOSTILE.items()}


@pytest.mark.parametrize("name", HOSTILE)
def test_validate_on_a_hostile_file(
    name: str, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, status, message = HOSTILE[name]
    assert main(["validate", str(files[name])]) == status
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    label = str(files[name])
    if status == OK:
        assert out.splitlines()[0].endswith(": valid")
        assert err == ""
    elif status == UNREADABLE:
        assert err == f"spinepath validate: cannot read {files[name]}: {message}\n"
    else:
        lines = out.splitlines()
        assert lines[0].startswith(f"{label}: invalid (")
        assert lines[1].startswith(f"{label}: {message}")
        assert len(lines) <= MAX_PROBLEMS + 2  # a count, 100 problems, "and N more"


@pytest.mark.parametrize("name", HOSTILE)
def test_assess_on_a_hostile_file(
    name: str, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, status, message = HOSTILE[name]
    assert main(["assess", str(files[name])]) == status
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if status == OK:
        assert "Recommended (" in out
    else:
        assert out == ""
        assert message is not None
        assert message in err
        assert err.count("\n") <= MAX_PROBLEMS + 2


@pytest.mark.parametrize("name", HOSTILE)
def test_assess_json_on_a_hostile_file(
    name: str, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, status, message = HOSTILE[name]
    assert main(["assess", "--json", str(files[name])]) == status
    out, err = capsys.readouterr()
    assert err == ""
    (result,) = json.loads(out)["files"]
    assert result["file"] == str(files[name])
    if status == OK:
        assert result["status"] == "assessed"
        assert result["assessment"]["recommended"]
    elif status == UNREADABLE:
        assert result == {"file": result["file"], "status": "unreadable", "reason": message}
    else:
        assert result["status"] == "invalid"
        assert result["problems"][0].startswith(message or "")
        assert len(result["problems"]) <= MAX_PROBLEMS + 1
        assert result["total"] >= len(result["problems"]) - 1


def test_the_json_shape_is_the_same_for_one_file_and_many(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", "--json", str(EXAMPLE)]) == OK
    one = json.loads(capsys.readouterr().out)
    names = [
        str(EXAMPLE),
        str(files["missing"]),
        str(files["binary"]),
        str(files["byte-order mark"]),
    ]
    assert main(["assess", "--json", *names]) == UNREADABLE  # the worst status met
    many = json.loads(capsys.readouterr().out)
    assert list(one) == list(many) == ["files"]
    assert [r["status"] for r in many["files"]] == ["assessed", "unreadable", "invalid", "assessed"]
    assert many["files"][0] == one["files"][0]
    assert set(many["files"][2]) == {"file", "status", "problems", "total", "complete"}


def test_the_huge_problem_list_is_cut_at_a_hundred(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = files["huge problem list"]
    assert main(["validate", str(path)]) == INVALID
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{path}: invalid (300001 problems)"
    assert lines[-1] == f"{path}: and 299901 more problems"
    assert len(lines) == 1 + MAX_PROBLEMS + 1


def test_a_byte_order_mark_passes_both_commands_alike(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bom = files["byte-order mark"]
    assert main(["validate", str(bom)]) == OK
    assert main(["validate", str(EXAMPLE)]) == OK
    with_mark, without = capsys.readouterr().out.split(f"{EXAMPLE}: ")
    assert with_mark == f"{bom}: " + without
    assert main(["assess", str(bom)]) == OK
    assert main(["assess", str(EXAMPLE)]) == OK
    with_mark, without = capsys.readouterr().out.split(f"{EXAMPLE}: ")
    # the same assessment; only the header's wrapping differs with the label's length
    assert with_mark.split() == f"{bom}: {without}".split()


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        (b"\xff\xfe rfa_success = 0.7", INVALID, "document is not UTF-8 text"),
        (b"a = " + b"[" * 100_000, INVALID, "not valid TOML: nested too deeply"),
        (b"a = " + b"{b = " * 100_000, INVALID, "not valid TOML: nested too deeply"),
        (b"\xef\xbb\xbfrfa_success = 7", INVALID, "rfa_success: 7 is above 1"),
    ],
)
def test_simulate_on_a_hostile_parameter_file(
    content: bytes,
    status: int,
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "params.toml"
    path.write_bytes(content)
    assert main(["simulate", "--n", "10", "--params", str(path), "--no-progress"]) == status
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_simulate_on_unreadable_and_oversized_parameter_files(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, status in (("missing", UNREADABLE), ("directory", UNREADABLE), ("oversized", 1)):
        args = ["simulate", "--n", "10", "--params", str(files[name]), "--no-progress"]
        assert main(args) == status, name
        assert "Traceback" not in capsys.readouterr().err
    deep = tmp_path / "deep.json"
    deep.write_bytes(b"[" * 100_000)
    assert main(["simulate", "--n", "10", "--params", str(deep), "--no-progress"]) == INVALID
    assert "nested deeper than 64 levels" in capsys.readouterr().err


def test_no_command_prints_a_traceback_in_a_child_process(files: dict[str, Path]) -> None:
    names = [str(path) for path in files.values()]
    for command in (["validate"], ["assess"], ["assess", "--json"]):
        done = subprocess.run(
            [sys.executable, "-m", "spinepath", *command, *names, "-"],
            input=bytes(range(256)),
            capture_output=True,
            check=False,
            env={**os.environ, "PYTHONIOENCODING": "ascii"},  # a terminal that knows no é
        )
        assert done.returncode == UNREADABLE, done.stderr.decode(errors="replace")
        assert b"Traceback" not in done.stderr
        if "--json" in command:
            results = json.loads(done.stdout)["files"]
            assert [r["file"] for r in results][-1] == "<stdin>"
            assert results[-1]["status"] == "invalid"


def test_version_and_exit_statuses_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    for flag in ("-V", "--version"):
        with pytest.raises(SystemExit) as caught:
            main([flag])
        assert caught.value.code == 0
        assert capsys.readouterr().out == f"spinepath {__version__}\n"
    for command, statuses in (
        ([], "01234"),
        (["validate"], "0123"),
        (["assess"], "0123"),
        (["simulate"], "01234"),
    ):
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        help_text = capsys.readouterr().out
        assert "exit status" in help_text
        block = help_text.split("exit status")[1].splitlines()[1:]
        listed = [line.split()[0] for line in block if line.strip()]
        assert "".join(s for s in listed if s.isdigit()) == statuses, command


def test_the_cli_page_lists_every_exit_status_and_the_json_shape() -> None:
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d) \| .* \|\s*(yes)?\s*\|\s*(yes)?\s*\|\s*(yes)?\s*\|$", page, re.M)
    assert [row[0] for row in rows] == list("01234")
    for column, statuses in ((1, "0123"), (2, "0123"), (3, "01234")):
        assert "".join(row[0] for row in rows if row[column]) == statuses
    assert '{\n  "files": [\n    {"file": ' in page
    for key in ('"status": "assessed"', '"status": "invalid"', '"status": "unreadable"'):
        assert key in page


def test_standard_input_closed_is_unreadable() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "spinepath", "validate", "-"],
        capture_output=True,
        preexec_fn=lambda: os.close(0),  # the child starts with no standard input
        check=False,
    )
    assert done.returncode == UNREADABLE
    assert done.stderr == b"spinepath validate: cannot read <stdin>: standard input is closed\n"
