"""The reference never imports the notes or the disagreements (they depend on it)."""

import ast
from pathlib import Path

from django.conf import settings

FORBIDDEN = ("notes", "disagreements")


def test_reference_never_imports_notes_or_disagreements():
    offenders = []
    for path in Path(settings.BASE_DIR, "reference").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [
                f"{path.relative_to(settings.BASE_DIR)}: {n}"
                for n in names
                if n.split(".")[0] in FORBIDDEN
            ]
    assert not offenders
