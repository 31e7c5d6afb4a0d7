"""The shape of the code: no import cycles in survey/ or analysis/ (imports at module level and
inside functions alike), analysis/ imports no web or database code, the participant side loads
no analysis models, review, reports, imports or jobs, starting the app or a command imports no
model library (nor migration or document library; `pingjia --help` builds no app), no source
file (tests and benchmarks included) is over 450 lines, and no benchmark edits the import path."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("survey", "analysis")
MAX_LINES = 450


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def import_graph() -> dict[str, set[str]]:
    """Module → the project modules it imports (an `from x import y` names x.y when y is a module)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges: set[str] = set()
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, is_package, node)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            edges.update(t for t in targets if t in modules and t != name)
        graph[name] = edges
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for w in graph[todo.pop()]:
            if w not in seen:
                seen.add(w)
                todo.append(w)
    return seen


def test_the_checker_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles():
    assert _cycles(import_graph()) == []


def test_analysis_imports_no_web_or_database_code():
    for path in (ROOT / "analysis").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for n in names:
                assert n.split(".")[0] not in {"flask", "flask_wtf", "flask_login", "sqlalchemy", "survey",
                                               "werkzeug", "wtforms"}, f"{path.name} imports {n}"


@pytest.mark.parametrize("area", ["survey.participate.routes", "survey.participate"])
def test_participant_side_loads_only_the_core(area):
    reached = _reachable(import_graph(), area)
    heavy = ("survey.review", "survey.reports", "survey.imports", "survey.jobs", "survey.staff",
             "analysis.pipeline", "analysis.embed", "analysis.mapping", "analysis.themes")
    assert not [m for m in reached if m.startswith(heavy)]



AREAS = ("auth", "staff", "participate", "review", "reports", "imports", "wall", "jobs", "cli")


def test_the_core_imports_no_area():
    """survey's own modules (the vocabulary every area shares: models, sessions, the staff guard,
    the background hook, the command errors) import no area; only the app factory names the
    areas, to let each register itself (issue 25)."""
    graph = import_graph()
    core = [m for m in graph if m.count(".") == 1 and m.startswith("survey.") and m.split(".")[1] not in AREAS]
    assert "survey.guard" in core and "survey.commandline" in core
    reached = {m: sorted(t for t in graph[m] if t.count(".") and t.split(".")[1] in AREAS) for m in core}
    assert {m: t for m, t in reached.items() if t} == {}


def test_jobs_are_started_through_the_core_hook():
    """Only the job area imports its queue; pages and commands start jobs through survey.background."""
    importers = sorted(m for m, targets in import_graph().items() if "survey.jobs.queue" in targets)
    assert importers and all(m.startswith("survey.jobs") for m in importers), importers

def test_no_source_file_over_450_lines():
    """The packages, the tests and the benchmarks alike (issue 25): a long file is split by topic."""
    long = {str(p.relative_to(ROOT)): n for folder in PACKAGES + ("tests", "benchmarks")
            for p in (ROOT / folder).rglob("*.py")
            if "migrations" not in p.parts and (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def _import_path_uses(source: str) -> list[int]:
    """The lines that touch the import path: `sys.path…` or `from sys import path`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "path" and getattr(node.value, "id", None) == "sys":
            found.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "sys" and any(a.name == "path" for a in node.names):
            found.append(node.lineno)
    return sorted(found)


def test_the_checker_finds_an_import_path_edit():
    source = "import sys\nsys.path.insert(0, 'tests')\nfrom sys import path\nprint(sys.argv)\n"
    assert _import_path_uses(source) == [2, 3]


def test_benchmarks_edit_no_import_path():
    """The package is installed (editable) and a script's own folder is on the path, so a benchmark
    imports `survey`, `analysis` and its neighbours as they are; one that reuses tests/support/
    says in its docstring to run it with PYTHONPATH=tests (issue 25)."""
    edits = {p.name: lines for p in sorted((ROOT / "benchmarks").rglob("*.py"))
             if (lines := _import_path_uses(p.read_text(encoding="utf-8")))}
    assert edits == {}


MODEL_LIBRARIES = ("numpy", "sklearn", "scipy", "jieba", "matplotlib", "wordcloud")
# not model libraries, but 0.1 s of every command's start: loaded by the first job or the worker
QUEUE_LIBRARIES = ("huey", "redis")


def test_starting_the_app_or_a_command_loads_no_model_library():
    """The app factory, every blueprint, and `pingjia --help` (which names every command,
    `analyze` included) import no model library: they load where analysis runs (issue 25); nor the
    job queue's libraries, which load where a job is queued or consumed."""
    import subprocess
    import sys

    probe = ("import sys\n"
             "from click.testing import CliRunner\n"
             "from survey import create_app\n"
             "from survey.cli.main import cli\n"
             "create_app({'TESTING': True, 'SQLALCHEMY_DATABASE_URI': 'sqlite://'})\n"
             "assert CliRunner().invoke(cli, ['--help']).exit_code == 0\n"
             f"print(','.join(m for m in {MODEL_LIBRARIES + QUEUE_LIBRARIES!r} if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == ""


# loaded where they are used: a migration, the Word report, a spreadsheet, a QR code, a photo
START_LIBRARIES = ("alembic", "flask_migrate", "docx", "openpyxl", "xlrd", "segno", "PIL", "waitress")


def _loaded_after(code: str, names: tuple[str, ...]) -> list[str]:
    import subprocess
    import sys

    probe = f"import sys\n{code}\nprint(','.join(m for m in {names!r} if m in sys.modules))\n"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    return [m for m in done.stdout.strip().split(",") if m]


def test_help_builds_no_app_and_imports_no_command_module():
    """`pingjia --help` lists the areas' declared commands without building the app: no model,
    database or page module, no command's module, no migration or document library (issue 25)."""
    commands = tuple(f"survey.{area}.commands" for area in ("cli", "review", "jobs", "imports", "reports"))
    pages = tuple(f"survey.{area}.routes" for area in AREAS if area not in ("jobs", "cli"))
    loaded = _loaded_after("from click.testing import CliRunner\nfrom survey.cli.main import cli\n"
                           "assert CliRunner().invoke(cli, ['--help']).exit_code == 0",
                           START_LIBRARIES + commands + pages + ("survey.models", "flask_sqlalchemy", "analysis.cli"))
    assert loaded == []


def test_the_app_factory_loads_no_migration_or_document_library():
    loaded = _loaded_after("from survey import create_app\n"
                           "create_app({'TESTING': True, 'SQLALCHEMY_DATABASE_URI': 'sqlite://'})", START_LIBRARIES)
    assert loaded == []
