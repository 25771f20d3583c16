"""Imports go one way (cli -> sessions -> kinds -> core; cli and sessions -> ui), and each
outside library stays in its layer: every import of the package, those inside functions
included, is read from the source and checked. The lint's banned-API rule cannot say this
of the cli and ui packages, which it lets import typer, rich and prompt_toolkit throughout.
Imports only for type checking (under `if TYPE_CHECKING:`) are left out: they run nowhere."""

from __future__ import annotations

import ast
import functools

from tests.conftest import REPO

PACKAGE = REPO / "mlprep"


def _runtime_imports(tree: ast.AST) -> list[str]:
    """The modules `tree` imports when it runs (absolute names: the package uses no relative
    imports)."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # (`from mlprep import ui` imports mlprep.ui: each name may be a module)
            found.extend([node.module, *(f"{node.module}.{alias.name}" for alias in node.names)])
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


@functools.cache
def imports() -> dict[str, list[str]]:
    """Each module of the package (dotted name) and what it imports when it runs."""
    table = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        table[name] = _runtime_imports(ast.parse(path.read_text(encoding="utf-8")))
    return table


def _within(name: str, *packages: str) -> bool:
    return any(name == package or name.startswith(package + ".") for package in packages)


def importers(target: str) -> set[str]:
    """The modules that import `target` or anything within it."""
    return {module for module, names in imports().items() if any(_within(n, target) for n in names)}


def test_the_imports_are_read_from_every_module():
    table = imports()
    assert "mlprep.cli.app" in table and "mlprep.sessions.ports" in table
    assert "typer" in table["mlprep.cli.app"]
    # (an import inside a function counts; one under TYPE_CHECKING does not)
    assert "rich.markdown" in table["mlprep.ui.render"]
    assert not any(_within(name, "rich") for name in table["mlprep.cli.state"])


def test_outside_libraries_stay_in_their_layer():
    assert {
        m for m in importers("typer") | importers("click") if not _within(m, "mlprep.cli")
    } == set()
    assert importers("questionary") <= {"mlprep.ui.prompts"}
    assert {m for m in importers("prompt_toolkit") if not _within(m, "mlprep.ui")} == set()
    assert {m for m in importers("rich") if not _within(m, "mlprep.ui")} == set()


def test_imports_go_one_way():
    cli, ui, sessions, kinds = "mlprep.cli", "mlprep.ui", "mlprep.sessions", "mlprep.kinds"
    assert {m for m in importers(cli) if not _within(m, cli, "mlprep.__main__")} == set()
    assert {m for m in importers(ui) if not _within(m, cli, ui, sessions)} == set()
    # the session seam (ports: the prompter protocols, TimeUp) is all that ui sees of them
    outside = {m for m in importers(sessions) if not _within(m, cli, sessions)}
    assert {
        m
        for m in outside
        if any(_within(n, sessions) and not _within(n, f"{sessions}.ports") for n in imports()[m])
    } == set()
    # the core (content, scheduling, progress, export, sandboxes) knows no mode or screen
    core = {m for m in imports() if not _within(m, cli, ui, sessions, kinds, "mlprep.__main__")}
    assert {
        m for m in core if any(_within(n, cli, ui, sessions, kinds) for n in imports()[m])
    } == set()
    # the content model (model, and cardparts, which model imports when first used) imports
    # nothing else of the package
    for model in ("mlprep.model", "mlprep.cardparts"):
        own = {n for n in imports()[model] if _within(n, "mlprep") and n != "mlprep"}
        assert own <= {"mlprep.cardparts", "mlprep.model"}, model
