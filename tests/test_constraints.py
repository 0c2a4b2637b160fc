"""constraints.txt pins one exact version per package, inside every range pyproject.toml gives it."""
from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

PROJECT = Path(__file__).resolve().parent.parent


def pins(text: str) -> dict[str, Version]:
    out = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not name==version"
            out[canonicalize_name(name)] = Version(version)
    return out


def requirements(pyproject: dict) -> list[Requirement]:
    project = pyproject["project"]
    texts = list(project["dependencies"]) + [r for extra in project["optional-dependencies"].values() for r in extra]
    return [Requirement(t) for t in texts]


def mismatches(pinned: dict[str, Version], reqs: list[Requirement]) -> list[str]:
    """Each requirement of pyproject.toml that constraints.txt leaves unpinned or pins outside its range."""
    out = []
    for req in reqs:
        version = pinned.get(canonicalize_name(req.name))
        if version is None:
            out.append(f"{req}: not pinned in constraints.txt")
        elif not req.specifier.contains(version, prereleases=True):
            out.append(f"{req}: constraints.txt pins {version}, outside the range")
    return out


def _project():
    pyproject = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    return pins((PROJECT / "constraints.txt").read_text(encoding="utf-8")), requirements(pyproject)


def test_every_pyproject_range_admits_its_pinned_version():
    pinned, reqs = _project()
    assert mismatches(pinned, reqs) == []


def test_a_pin_outside_a_range_is_named():
    pinned, reqs = _project()
    pinned[canonicalize_name("numpy")] = Version("1.0")
    del pinned[canonicalize_name("gensim")]
    assert mismatches(pinned, reqs) == ["numpy<3,>=1.26: constraints.txt pins 1.0, outside the range",
                                        "gensim<5,>=4.3.3: not pinned in constraints.txt"]


def test_each_package_is_pinned_once():
    lines = [l.split("==")[0].lower() for l in (PROJECT / "constraints.txt").read_text(encoding="utf-8").splitlines()
             if l.strip() and not l.startswith("#")]
    assert len(lines) == len({canonicalize_name(n) for n in lines})


def test_the_quick_start_installs_with_the_constraints():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```", 2)[1]
    installs = [line for line in block.splitlines() if "pip install" in line]
    assert len(installs) == 2 and all("-c constraints.txt" in line for line in installs)
