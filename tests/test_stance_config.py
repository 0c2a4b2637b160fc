"""Theme files and the stance group: validation, selection with Hydra, adding a theme by YAML alone."""
from __future__ import annotations

import copy
import subprocess
import sys

import pytest
import yaml

from pipeline.config import compose
from pipeline.errors import UserError
from pipeline.stance import Scorer


def error_of(params: dict) -> str:
    with pytest.raises(UserError) as exc:
        Scorer.from_params(params)
    msg = str(exc.value)
    assert "\n" not in msg
    return msg


@pytest.mark.parametrize("edit,expected", [
    (lambda t: t.update(targets=[]), ["conf/themes/sanctions.yaml", "themes.sanctions.targets"]),
    (lambda t: t.pop("targets"), ["conf/themes/sanctions.yaml", "themes.sanctions.targets is missing"]),
    (lambda t: t["cues"].update(neutral={"fine": 1.0}), ["conf/themes/sanctions.yaml", "themes.sanctions.cues.neutral",
                                                          "not a pole"]),
    (lambda t: t["cues"]["against"].update(illegal="strong"),
     ["conf/themes/sanctions.yaml", "themes.sanctions.cues.against.illegal", "'strong'"]),
    (lambda t: t["cues"]["favour"].update(illegal=1.0), ["conf/themes/sanctions.yaml", "both poles"]),
    (lambda t: t["poles"]["favour"].update(sign=-1), ["conf/themes/sanctions.yaml", "sign"]),
    (lambda t: t.update(colour="red"), ["conf/themes/sanctions.yaml", "themes.sanctions.colour"]),
])
def test_bad_theme_is_one_line_naming_file_and_key(params, edit, expected):
    edit(params["themes"]["sanctions"])
    msg = error_of(params)
    for part in expected:
        assert part in msg, msg


def test_two_themes_with_the_same_name(params):
    params["themes"]["sanctions2"] = copy.deepcopy(params["themes"]["sanctions"])
    msg = error_of(params)
    assert "conf/themes/sanctions2.yaml" in msg and "themes.sanctions2.name" in msg and "already" in msg


@pytest.mark.parametrize("key,value", [("sentences", -1), ("tokens", -3)])
def test_negative_window(params, key, value):
    params["stance"]["window"][key] = value
    msg = error_of(params)
    assert f"stance.window.{key} = {value}" in msg and "params.yaml" in msg


def test_no_theme_selected(params):
    params["themes"] = {}
    assert "at least one theme" in error_of(params)


def test_cli_bad_theme_exits_2_with_one_line(project_copy):
    p = yaml.safe_load((project_copy / "params.yaml").read_text(encoding="utf-8"))
    p["themes"]["security"]["targets"] = []
    (project_copy / "params.yaml").write_text(yaml.safe_dump(p), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pipeline.stance", "evaluate", "tests/data/stance_dev.jsonl"],
                          cwd=project_copy, capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().count("\n") == 0 and "conf/themes/security.yaml" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_themes_are_selected_as_a_list(root):
    both = compose(["themes=[sanctions,ukraine]"], root / "conf")
    assert sorted(both["themes"]) == ["sanctions", "ukraine"]
    default = compose([], root / "conf")
    assert sorted(default["themes"]) == ["sanctions", "security", "ukraine"]
    for key, theme in default["themes"].items():
        assert theme["name"] == key


def test_hydra_compose_api_selects_themes(root):
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    with initialize_config_dir(config_dir=str(root / "conf"), version_base=None):
        cfg = hydra_compose(config_name="config", overrides=["themes=[security]"])
    assert list(cfg.themes) == ["security"]


NATO = """\
# @package themes.nato
name: nato
description: The North Atlantic alliance. -1 hostile, 1 supportive.
poles:
  hostile: {sign: -1, description: NATO as a threat or aggressor}
  supportive: {sign: 1, description: NATO as a guarantor of security}
targets: [NATO, North Atlantic Alliance, the Alliance]
cues:
  hostile: {expansion: 1.0, aggressive: 1.2, encirclement: 1.2, threat: 1.0}
  supportive: {deterrence: 1.0, collective defence: 1.2, guarantee: 1.0, strengthen: 1.0}
"""


def test_adding_a_theme_is_yaml_alone(project_copy):
    (project_copy / "conf/themes/nato.yaml").write_text(NATO, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pipeline.config", "compose",
                           "themes=[sanctions,security,ukraine,nato]"], cwd=project_copy, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    params = yaml.safe_load((project_copy / "params.yaml").read_text(encoding="utf-8"))
    assert list(params["themes"]) == ["sanctions", "security", "ukraine", "nato"]
    s = Scorer.from_params(params)
    assert s.sentence("NATO expansion to the east is aggressive.", "nato").label == -1
    assert s.sentence("The Alliance will strengthen collective defence.", "nato").label == 1
    assert not s.sentence("The weather was fine.", "nato").relevant
    gold = project_copy / "nato_gold.jsonl"
    gold.write_text('{"text": "NATO expansion is a threat.", "theme": "nato", "relevant": true, "stance": -1}\n',
                    encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "pipeline.stance", "evaluate", str(gold)], cwd=project_copy,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert '"nato"' in out.stdout
