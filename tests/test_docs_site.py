"""The documentation site: the evidence page is current, every public name is in the API
reference with a docstring, links work from the package index, and the version has one source.

`.ci/run` builds the site itself with ``mkdocs build --strict``; these tests check what the
build cannot: that nothing public is left out, and what the pages say.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import pathlib
import re
import tomllib
import types

import pytest

import spinepath

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
API = DOCS / "api"
REPOSITORY = "https://github.com/spinepath/spinepath"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

PUBLIC_MODULES = (
    "spinepath",
    "spinepath.anatomy",
    "spinepath.errors",
    "spinepath.examples",
    "spinepath.model",
    "spinepath.io",
    "spinepath.rules",
    "spinepath.pathway",
    "spinepath.testing",
    "spinepath.testing.strategies",
    "spinepath.sim",
    "spinepath.sim.plot",
    "spinepath.fhir",
    "spinepath.service",
)
"""Every module whose ``__all__`` is public API (``spinepath.cli`` is a command, not an API)."""


# -- the evidence page -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def evidence() -> types.ModuleType:
    pytest.importorskip("numpy", reason="the evidence page reads the simulation's parameters")
    return importlib.import_module("spinepath.sim.evidence")


def test_evidence_md_is_current(evidence: types.ModuleType) -> None:
    assert (DOCS / "evidence.md").read_text(encoding="utf-8") == evidence.render_markdown(), (
        "regenerate: python -m spinepath.sim.evidence > docs/evidence.md"
    )


def _rows(text: str, first_cell: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(f"| {first_cell} |")]


def _section(text: str, title: str) -> str:
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def _shown(value: object) -> str:
    """A figure's value as the page shows it: ``>=50``, ``none``, ``7.5``, ``2``."""
    if value is None:
        return "none"
    if isinstance(value, tuple):  # procedures (contrast, consent): listed, or none
        return ", ".join(map(str, value)) or "none"
    return f"{value:g}" if isinstance(value, float) else str(value)


def test_evidence_md_lists_every_figure_with_its_unit_source_and_grade(
    evidence: types.ModuleType,
) -> None:
    from spinepath.sim import DEFAULT_PARAMETERS

    text = evidence.render_markdown()
    profiles = _section(text, "Guideline profiles")
    parameters = _section(text, "Simulation parameters")
    base, strict = spinepath.CONSENSUS_2022, spinepath.STRICT_PAYER
    for name, figure in base.figures().items():
        (row,) = _rows(profiles, f"`{name}`")
        assert row.endswith(
            f"| {base.name} | {_shown(figure.value)} | {figure.unit} | {figure.source} "
            f"| {figure.grade} |"
        ), row
    differing = {n for n, f in strict.figures().items() if f != base.figures()[n]}
    assert {"mbb_positive_relief", "mbb_blocks_required"} <= differing
    assert len(_rows(profiles, "")) == len(differing)
    for name in differing:
        figure = strict.figures()[name]
        assert (
            f"| | {strict.name} | {_shown(figure.value)} | {figure.unit} | {figure.source} "
            f"| {figure.grade} |".replace("| |", "|  |", 1)
            in text
        ), name
    for name, estimate in DEFAULT_PARAMETERS.estimates().items():
        (row,) = _rows(parameters, f"`{name}`")
        assert f"| {estimate.value:.4g} | {estimate.unit} |" in row
        assert row.endswith(f"| {estimate.source} | {estimate.grade} |"), row
        assert ("| - |" in row) == (estimate.uncertainty is None), name


def test_evidence_md_counts_every_grade(evidence: types.ModuleType) -> None:
    text = evidence.render_markdown()
    grades, profiles, parameters = (
        _section(text, title) for title in ("Grades", "Guideline profiles", "Simulation parameters")
    )
    for grade, meaning in evidence.GRADES.items():
        (row,) = _rows(grades, str(grade))
        in_profiles, in_parameters = (int(cell) for cell in row.strip(" |").split(" | ")[-2:])
        assert f"| {grade} | {meaning} |" in row
        assert in_profiles == len(re.findall(rf"\| {grade} \|$", profiles, re.M))
        assert in_parameters == len(re.findall(rf"\| {grade} \|$", parameters, re.M))


def test_the_package_cites_nothing_outside_the_repository() -> None:
    texts = [p.read_text(encoding="utf-8") for p in (ROOT / "src").rglob("*.py")]
    texts += [p.read_text(encoding="utf-8") for p in DOCS.rglob("*.md")]
    texts.append((ROOT / "README.md").read_text(encoding="utf-8"))
    for text in texts:
        assert "shared/" not in text
        assert "evidence.md has" not in text


# -- the API reference -----------------------------------------------------------------------------


def _directives() -> dict[str, list[str] | None]:
    """``::: path`` of every API page, with its ``members: [...]`` list if it names one."""
    found: dict[str, list[str] | None] = {}
    for page in API.glob("*.md"):
        for match in re.finditer(r"^::: (\S+)\n((?:    .*\n)*)", page.read_text(), re.M):
            members = re.search(r"members: \[(.*)\]", match[2])
            found[match[1]] = members[1].replace(" ", "").split(",") if members else None
    return found


def _shadowed(module: str, name: str, value: object) -> bool:
    """Whether ``module.name`` is a function (or value) hiding a submodule of the same name,
    which the reference must document by its full path (``spinepath.pathway.diagram.diagram``)."""
    if isinstance(value, types.ModuleType) or not hasattr(
        importlib.import_module(module), "__path__"
    ):
        return False
    return importlib.util.find_spec(f"{module}.{name}") is not None


def _documented_at(module: str, name: str, directives: dict[str, list[str] | None]) -> str | None:
    value = getattr(importlib.import_module(module), name)
    if isinstance(value, types.ModuleType):
        return value.__name__ if value.__name__ in directives else None
    if _shadowed(module, name, value):
        path = f"{module}.{name}.{name}"
        return path if path in directives else None
    members = directives.get(module, [])
    if module in directives and (members is None or name in members):
        return f"{module}.{name}"
    return None


def test_every_public_name_is_in_the_api_reference() -> None:
    directives = _directives()
    missing = []
    for module in PUBLIC_MODULES:
        for name in importlib.import_module(module).__all__:
            if _documented_at(module, name, directives):
                continue
            value = getattr(spinepath, name, None) if module == "spinepath" else None
            homes = [
                m
                for m in PUBLIC_MODULES[1:]
                if name in importlib.import_module(m).__all__
                and getattr(importlib.import_module(m), name) is value
            ]
            if not any(_documented_at(m, name, directives) for m in homes):
                missing.append(f"{module}.{name}")
    assert not missing, f"add these to a page of docs/api/: {missing}"


def test_every_api_page_is_in_the_nav_and_names_what_exists() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in API.glob("*.md"):
        assert f": api/{page.name}\n" in config, page.name
    for path in _directives():
        assert _resolve(path) is not None, path


def _resolve(path: str) -> object:
    """The object a dotted path names (the longest importable module, then attributes)."""
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for part in parts[i:]:
            found = getattr(found, part)
        return found
    raise AssertionError(f"{path} names nothing")


def test_every_public_name_has_a_docstring() -> None:
    griffe = pytest.importorskip("griffe", reason="the docs extra reads docstrings statically")
    package = griffe.load("spinepath", search_paths=[str(ROOT / "src")])
    undocumented = []
    for module in PUBLIC_MODULES:
        loaded = package if module == "spinepath" else package[module.removeprefix("spinepath.")]
        for name in importlib.import_module(module).__all__:
            found = loaded[name]
            value = getattr(importlib.import_module(module), name)
            if found.is_module and not isinstance(value, types.ModuleType):
                found = found[name]  # a function hiding its own submodule
            target = found.final_target if found.is_alias else found
            if not (target.docstring and target.docstring.value.strip()):
                undocumented.append(f"{module}.{name}")
    assert not undocumented, f"write a docstring for {undocumented}"


# -- the Griffe extension of the site --------------------------------------------------------------


@pytest.fixture(scope="module")
def extension() -> types.ModuleType:
    pytest.importorskip("griffe", reason="the site's Griffe extension needs the docs extra")
    spec = importlib.util.spec_from_file_location(
        "griffe_spinepath", ROOT / "tools" / "griffe_spinepath.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sphinx_roles_become_optional_links(extension: types.ModuleType) -> None:
    known = {"phase_of": "spinepath.pathway.machine.phase_of"}

    def resolve(name: str) -> str | None:
        return name if name.startswith("spinepath.") else known.get(name)

    text = (
        "Raises :class:`~spinepath.errors.InvalidDocument`; see :func:`phase_of` and "
        ":meth:`_private_helper`."
    )
    assert extension.convert(text, resolve) == (
        'Raises <autoref identifier="spinepath.errors.InvalidDocument" optional>'
        "<code>InvalidDocument</code></autoref>; see "
        '<autoref identifier="spinepath.pathway.machine.phase_of" optional>'
        "<code>phase_of</code></autoref> and `_private_helper`."
    )


def test_a_double_colon_before_code_becomes_a_colon(extension: types.ModuleType) -> None:
    text = "Regenerate with::\n\n    python -m x\n\nA ratio 1::2 stays."
    assert extension.convert(text, lambda _: None) == (
        "Regenerate with:\n\n    python -m x\n\nA ratio 1::2 stays."
    )


def test_the_extension_resolves_names_where_the_docstring_is(extension: types.ModuleType) -> None:
    griffe = pytest.importorskip("griffe")
    loaded = griffe.load(
        "spinepath",
        search_paths=[str(ROOT / "src")],
        extensions=griffe.load_extensions(extension.SpinepathDocs),
    )
    reference = loaded["pathway.reference"].docstring.value
    assert 'identifier="spinepath.pathway.diagram.diagram"' in reference
    assert "Regenerate with:\n" in reference
    assert loaded["rules.RULES"].value is None  # too long to show
    assert str(loaded["model.events.Urgency.URGENT"].value) == "'urgent'"
    assert "__attrs_post_init__" not in loaded["model.ImagingStudy"].members


# -- pages, links, metadata ------------------------------------------------------------------------


def test_the_home_page_example_runs() -> None:
    (code,) = re.findall(r"```python\n(.*?)```", (DOCS / "index.md").read_text(), re.S)
    printed: list[str] = []
    exec(
        compile(code, "docs/index.md", "exec"),
        {"print": lambda *a: printed.append(" ".join(map(str, a)))},
    )
    assert printed[0] == "Re-evaluation"
    assert any("Medial branch block C4-5 right" in line for line in printed[1:])


def test_readme_links_work_from_the_package_index() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)]+)\)", readme) + re.findall(
        r"^\[[^\]]+\]: (\S+)$", readme, re.M
    )
    assert len(targets) >= 10
    for target in targets:
        assert target.startswith("https://"), target
        if target.startswith((f"{REPOSITORY}/blob/main/", f"{REPOSITORY}/tree/main/")):
            path = target.split("/main/", 1)[1]
            assert (ROOT / path).exists(), target
    for page in sorted(DOCS.glob("*.md")):
        if page.name not in ("index.md", "changelog.md"):
            assert f"{REPOSITORY}/blob/main/docs/{page.name}" in readme, page.name


def test_project_urls_point_at_the_repository() -> None:
    urls = PYPROJECT["project"]["urls"]
    assert set(urls) == {"Homepage", "Documentation", "Changelog", "Issues"}
    for url in urls.values():
        assert url.startswith(REPOSITORY), url
    assert (ROOT / urls["Changelog"].split("/main/", 1)[1]).exists()


def test_the_version_has_one_source() -> None:
    assert "version" not in PYPROJECT["project"]
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "src/spinepath/__init__.py"
    assert importlib.metadata.version("spinepath") == spinepath.__version__, (
        "the installed metadata is stale: pip install -e ."
    )
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", changelog, re.M)
    assert releases[0][0] == spinepath.__version__
    assert changelog.index("## [Unreleased]") < changelog.index(f"## [{spinepath.__version__}]")


def test_built_sites_are_never_committed() -> None:
    assert "site/" in (ROOT / ".gitignore").read_text().splitlines()
