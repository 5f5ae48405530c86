"""The apps' import direction (README, Architecture): ``awards`` reads ``articles``; ``articles`` never imports
``awards``, at module level or inside a function, so neither needs a late import to dodge a cycle."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path, root=ROOT):
    """Every module a Python file imports, wherever the import statement stands (relative ones resolved)."""
    package = ".".join(path.relative_to(root).parent.parts)
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                yield f"{base}.{node.module}" if node.module else base
            else:
                yield node.module


def app_sources(app):
    return sorted(path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts)


def test_the_finder_sees_imports_inside_functions_and_relative_ones(tmp_path):
    source = tmp_path / "articles" / "views.py"
    source.parent.mkdir()
    source.write_text(
        "from . import models\nfrom .dates import newsroom_time\n\n\ndef view():\n    from awards.models import City\n"
    )
    assert set(imported_modules(source, root=tmp_path)) == {"articles", "articles.dates", "awards.models"}


@pytest.mark.parametrize("path", app_sources("articles"), ids=lambda path: str(path.relative_to(ROOT)))
def test_articles_never_imports_awards(path):
    awards_imports = [name for name in imported_modules(path) if name == "awards" or name.startswith("awards.")]
    assert awards_imports == []


def test_awards_reads_articles():
    # The direction the README gives; if it ever reverses, the README and the test above must change with it.
    assert any(name.startswith("articles") for path in app_sources("awards") for name in imported_modules(path))
