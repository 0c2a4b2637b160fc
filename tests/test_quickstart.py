"""The README's Quick start is what CI runs."""
import re

from workspace import script


def load_quickstart(root):
    return script(root / ".ci/quickstart.py")


def test_two_single_line_commands(root):
    cmds = load_quickstart(root).quickstart_commands((root / "README.md").read_text(encoding="utf-8"))
    assert len(cmds) == 2
    setup_run, tests = cmds
    assert "python3.11 -m venv" in setup_run and setup_run.rstrip().endswith("dvc repro")
    assert "pip install -e '.[test]'" in tests and "pytest" in tests
    assert not any(c.rstrip().endswith("\\") for c in cmds)


def test_ci_runs_the_readme_test_line_verbatim(root):
    ci = (root / ".ci/run").read_text(encoding="utf-8")
    assert re.search(r'cmd="\$\(python3 \.ci/quickstart\.py 2\)"', ci)
    assert 'bash -c "$cmd"' in ci


def test_seeds_are_the_shared_seeds_byte_for_byte(root, shared_dir):
    shared = sorted((shared_dir / "seeds").iterdir())
    ours = sorted((root / "seeds").iterdir())
    assert [p.name for p in ours] == [p.name for p in shared]
    for a, b in zip(ours, shared):
        assert a.read_bytes() == b.read_bytes(), a.name
