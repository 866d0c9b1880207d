"""Every test the hazard log names as verifying a control exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "docs" / "hazard-log.md"


def test_every_test_named_in_the_hazard_log_exists():
    text = LOG.read_text(encoding="utf-8")
    named = re.findall(r"(tests/[\w/]+\.py)(?:::(test_\w+))?", text)
    assert len(named) >= 20
    missing = []
    for path, test in named:
        file = ROOT / path
        if not file.is_file():
            missing.append(path)
        elif test and not re.search(rf"^def {test}\(", file.read_text(), re.M):
            missing.append(f"{path}::{test}")
    assert missing == []
