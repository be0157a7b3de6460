"""The layout keeps its promises (docs/architecture.md): the import contracts hold, no module imports
itself through others, no file outgrows a reader, and app/services keeps its plumbing small."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 800
MAX_TOP_LEVEL_SERVICES = 10


def test_the_import_contracts_hold():
    """`lint-imports` reads the contracts in pyproject.toml (layers, feature order, plumbing, no Qt below
    the window); any breach is listed in the failure."""
    result = subprocess.run([str(Path(sys.executable).with_name("lint-imports")), "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of modules. A package's __init__ that re-exports its parts is not a
    cycle: the edge from a package to its own submodules is left out. Imports made only for type
    checking (a panel naming its page's class) run nothing and are left out when the graph is built."""
    edges = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.startswith(module + "."):
                continue
            edges.add_edge(module, imported)
    return [sorted(group) for group in nx.strongly_connected_components(edges) if len(group) > 1]


def test_no_import_cycles_in_app():
    graph = grimp.build_graph("app", cache_dir=None, exclude_type_checking_imports=True)
    assert import_cycles(graph) == []


def test_the_cycle_check_finds_a_cycle():
    """The check above can fail: two modules that import each other form one group."""
    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.a")
    graph.add_import(importer="pkg", imported="pkg.c")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert import_cycles(graph) == [["pkg.a", "pkg.b"]]


def test_no_file_in_app_is_over_800_lines():
    long = {str(p.relative_to(ROOT)): n for p in sorted((ROOT / "app").rglob("*.py"))
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_services_keep_few_modules_at_the_top():
    top = sorted(p.name for p in (ROOT / "app" / "services").glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_SERVICES, top


def test_every_feature_package_says_what_it_owns():
    """Each package's __init__ docstring is its charter: what it owns and what it may import."""
    for init in sorted((ROOT / "app" / "services").glob("*/__init__.py")):
        text = init.read_text(encoding="utf-8")
        assert text.startswith('"""'), init
        assert "May import" in text, init


def test_the_readme_map_names_every_feature_package():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for package in sorted(p.parent.name for p in (ROOT / "app" / "services").glob("*/__init__.py")):
        assert f"`app/services/{package}/`" in readme, package
