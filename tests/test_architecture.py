"""The apps stack in one order, bottom to top, and each imports only apps below it.

Reads every module's imports with ``ast`` (top-level, inside functions and under
``TYPE_CHECKING`` alike: a lazy import is still a dependency). The order is the
layout in ``docs/architecture.md``; an app that is not in it fails the test until
someone decides where it belongs.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

import safeguard

SRC = Path(safeguard.__file__).parent

# Bottom to top. Apps not written yet keep their place so they can slot in.
ORDER = [
    "core",
    "people",
    "records",
    "work",
    "training",
    "directory",
    "frontdoor",
    "earlyhelp",
    "sharing",
    "meetings",
    "exploitation",
    "hsb",
    "contextual",
    "insight",
    "learning",
    "rights",
    "api",
]
# Project-level modules that bring the apps together: they may import any app.
TOP_LEVEL = {"views", "navigation", "urls", "settings", "cli", "wsgi", "__init__"}
# Packages under src/safeguard that are not apps.
NOT_APPS = {"templates", "static"}

# Known exceptions, each with the reason it is not fixed yet. Keep this short.
ALLOWED_UPWARDS: set[tuple[str, str]] = set()


def _app_of(path: Path) -> str:
    relative = path.relative_to(SRC)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _module_package(path: Path) -> list[str]:
    relative = path.relative_to(SRC.parent).with_suffix("")
    parts = list(relative.parts)
    return parts if path.name == "__init__.py" else parts[:-1]


def _imported_apps(path: Path) -> dict[str, list[str]]:
    """The safeguard apps a module imports, with the line numbers that do it."""
    found: dict[str, list[str]] = defaultdict(list)
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = _module_package(path)
                base = package[: len(package) - node.level + 1]
                names = [".".join([*base, *([node.module] if node.module else [])])]
                if not node.module:  # from . import x, y: each name may be a module
                    names = [f"{names[0]}.{alias.name}" for alias in node.names]
            else:
                names = [node.module or ""]
        for name in names:
            parts = name.split(".")
            if parts[0] == "safeguard" and len(parts) > 1:
                found[parts[1]].append(f"{path.relative_to(SRC.parent)}:{node.lineno}")
    return found


def _edges() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(SRC.rglob("*.py")):
        source = _app_of(path)
        for target, where in _imported_apps(path).items():
            if target != source:
                edges[(source, target)].extend(where)
    return edges


EDGES = _edges()
APPS = sorted(
    p.name for p in SRC.iterdir() if p.is_dir() and p.name not in NOT_APPS | {"__pycache__"}
)


def _rank(app: str) -> int:
    return ORDER.index(app)


class TestTheAppLayout:
    def test_every_app_has_a_place_in_the_order(self):
        assert [app for app in APPS if app not in ORDER] == []

    def test_core_imports_no_domain_app(self):
        assert {t: w for (s, t), w in EDGES.items() if s == "core" and t in ORDER} == {}

    def test_people_imports_only_core(self):
        assert {t: w for (s, t), w in EDGES.items() if s == "people" and t != "core"} == {}

    def test_people_never_imports_records(self):
        assert ("people", "records") not in EDGES

    @pytest.mark.parametrize("app", [a for a in ORDER if a in APPS])
    def test_an_app_imports_only_apps_below_it(self, app):
        upwards = {
            target: where
            for (source, target), where in EDGES.items()
            if source == app
            and target in ORDER
            and _rank(target) > _rank(app)
            and (source, target) not in ALLOWED_UPWARDS
        }
        assert upwards == {}, f"{app} imports apps above it: {upwards}"

    def test_no_app_imports_a_project_level_module(self):
        below = {
            (source, target): where
            for (source, target), where in EDGES.items()
            if source in ORDER and target in TOP_LEVEL - {"__init__"}
        }
        assert below == {}

    def test_there_are_no_import_cycles_between_apps(self):
        graph: dict[str, set[str]] = defaultdict(set)
        for source, target in EDGES:
            if source in ORDER and target in ORDER:
                graph[source].add(target)
        cycles = []

        def visit(app: str, path: list[str]) -> None:
            for nxt in sorted(graph[app]):
                if nxt in path:
                    cycles.append([*path[path.index(nxt) :], nxt])
                elif len(path) < len(ORDER):
                    visit(nxt, [*path, nxt])

        for app in sorted(graph):
            visit(app, [app])
        assert cycles == []

    def test_each_allowed_exception_is_still_needed(self):
        assert {edge for edge in ALLOWED_UPWARDS if edge not in EDGES} == set()
