"""The shape of the house, checked: imports flow one way (``nn`` and
``storage`` at the bottom, then ``data``, ``model``, ``train``, the session,
and ``gui`` on top, the only place that imports Qt; the inference path never
imports training code), and no module grows past 400 lines or function past
60, so each stays readable on its own."""

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "digitpad"
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60
QT = ("PySide6", "pyqtgraph")


def modules():
    return sorted(PACKAGE.rglob("*.py"))


def name_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def third_party(module: str) -> bool:
    top = module.split(".")[0]
    return top != "digitpad" and top not in sys.stdlib_module_names


# (the modules a rule is about, what they must not import, why)
RULES = [
    ("digitpad.nn", lambda module: third_party(module) and module.split(".")[0] != "numpy"
     or module.startswith("digitpad.") and not module.startswith("digitpad.nn"),
     "the network uses NumPy only"),
    ("digitpad.storage", lambda module: third_party(module) and module.split(".")[0] != "numpy"
     or module.startswith("digitpad.") and not module.startswith("digitpad.storage"),
     "file safety sits at the bottom, on NumPy and the standard library"),
    ("digitpad.data", lambda module: module.startswith(("digitpad.model", "digitpad.train", "digitpad.gui",
                                                        "digitpad.session")),
     "data knows nothing of models, training or the app"),
    ("digitpad.data.ink", lambda module: module.startswith("digitpad.data.augment"),
     "the inference path never imports training augmentation"),
    ("digitpad.inside", lambda module: module.startswith(("digitpad.model", "digitpad.train", "digitpad.gui",
                                                          "digitpad.session", "digitpad.data.augment")),
     "looking inside a network needs only the network"),
    ("digitpad.model", lambda module: module.startswith(("digitpad.train", "digitpad.gui", "digitpad.session",
                                                         "digitpad.data.augment")),
     "the model in use is below training and the app"),
    ("digitpad.train", lambda module: module.startswith(("digitpad.gui", "digitpad.session")),
     "training runs without the app"),
    ("digitpad.session", lambda module: module.startswith("digitpad.gui"),
     "the session is observed by the app, not the other way round"),
]


@pytest.mark.parametrize("package, forbidden, why", RULES, ids=[rule[0] for rule in RULES])
def test_imports_flow_one_way(package, forbidden, why):
    offences = [f"{name_of(path)} imports {module}" for path in modules()
                if name_of(path) == package or name_of(path).startswith(package + ".")
                for module in sorted(imports(path)) if forbidden(module)]
    assert not offences, f"{why}:\n" + "\n".join(offences)


def test_only_the_gui_imports_qt():
    offences = [f"{name_of(path)} imports {module}" for path in modules()
                if not name_of(path).startswith("digitpad.gui")
                for module in sorted(imports(path)) if module.split(".")[0] in QT]
    assert not offences, "\n".join(offences)


def test_no_module_or_function_is_too_long_to_read():
    too_long = []
    for path in modules():
        text = path.read_text()
        lines = len(text.splitlines())
        if lines > MAX_FILE_LINES:
            too_long.append(f"{path.relative_to(PACKAGE.parent)}: {lines} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name}: "
                                    f"{length} lines")
    assert not too_long, "\n".join(too_long)


def test_every_module_opens_with_a_docstring():
    missing = [str(path.relative_to(PACKAGE.parent)) for path in modules()
               if path.read_text().strip() and ast.get_docstring(ast.parse(path.read_text())) is None]
    assert not missing, "\n".join(missing)
