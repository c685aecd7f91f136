"""``spinepath simulate``: results, pictures, strict parameter files, progress, exit codes."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from spinepath.cli import main
from spinepath.cli.simulate import ProgressBar


def test_help_works_without_numpy() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from spinepath.cli import build_parser\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        build_parser().parse_args(['simulate', '--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "assert 'numpy' not in sys.modules, 'numpy imported'\n"
        "assert 'pandas' not in sys.modules, 'pandas imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_run_writes_tables_and_pictures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "patients.parquet"
    steps = tmp_path / "steps.csv"
    sankey = tmp_path / "paths.png"
    km = tmp_path / "km.png"
    status = main(
        [
            "simulate",
            "--n",
            "600",
            "--seed",
            "3",
            "--policy",
            "early-surgical-referral",
            "--profile",
            "strict-payer",
            "--out",
            str(out),
            "--steps",
            str(steps),
            "--sankey",
            str(sankey),
            "--km",
            str(km),
            "--no-progress",
        ]
    )
    assert status == 0
    printed = capsys.readouterr().out
    assert "600 patients, policy 'early-surgical-referral', profile 'strict-payer'" in printed
    patients = pd.read_parquet(out)
    assert len(patients) == 600
    assert len(pd.read_csv(steps)) > 600
    for picture in (sankey, km):
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_two_workers_give_the_same_results(tmp_path: Path) -> None:
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert main(["simulate", "--n", "500", "--out", str(one), "--quiet", "--no-progress"]) == 0
    assert (
        main(
            [
                "simulate",
                "--n",
                "500",
                "--out",
                str(two),
                "--quiet",
                "--no-progress",
                "--workers",
                "2",
            ]
        )
        == 0
    )
    assert one.read_text() == two.read_text()


def test_parameter_files_are_read_strictly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.toml"
    good.write_text("rfa_success = 0.7\n")
    assert main(["simulate", "--n", "50", "--params", str(good), "--quiet", "--no-progress"]) == 0
    bad = tmp_path / "bad.toml"
    bad.write_text("rfa_success = 7\nrfa_sucess = 0.5\n")
    assert main(["simulate", "--n", "50", "--params", str(bad), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "rfa_success: 7 is above 1 (probability)" in err
    assert "rfa_sucess: unknown parameter" in err


def test_unknown_formats_and_bad_numbers(tmp_path: Path) -> None:
    assert main(["simulate", "--n", "10", "--out", str(tmp_path / "x.xlsx")]) == 2
    with pytest.raises(SystemExit):
        main(["simulate", "--n", "0"])
    with pytest.raises(SystemExit):
        main(["simulate", "--policy", "aggressive"])


def test_the_plain_progress_bar() -> None:
    stream = io.StringIO()
    bar = ProgressBar(100, True, stream)
    if bar._tqdm is not None:  # tqdm installed: exercise the plain bar directly
        bar._tqdm.close()
        bar._tqdm = None
    bar(50, 100)
    bar(100, 100)
    bar.close()
    text = stream.getvalue()
    assert "simulating [###############...............] 50/100" in text
    assert "100/100" in text
    silent = io.StringIO()
    quiet = ProgressBar(100, False, silent)
    quiet(100, 100)
    quiet.close()
    assert silent.getvalue() == ""
