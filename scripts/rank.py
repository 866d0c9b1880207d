"""Print the ranking for findings given on the command line (a calibration aid).

Run: DEBUG=1 .venv/bin/python scripts/rank.py chvostek-sign -absent:forehead-weak --age 30
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django

django.setup()

from reference.differential import Assessment, differential_compute  # noqa: E402
from reference.snapshot import snapshot_get  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("findings", nargs="*", help="present slugs; absent ones as -absent:slug")
parser.add_argument("--age", type=float, default=None)
args = parser.parse_args()
present = frozenset(f for f in args.findings if not f.startswith("-absent:"))
absent = frozenset(f.split(":", 1)[1] for f in args.findings if f.startswith("-absent:"))
d = differential_compute(snapshot=snapshot_get(), assessment=Assessment(present, absent, args.age))
for r in d.differential[:6]:
    why = "; ".join(f"{c.finding} x{c.effect_ratio:.2g}" for c in r.supporting + r.opposing)
    un = ", ".join(u.finding for u in r.unexplained)
    print(
        f"{r.probability:6.3f} {r.condition:34} {why}" + (f" | not explained: {un}" if un else "")
    )
print("flags:", [(f.rule, f.urgency) for f in d.red_flags])
print("next:", [q.finding for q in d.next_questions[:5]])
