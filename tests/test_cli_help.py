"""Every stage's --help describes each option with its default; the config and Hydra helps (issue 14)."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import yaml


def _run(root, *args):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True, env=env)


def _stage_commands(root) -> dict[str, list[str]]:
    """Each stage's command up to its first option, as ``-m module [subcommand]``."""
    spec = yaml.safe_load((root / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    out = {}
    for name, st in spec.items():
        argv = st["cmd"].split()
        assert argv[0] == "python"
        out[name] = argv[1:3] + [a for a in argv[3:4] if not a.startswith("-")]  # -m module [subcommand]
    return out


def _options(help_text: str) -> dict[str, str]:
    """Option -> its help text (continuation lines joined), from argparse's output."""
    opts: dict[str, str] = {}
    current = None
    for line in help_text.splitlines():
        m = re.match(r"^  (-{1,2}[\w-]+)", line)
        if m:
            current = m.group(1)
            opts[current] = line
        elif current and line.startswith("   "):
            opts[current] += " " + line.strip()
        else:
            current = None
    return opts


def test_every_stage_help_gives_each_option_its_default(root):
    commands = _stage_commands(root)
    assert set(commands) >= {"ingest", "preprocess", "tfidf", "topics", "stance", "stance_eval", "report"}
    for name, cmd in commands.items():
        proc = _run(root, *cmd, "--help")
        assert proc.returncode == 0, (name, proc.stderr)
        opts = {k: v for k, v in _options(proc.stdout).items() if k not in ("-h", "--help")}
        assert opts, (name, proc.stdout)
        missing = [k for k, v in opts.items() if "default" not in v]
        assert not missing, (name, missing, proc.stdout)


@pytest.mark.parametrize("tool, required", [("evaluate", ()), ("sample", ("--n", "--out")), ("agreement", ()),
                                            ("fit", ("--theme", "--out"))])
def test_stance_tools_help_gives_defaults(root, tool, required):
    proc = _run(root, "-m", "pipeline.stance", tool, "--help")
    assert proc.returncode == 0, proc.stderr
    options = {k: v for k, v in _options(proc.stdout).items() if k.startswith("--") and k != "--help"}
    # An option the user must give has no default to state.
    missing = [k for k, v in options.items() if "default" not in v and k not in required]
    assert not missing, (tool, missing, proc.stdout)


def test_config_help_exits_0(root):
    proc = _run(root, "-m", "pipeline.config", "--help")
    assert proc.returncode == 0, proc.stderr
    assert "compose" in proc.stdout and "check" in proc.stdout and "default: none" in proc.stdout
    wrong = _run(root, "-m", "pipeline.config", "frobnicate")
    assert wrong.returncode == 2


def test_hydra_help_lists_every_corpus_preset(root):
    proc = _run(root, "-m", "pipeline", "--help")
    assert proc.returncode == 0, proc.stderr
    presets = sorted(p.stem for p in (root / "conf/corpus").glob("*.yaml"))
    assert len(presets) >= 3
    groups = next(line for line in proc.stdout.splitlines() if line.startswith("corpus:"))
    assert [p.strip() for p in groups.split(":", 1)[1].split(",")] == presets
    footer = re.search(r"corpus=([\w|]+)", proc.stdout).group(1).split("|")
    assert sorted(footer) == presets


def test_a_mistyped_option_is_one_line_for_every_command(root):
    # argparse's own reaction is a usage block and a second line; every command here says it in one.
    commands = list(_stage_commands(root).values()) + [["-m", "pipeline.stance", t] for t in
                                                       ("evaluate", "sample", "agreement", "fit")]
    # with their required options given, so the unknown one is what is reported
    commands += [["-m", "pipeline.stance", "sample", "--n", "5", "--out", "x.jsonl"],
                 ["-m", "pipeline.stance", "fit", "g.jsonl", "--theme", "sanctions", "--out", "x.yaml"],
                 ["-m", "pipeline.stance", "agreement", "a.jsonl", "b.jsonl"]]
    for cmd in commands:
        proc = _run(root, *cmd, "--bogus-option", "1")
        assert proc.returncode == 2, (cmd, proc.stderr)
        line = proc.stderr.strip()
        assert "\n" not in line and "usage:" not in line and "Traceback" not in line, (cmd, proc.stderr)
        # (a command with required options names those first)
        expected = "arguments are required" if cmd[-1] in ("sample", "fit", "agreement") else "unrecognized arguments: --bogus-option"
        assert expected in line and line.endswith("(see --help)"), (cmd, line)
