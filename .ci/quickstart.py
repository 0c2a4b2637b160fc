"""Print command N (1 or 2) of the README's Quick start block.

CI runs command 2 verbatim, so the README can never drift from what CI does.
"""
import re
import sys
from pathlib import Path


def quickstart_commands(readme: str) -> list[str]:
    m = re.search(r"^#+\s*quick\s*start.*?```(?:bash|sh)\n(.*?)```", readme, re.I | re.S | re.M)
    if not m:
        raise SystemExit("README.md has no '## Quick start' section with a ```bash block")
    return [l for l in m.group(1).splitlines() if l.strip() and not l.strip().startswith("#")]


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    print(quickstart_commands((root / "README.md").read_text(encoding="utf-8"))[int(sys.argv[1]) - 1])
