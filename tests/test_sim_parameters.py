"""Simulation parameters: sourced defaults, overrides, strict parameter files, PSA draws."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from spinepath.errors import InvalidDocument, InvalidValue
from spinepath.rules.profiles import Grade
from spinepath.sim import (
    DEFAULT_PARAMETERS,
    Beta,
    Estimate,
    Gamma,
    LogNormal,
    Normal,
    load_parameters,
    parameters_from_mapping,
    parameters_from_text,
)
from spinepath.sim.distributions import endpoint_response, fit_two_endpoints, lognormal_survival
from spinepath.sim.parameters import PARAMETER_SETS, UNITS, parameter_set


def test_every_default_names_a_source_or_is_an_assumption_with_a_reason() -> None:
    for name, estimate in DEFAULT_PARAMETERS.estimates().items():
        if estimate.grade is Grade.ASSUMPTION:
            assert estimate.source.startswith("assumption"), name
            assert len(estimate.source) > len("assumption: ") + 10, f"{name}: give the reason"
        else:
            assert estimate.grade in (Grade.READ, Grade.SECONDARY), name
            assert any(ch.isdigit() for ch in estimate.source), f"{name}: cite the publication"


def test_headline_figures_from_the_evidence_table() -> None:
    p = DEFAULT_PARAMETERS
    assert (p["cesi_response"], p["cesi_stenosis_response"]) == (0.829, 0.560)  # Yoon 2015
    assert p["rfa_complete_relief"] == 1.0
    assert p["gon_relief_mean_days"] == 27
    assert p["scs_trial_success"] == pytest.approx(23 / 35)
    assert p["acdf_recurrence_per_year"] == 0.03
    assert p["advanced_pt_response"] == pytest.approx(0.268)


def test_defaults_lie_within_their_units() -> None:
    for name, estimate in DEFAULT_PARAMETERS.estimates().items():
        low, high = UNITS[estimate.unit]
        assert low <= estimate.value <= high, name


def test_derive_replaces_values_and_keeps_the_rest() -> None:
    changed = DEFAULT_PARAMETERS.derive(rfa_success=0.7, gon_relief_mean_days=40)
    assert changed["rfa_success"] == 0.7
    assert changed.rfa_success.grade is Grade.USER
    assert changed.rfa_success.uncertainty is None
    assert changed["gon_relief_mean_days"] == 40
    assert changed["cesi_response"] == DEFAULT_PARAMETERS["cesi_response"]
    with_uncertainty = DEFAULT_PARAMETERS.derive(surgery_success=Beta(80, 20))
    assert with_uncertainty.surgery_success.uncertainty == Beta(80, 20)
    assert with_uncertainty["surgery_success"] == DEFAULT_PARAMETERS["surgery_success"]
    own = Estimate(0.3, "probability", "our audit, 2024", Grade.USER)
    assert DEFAULT_PARAMETERS.derive(gon_response=own).gon_response == own


def test_derive_reports_every_problem() -> None:
    with pytest.raises(InvalidDocument) as caught:
        DEFAULT_PARAMETERS.derive(rfa_sucess=0.5, cesi_response=1.5, gon_response="high")  # type: ignore[arg-type]
    problems = caught.value.problems
    assert "rfa_sucess: unknown parameter" in problems
    assert any(p.startswith("cesi_response: 1.5 is above 1") for p in problems)
    assert any(p.startswith("gon_response: expected a number") for p in problems)


TOML = """
title = "clinic audit"
rfa_success = 0.7
cesi_response = 0.45

[rfa_relief_median_days]
value = 240
source = "our clinic's audit, 2024"
uncertainty = { distribution = "gamma", shape = 25, scale = 9.6 }

[gon_response]
uncertainty = { distribution = "beta", alpha = 12, beta = 8 }
"""


def test_a_toml_file_overrides_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(TOML)
    p = load_parameters(path)
    assert p["rfa_success"] == 0.7
    assert p["cesi_response"] == 0.45
    assert p["rfa_relief_median_days"] == 240
    assert p.rfa_relief_median_days.source == "our clinic's audit, 2024"
    assert p.rfa_relief_median_days.uncertainty == Gamma(25, 9.6)
    assert p.gon_response.uncertainty == Beta(12, 8)
    assert p["gon_response"] == DEFAULT_PARAMETERS["gon_response"]  # value kept
    assert p["surgery_success"] == DEFAULT_PARAMETERS["surgery_success"]


def test_json_files_read_the_same_way(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"rfa_success": 0.66, "deficit_per_year": {"value": 0.05}}))
    p = load_parameters(path)
    assert p["rfa_success"] == 0.66
    assert p["deficit_per_year"] == 0.05


BAD = """
rfa_sucess = 0.5
cesi_response = 1.2
gon_response = "often"
snrb_sensitivity = true
visit_interval_days = 0

[rfa_success]
value = 0.6
colour = "blue"
uncertainty = { distribution = "normal", mu = 0.6, sd = 0.1 }

[surgery_success]
uncertainty = { distribution = "weibull", k = 2 }

[medication_response]
uncertainty = { distribution = "beta", alpha = -1 }
"""


def test_bad_files_list_every_problem_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(BAD)
    with pytest.raises(InvalidDocument) as caught:
        load_parameters(path)
    problems = caught.value.problems
    expected = [
        "rfa_sucess: unknown parameter",
        "cesi_response: 1.2 is above 1 (probability)",
        "gon_response: expected a number, got a string",
        "snrb_sensitivity: expected a number, got true",
        "visit_interval_days: 0 is below 1 (days)",
        "rfa_success.colour: unknown field",
        "surgery_success.uncertainty.distribution: 'weibull' is not one of",
        "medication_response.uncertainty.beta: required field is missing",
    ]
    for text in expected:
        assert any(p.startswith(text) for p in problems), (text, problems)
    assert str(caught.value).startswith("invalid parameters:")


def test_an_unbounded_distribution_cannot_describe_a_probability() -> None:
    with pytest.raises(InvalidDocument) as caught:
        parameters_from_mapping(
            {"rfa_success": {"uncertainty": {"distribution": "normal", "mu": 0.6, "sd": 0.1}}}
        )
    assert caught.value.problems[0].startswith("rfa_success.uncertainty:")
    bounded = parameters_from_mapping(
        {
            "rfa_success": {
                "uncertainty": {
                    "distribution": "normal",
                    "mu": 0.6,
                    "sd": 0.1,
                    "low": 0.0,
                    "high": 1.0,
                }
            }
        }
    )
    assert bounded.rfa_success.uncertainty == Normal(0.6, 0.1, 0.0, 1.0)


def test_malformed_text_and_non_tables_are_invalid_documents() -> None:
    with pytest.raises(InvalidDocument, match="not valid TOML"):
        parameters_from_text("rfa_success = ", toml=True)
    with pytest.raises(InvalidDocument, match="not valid JSON"):
        parameters_from_text("{", toml=False)
    with pytest.raises(InvalidDocument, match="expected a table"):
        parameters_from_text("[1, 2]", toml=False)
    with pytest.raises(InvalidDocument, match="cannot read"):
        load_parameters("/nonexistent/p.toml")


def test_to_dict_reads_back_unchanged() -> None:
    again = parameters_from_mapping(json.loads(DEFAULT_PARAMETERS.to_json()))
    assert again == DEFAULT_PARAMETERS


def test_sampling_draws_within_range_and_reproducibly() -> None:
    a = DEFAULT_PARAMETERS.sample(np.random.default_rng(3))
    b = DEFAULT_PARAMETERS.sample(np.random.default_rng(3))
    assert a == b
    assert a != DEFAULT_PARAMETERS
    for name in DEFAULT_PARAMETERS.uncertain():
        low, high = UNITS[a.estimates()[name].unit]
        assert low <= a[name] <= high
    certain = [n for n in DEFAULT_PARAMETERS.estimates() if n not in DEFAULT_PARAMETERS.uncertain()]
    assert all(a[n] == DEFAULT_PARAMETERS[n] for n in certain)


def test_distribution_means() -> None:
    rng = np.random.default_rng(0)
    for dist in (Beta.from_counts(23, 35), Gamma.from_mean(263, 0.2), LogNormal(180, 0.3)):
        draws = np.array([dist.sample(rng) for _ in range(4000)])
        assert draws.mean() == pytest.approx(dist.mean, rel=0.03)


def test_estimates_validate_themselves() -> None:
    with pytest.raises(InvalidValue):
        Estimate(1.5, "probability", "x source", Grade.USER)
    with pytest.raises(InvalidValue):
        Estimate(0.5, "probability", "x source", Grade.USER, Gamma(2, 1))


def _endpoint(p: float, days: float, median: float) -> float:
    return p * lognormal_survival(days, median, DEFAULT_PARAMETERS["relief_sigma"])


def test_responses_are_fitted_to_their_sources_endpoints() -> None:
    """A response times the share of responders still relieved at the source's time is the
    source's figure among all treated (the fit rounds to 0.1 percentage point or a day)."""
    p = PARAMETER_SETS["lord-1996"]
    # RFA: Cohen 2007, 56-58% with >=50% relief at 6 months; Lord 1996, all treated back to
    # 50% of baseline pain at a median of 263 days
    assert _endpoint(p["rfa_success"], 182, p["rfa_relief_median_days"]) == pytest.approx(
        0.57, abs=0.002
    )
    assert _endpoint(p["rfa_success"], 263, p["rfa_relief_median_days"]) == pytest.approx(
        0.50, abs=0.002
    )
    # Lord: 7 of 12 free of pain at 27 weeks, within sampling error of the fit
    assert _endpoint(p["rfa_success"], 189, p["rfa_relief_median_days"]) == pytest.approx(
        7 / 12, abs=0.03
    )
    # CESI: Yoon's 68.1% responding and StatPearls' half relieved at 3 months
    assert _endpoint(0.681, 91, p["cesi_relief_median_days"]) == pytest.approx(0.50, abs=0.002)
    # after a confirming SNRB: Cohen 2014's 56.9% at 3 months
    assert _endpoint(p["targeted_cesi_response"], 91, p["cesi_relief_median_days"]) == (
        pytest.approx(0.569, abs=0.002)
    )
    # MacVicar 2012: 74% and 61% with complete (or >=80%) relief for >=6 months
    m = PARAMETER_SETS["macvicar-2012"]
    complete = m["rfa_complete_relief"]
    assert complete * _endpoint(m["rfa_success"], 182, m["rfa_relief_median_days"]) == (
        pytest.approx(0.675, abs=0.002)
    )
    assert 17 * 30.44 <= m["rfa_relief_median_days"] <= 20 * 30.44
    assert m["rfa_repeat_relief_median_days"] == pytest.approx(15 * 30.44, abs=1)


def test_named_sets_differ_only_in_rfa_and_are_chosen_by_name(tmp_path: Path) -> None:
    lord, macvicar = PARAMETER_SETS["lord-1996"], PARAMETER_SETS["macvicar-2012"]
    assert lord is DEFAULT_PARAMETERS
    differ = {n for n in lord.estimates() if lord[n] != macvicar[n]}
    assert differ <= {n for n in lord.estimates() if n.startswith("rfa_")}
    assert "rfa_relief_median_days" in differ
    assert parameter_set("macvicar-2012") is macvicar
    with pytest.raises(InvalidValue, match="'macvicar' is not a known parameter set"):
        parameter_set("macvicar")
    path = tmp_path / "set.toml"
    path.write_text('set = "macvicar-2012"\nrfa_success = 0.7\n')
    chosen = load_parameters(path)
    assert chosen["rfa_relief_median_days"] == macvicar["rfa_relief_median_days"]
    assert chosen["rfa_success"] == 0.7
    with pytest.raises(InvalidDocument) as caught:
        parameters_from_text('set = "vicar"', toml=True)
    assert list(caught.value.problems) == [
        "set: 'vicar' is not a known parameter set (lord-1996, macvicar-2012)"
    ]


def test_endpoint_response_refuses_an_endpoint_no_probability_can_reach() -> None:
    assert endpoint_response(0.5, 91, 124, 0.5) == pytest.approx(0.683, abs=0.001)
    with pytest.raises(InvalidValue, match=r"only .* of responders last that long"):
        endpoint_response(0.9, 365, 124, 0.5)
    p, median = fit_two_endpoints((182, 0.57), (263, 0.50), 0.5)
    assert p * lognormal_survival(182, median, 0.5) == pytest.approx(0.57)
    assert p * lognormal_survival(263, median, 0.5) == pytest.approx(0.50)
    with pytest.raises(InvalidValue):
        fit_two_endpoints((263, 0.5), (182, 0.57), 0.5)
