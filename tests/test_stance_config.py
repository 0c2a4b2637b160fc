"""Theme files and the stance lexicon: validation, selection by name with Hydra, adding a theme by YAML alone."""
from __future__ import annotations

import copy
import subprocess
import sys

import pytest
import yaml

from pipeline.core.config import compose
from pipeline.core.errors import UserError
from pipeline.stance import Scorer
from workspace import lexicon


def error_of(params: dict, lex: dict | None = None) -> str:
    with pytest.raises(UserError) as exc:
        Scorer.from_params(params, lexicon=lex)
    msg = str(exc.value)
    assert "\n" not in msg
    return msg


@pytest.mark.parametrize("edit,expected", [
    (lambda t: t.update(targets=[]), "lexicon/themes/sanctions.yaml: targets = [] is not allowed"),
    (lambda t: t.pop("targets"), "lexicon/themes/sanctions.yaml: targets is missing"),
    (lambda t: t["cues"].update(neutral={"fine": 1.0}), "lexicon/themes/sanctions.yaml: cues.neutral is not a pole"),
    (lambda t: t["cues"]["against"].update(illegal="strong"),
     "lexicon/themes/sanctions.yaml: cues.against.illegal = 'strong' is not allowed"),
    (lambda t: t["cues"]["favour"].update(illegal=1.0), "lexicon/themes/sanctions.yaml: cues: 'illegal' is a cue of "
                                                        "both poles"),
    (lambda t: t["poles"]["favour"].update(sign=-1), "lexicon/themes/sanctions.yaml: poles.*.sign"),
    (lambda t: t.update(colour="red"), "lexicon/themes/sanctions.yaml: colour is not a known key"),
    (lambda t: t.update(thresholds={"negative": 0.3, "positive": 0.2}),
     "lexicon/themes/sanctions.yaml: thresholds = {'negative': 0.3, 'positive': 0.2} is not allowed: negative < "
     "positive"),
    (lambda t: t.update(thresholds={"negative": -0.2}), "lexicon/themes/sanctions.yaml: thresholds.positive is missing"),
])
def test_bad_theme_is_one_line_naming_file_and_key(params, edit, expected):
    lex = lexicon(params)
    edit(lex["themes"]["sanctions"])
    msg = error_of(params, lex)
    assert msg.startswith(expected), msg


def test_a_theme_is_named_as_its_file(params):
    lex = lexicon(params)
    lex["themes"]["sanctions2"] = copy.deepcopy(lex["themes"]["sanctions"])
    msg = error_of(params, lex)
    assert msg.startswith("lexicon/themes/sanctions2.yaml: name = 'sanctions' is not allowed: it must equal "
                          "the file's name ('sanctions2')"), msg


@pytest.mark.parametrize("key,value", [("sentences", -1), ("tokens", -3)])
def test_negative_window(params, key, value):
    params["stance"]["window"][key] = value
    msg = error_of(params)
    assert f"stance.window.{key} = {value}" in msg and "params.yaml" in msg


@pytest.mark.parametrize("value", [[], "sanctions", {"sanctions": {}}])
def test_themes_must_be_a_list_of_names(params, value):
    params["themes"] = value
    msg = error_of(params)
    assert msg.startswith(f"params.yaml: themes = {value!r} is not allowed: a list of at least one theme name"), msg
    assert "sanctions, security, ukraine" in msg


def test_a_theme_without_a_file_names_the_key_the_value_and_the_files(params):
    params["themes"] = ["sanctions", "sanctons"]
    assert error_of(params) == (
        "params.yaml: themes = ['sanctions', 'sanctons'] is not allowed: 'sanctons' has no file "
        "lexicon/themes/sanctons.yaml (themes with a file in lexicon/themes/: sanctions, security, ukraine)")


def test_a_theme_listed_twice(params):
    params["themes"] = ["ukraine", "ukraine"]
    assert "'ukraine' is listed twice" in error_of(params)


@pytest.mark.parametrize("edit,expected", [
    (lambda x: x["rules"]["negation"].update(terms=5),
     "lexicon/stance.yaml: rules.negation.terms = 5 is not allowed: a list of"),
    (lambda x: x["rules"]["intensifiers"].update(very=0.5),
     "lexicon/stance.yaml: rules.intensifiers.very = 0.5 is not allowed: a number >= 1"),
    (lambda x: x["rules"]["negation"].update(factor=0.0),  # a number is a parameter, not lexicon content
     "lexicon/stance.yaml: rules.negation.factor is not a known key"),
    (lambda x: x["polarity"]["overrides"].update(war="none"),
     "lexicon/stance.yaml: polarity.overrides.war = 'none' is not allowed: a number"),
])
def test_bad_stance_lexicon_is_one_line_naming_the_file_and_key(params, edit, expected):
    lex = lexicon(params)
    edit(lex["stance"])
    msg = error_of(params, lex)
    assert msg.startswith(expected), msg


def test_rule_numbers_are_parameters_with_defaults(params):
    default = Scorer.from_params(params)
    assert (default.rules.negation_factor, default.rules.negation_scope, default.rules.target_window) == (-1.0, 10, 5)
    params["stance"]["rules"] = {"negation": {"factor": 0.0}}  # what `-S '+stance.rules.negation.factor=0'` writes
    changed = Scorer.from_params(params)
    assert (changed.rules.negation_factor, changed.rules.negation_scope) == (0.0, 10)
    assert changed.rules.negators == default.rules.negators and "never" in changed.rules.negators
    params["stance"]["rules"] = {"negation": {"factor": 3}}
    assert error_of(params).startswith("params.yaml: stance.rules.negation.factor = 3 is not allowed")


def test_a_missing_lexicon_file_is_one_line(project_copy):
    (project_copy / "lexicon/stance.yaml").unlink()
    params = yaml.safe_load((project_copy / "params.yaml").read_text(encoding="utf-8"))
    with pytest.raises(UserError, match=r"^lexicon/stance\.yaml: not found$"):
        Scorer.from_params(params, root=project_copy)


def test_cli_bad_theme_exits_2_with_one_line(project_copy):
    path = project_copy / "lexicon/themes/security.yaml"
    theme = yaml.safe_load(path.read_text(encoding="utf-8"))
    theme["targets"] = []
    path.write_text(yaml.safe_dump(theme), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pipeline.stance", "evaluate", "coding/stance_dev.jsonl"],
                          cwd=project_copy, capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().count("\n") == 0 and "lexicon/themes/security.yaml: targets" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_stage_with_an_unknown_theme_exits_2_before_work(project_copy):
    proc = subprocess.run([sys.executable, "-m", "pipeline.config", "compose", "themes=[sanctions,nato]"],
                          cwd=project_copy, capture_output=True, text=True)
    # Composing refuses it (params.yaml is left as it was) ...
    assert proc.returncode == 2 and proc.stderr.strip() == (
        "config: error: the composition of conf/: themes = ['sanctions', 'nato'] is not allowed: 'nato' has no file "
        "lexicon/themes/nato.yaml (themes with a file in lexicon/themes/: sanctions, security, ukraine)")
    # ... and so does every stage when params.yaml is edited in place, as `dvc exp run -S` does.
    params = yaml.safe_load((project_copy / "params.yaml").read_text(encoding="utf-8"))
    assert params["themes"] == ["sanctions", "security", "ukraine"]
    params["themes"] = ["sanctions", "nato"]
    (project_copy / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pipeline.ingest"], cwd=project_copy, capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == ("ingest: error: params.yaml: themes = ['sanctions', 'nato'] is not allowed: 'nato' "
                                   "has no file lexicon/themes/nato.yaml (themes with a file in lexicon/themes/: "
                                   "sanctions, security, ukraine)")
    assert not (project_copy / "data").exists()


def test_themes_are_selected_as_a_list(root):
    assert compose(["themes=[sanctions,ukraine]"], root / "conf")["themes"] == ["sanctions", "ukraine"]
    assert compose([], root / "conf")["themes"] == ["sanctions", "security", "ukraine"]


def test_hydra_compose_api_selects_themes(root):
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    with initialize_config_dir(config_dir=str(root / "conf"), version_base=None):
        cfg = hydra_compose(config_name="config", overrides=["themes=[security]"])
    assert list(cfg.themes) == ["security"]


NATO = """\
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
    (project_copy / "lexicon/themes/nato.yaml").write_text(NATO, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pipeline.config", "compose",
                           "themes=[sanctions,security,ukraine,nato]"], cwd=project_copy, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    params = yaml.safe_load((project_copy / "params.yaml").read_text(encoding="utf-8"))
    assert params["themes"] == ["sanctions", "security", "ukraine", "nato"]
    s = Scorer.from_params(params, root=project_copy)
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
