"""params.yaml is the composition of conf/, and user mistakes are one clear line."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml

from pipeline.core import config as C
from pipeline import ingest, preprocess
from pipeline.core.errors import UserError

GROUPS = ["corpus", "preprocess", "tfidf", "lda", "stance", "report", "executor"]


def test_params_yaml_is_the_composition_of_conf(root, composed_params):
    committed = yaml.safe_load((root / "params.yaml").read_text(encoding="utf-8"))
    assert committed == composed_params, "params.yaml is stale: run `python -m pipeline.config compose`"


def test_one_group_per_concern_each_with_a_default(root, composed_params):
    for g in GROUPS:
        assert (root / "conf" / g).is_dir(), g
        assert g in composed_params
    assert (root / "conf/corpus/kremlin.yaml").is_file()
    assert (root / "conf/preprocess/sentences.yaml").is_file()
    # The themes are a list of names, their files lexicons outside conf/: a folder conf/themes/
    # would be a Hydra group, and 'themes=[sanctions,ukraine]' a choice of its options.
    assert composed_params["themes"] == ["sanctions", "security", "ukraine"]
    assert not (root / "conf/themes").exists()
    assert all((root / f"lexicon/themes/{t}.yaml").is_file() for t in composed_params["themes"])


def test_alternatives_compose(root):
    assert C.compose(["corpus=kremlin"], root / "conf")["corpus"]["columns"]["text"] == "body"
    assert C.compose(["preprocess=sentences"], root / "conf")["preprocess"]["unit"] == "sentences"
    assert C.compose(["preprocess.unit=document"], root / "conf")["preprocess"]["unit"] == "document"


@pytest.mark.parametrize("override", ["--bogus", "foo", "corpus"])
def test_a_word_that_is_no_override_is_named(root, override):
    with pytest.raises(UserError, match=rf"^'{override}' is not an override: write key=value \(e.g. corpus=kremlin"):
        C.compose([override], root / "conf")
    # deleting a key is an override without "=" (and here one the stages then refuse)
    assert "passes" not in C.compose(["~lda.passes"], root / "conf")["lda"]


def test_unknown_override_key_is_one_line(root):
    with pytest.raises(UserError) as exc:
        C.compose(["preprocess.nope=1"], root / "conf")
    msg = str(exc.value)
    assert "\n" not in msg and "preprocess.nope = 1 is not allowed: 'preprocess' has no key 'nope' in conf/" in msg
    assert "(its keys there: " in msg and "unit" in msg and "write +preprocess.nope=1" in msg
    with pytest.raises(UserError, match=r"'lda.dictionary' has no key 'nope' in conf/ \(its keys there: no_above, "):
        C.compose(["lda.dictionary.nope=3"], root / "conf")
    with pytest.raises(UserError, match="the configuration has no group 'nope'"):
        C.compose(["nope.x=3"], root / "conf")
    # A key whose value is null exists; + adds a key (the stage's schema then judges it).
    assert C.compose(["lda.train_sample=0.2"], root / "conf")["lda"]["train_sample"] == 0.2
    assert C.compose(["+lda.nope=1"], root / "conf")["lda"]["nope"] == 1
    # A group choice with no file names the options; + of a key conf/ sets says to drop the +.
    with pytest.raises(UserError, match=r"preprocess = chapter is not allowed: no such option of 'preprocess' "
                                        r"\(options: default, documents, paragraphs, sentences\)$"):
        C.compose(["preprocess=chapter"], root / "conf")
    with pytest.raises(UserError, match=r"\+lda.passes=5 is not allowed: '\+' adds a key conf/ leaves out, and "
                                        r"lda.passes is set there; write lda.passes=5 to change it$"):
        C.compose(["+lda.passes=5"], root / "conf")
    with pytest.raises(UserError, match=r"corpus.path = '/no/such.csv': no such file or folder$"):
        C.compose(["corpus.path=/no/such.csv"], root / "conf")
    assert C.compose(["corpus.path=relative/elsewhere"], root / "conf")["corpus"]["path"] == "relative/elsewhere"
    # As Hydra: + sets a key conf/ leaves null, and merges a list or dict into a key that has one.
    assert C.compose(["+corpus.limit=5"], root / "conf")["corpus"]["limit"] == 5
    merged = C.compose(["corpus=kremlin", "+corpus.columns.meta=[party]"], root / "conf")["corpus"]["columns"]
    assert merged["meta"] == ["party"] and merged["text"] == "body"


@pytest.mark.parametrize(
    "group, key, value, message",
    [
        ("preprocess", "unit", "chapter",
         "preprocess.unit = 'chapter' is not allowed: one of: document, paragraph, sentences"),
        ("preprocess", "window", -3, "preprocess.window = -3 is not allowed: an integer >= 1"),
        ("preprocess", "lemmatize", "yes", "preprocess.lemmatize = 'yes' is not allowed: true or false"),
        ("corpus", "format", "xml", "corpus.format = 'xml' is not allowed: one of: auto, txt, csv, jsonl"),
        ("corpus", "limit", 0, "corpus.limit = 0 is not allowed: an integer >= 1 (or null)"),
        ("corpus", "paragraph_separator", "([", "corpus.paragraph_separator = '([' is not a valid regular expression"),
    ],
)
def test_wrong_values_name_key_value_and_allowed(params, group, key, value, message):
    params[group][key] = value
    schema = {"corpus": ingest.SCHEMA, "preprocess": preprocess.SCHEMA}[group]
    with pytest.raises(UserError) as exc:
        C.group(params, group, schema)
    assert str(exc.value).startswith("params.yaml: " + message)


def test_unknown_and_missing_keys(params):
    params["preprocess"]["chunk_size"] = 3
    with pytest.raises(UserError, match=r"preprocess.chunk_size is not a known key \(known keys of preprocess: unit"):
        C.group(params, "preprocess", preprocess.SCHEMA)
    del params["preprocess"]["chunk_size"]
    del params["preprocess"]["unit"]
    with pytest.raises(UserError, match="preprocess.unit is missing"):
        C.group(params, "preprocess", preprocess.SCHEMA)


def _run_stage(project, stage, edit):
    p = project / "params.yaml"
    data = yaml.safe_load(p.read_text(encoding="utf-8"))
    edit(data)
    p.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return subprocess.run([sys.executable, "-m", f"pipeline.{stage}"], cwd=project, capture_output=True, text=True)


@pytest.mark.parametrize(
    "stage, edit, expected",
    [
        ("preprocess", lambda d: d["preprocess"].update(unit="chapter"),
         "preprocess: error: params.yaml: preprocess.unit = 'chapter' is not allowed: "
         "one of: document, paragraph, sentences"),
        ("preprocess", lambda d: d["preprocess"]["phrases"].update(colour="red"),
         "preprocess: error: params.yaml: preprocess.phrases.colour is not a known key"),
        # an optional key, set in params.yaml as `-S '+corpus.dedup.threshold=high'` would
        ("ingest", lambda d: d["corpus"].update(dedup={"threshold": "high"}),
         "ingest: error: params.yaml: corpus.dedup.threshold = 'high' is not allowed: a number >= 0.1 and <= 1.0"),
    ],
)
def test_stage_cli_stops_before_work_with_one_line(project_copy, stage, edit, expected):
    proc = _run_stage(project_copy, stage, edit)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert proc.stderr.strip().startswith(expected)
    assert not (project_copy / "data").exists(), "nothing may be written before validation"


def test_compose_command_rewrites_params_and_check_detects_drift(project_copy):
    run = lambda *a: subprocess.run([sys.executable, "-m", "pipeline.config", *a], cwd=project_copy,
                                    capture_output=True, text=True)
    assert run("check").returncode == 0
    conf = project_copy / "conf/preprocess/default.yaml"
    conf.write_text(re.sub(r"^window: 3", "window: 4", conf.read_text(), flags=re.M))
    proc = run("check")
    assert proc.returncode == 1 and "python -m pipeline.config compose" in proc.stderr
    proc = run("compose")
    assert proc.returncode == 0
    assert proc.stderr.strip() == ("wrote params.yaml: changed preprocess (1 value; preprocess.window 3 -> 4) (a "
                                   "composition starts from conf/: overrides of an earlier one or of `dvc exp run "
                                   "-S` are not kept)")
    assert yaml.safe_load((project_copy / "params.yaml").read_text())["preprocess"]["window"] == 4
    assert run("check").returncode == 0
    # An override of the last composition that a new one drops is named, not reset silently.
    asked = run("compose", "corpus=kremlin").stderr
    assert "corpus (" in asked and "not kept" not in asked, "every change was asked for"
    # A preset that sets other groups too (corpus=ungdc: lda, preprocess, report) asked for those changes as well.
    preset = run("compose", "corpus=ungdc").stderr
    assert "lda (" in preset and "not kept" not in preset, preset
    run("compose", "corpus=kremlin")
    again = run("compose").stderr
    assert "corpus.name 'kremlin' -> 'seeds'" in again and "preprocess" not in again and "not kept" in again
    assert run("compose").stderr.strip() == "wrote params.yaml: no value changed"
    good = (project_copy / "params.yaml").read_text()
    # A composition every stage would reject is refused, and params.yaml stays as it was.
    proc = run("compose", "lda.passes=0")
    assert proc.returncode == 2 and proc.stderr.strip() == (
        "config: error: the composition of conf/: lda.passes = 0 is not allowed: an integer >= 1")
    assert (project_copy / "params.yaml").read_text() == good
    # compose mends a broken params.yaml (a merge conflict, say) and writes a missing one.
    (project_copy / "params.yaml").write_text("<<<<<<< HEAD\nlda: [\n")
    proc = run("compose")
    assert proc.returncode == 0 and "(the previous one was unreadable: params.yaml: " in proc.stderr
    assert (project_copy / "params.yaml").read_text() == good
    (project_copy / "params.yaml").unlink()
    proc = run("compose")
    assert proc.returncode == 0 and proc.stderr.strip() == "wrote params.yaml"
    assert (project_copy / "params.yaml").read_text() == good


def test_dvc_stages_declare_only_their_groups(root):
    stages = yaml.safe_load((root / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    assert stages["ingest"]["params"] == ["corpus", "executor"]  # documents are cleaned on the executor
    assert stages["preprocess"]["params"] == ["preprocess", "executor"]
    assert stages["topics"]["params"] == ["lda", "executor"]
    assert stages["stance"]["params"] == ["stance", "themes", "executor"]
    assert "executor" not in stages["tfidf"]["params"]  # runs in one process whatever the executor


def test_dvc_hydra_composition_is_on(root):
    text = (root / ".dvc/config").read_text(encoding="utf-8")
    assert re.search(r"\[hydra\]\s*\n\s*enabled\s*=\s*true", text)


def test_a_typo_in_a_theme_file_stops_the_first_stage_before_any_work(project_copy):
    """Every stage entry checks every group and the lexicon files: a misspelt theme key stops ingest, not stance."""
    p = project_copy / "lexicon/themes/sanctions.yaml"
    p.write_text(re.sub(r"^exclude:", "exlude:", p.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    for stage in ("ingest", "preprocess", "topics", "report"):
        out = subprocess.run([sys.executable, "-m", f"pipeline.{stage}"], cwd=project_copy, capture_output=True,
                             text=True)
        assert out.returncode == 2, (stage, out.stderr[-1500:])
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in out.stderr, (stage, out.stderr)
        assert lines[0].startswith(f"{stage}: error: lexicon/themes/sanctions.yaml: exlude is not a known key"), lines
    assert not (project_copy / "data").exists(), "no stage did any work"


def test_the_log_handler_follows_stderr_when_it_is_replaced(monkeypatch):
    """setup_logging run once in-process must not keep a stream that is later closed."""
    import io
    import logging

    from pipeline.core.errors import setup_logging

    root = logging.getLogger()
    before = list(root.handlers)
    try:
        first = io.StringIO()
        monkeypatch.setattr("sys.stderr", first)
        log = setup_logging("probe")
        first.close()
        second = io.StringIO()
        monkeypatch.setattr("sys.stderr", second)
        log.info("step one")
        assert "probe: INFO step one" in second.getvalue()
    finally:
        for h in root.handlers[:]:
            if h not in before:
                root.removeHandler(h)


def test_readme_lists_every_optional_key_with_its_schema_default(root):
    """The README's table of optional keys is the one the schemas make (python -m pipeline.config options)."""
    from pipeline.config.options import rows, table

    readme = (root / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- optional-keys:start -->\n", 1)[1].split("<!-- optional-keys:end -->", 1)[0]
    assert block == table(), "README is stale: paste `python -m pipeline.config options` between the markers"
    keys = [k.strip("`") for k, _, _ in rows()]
    assert {"lda.stability_seeds", "stance.bootstrap.seed", "stance.rules.negation.factor", "corpus.dedup.threshold",
            "report.max_rows", "executor.partition_size"} <= set(keys)
    assert len(keys) == len(set(keys))


def test_optional_keys_are_left_out_of_params_and_validate_to_their_defaults(root, composed_params):
    from pipeline.config.options import _schemas
    from pipeline.core.config.fields import optional_keys
    from workspace import groups

    checked = groups(composed_params)
    for group, schema in _schemas().items():
        for key, default, _ in optional_keys(schema, group):
            node, value = composed_params, checked
            parts = key.split(".")
            for part in parts:
                node = node.get(part, {}) if isinstance(node, dict) else {}
                value = value[part]
            # conf/ sets only expansion.enabled of the optional keys (a knob a sweep turns)
            assert node == {} or key == "stance.expansion.enabled" or key == "stance.validation", key
            if key != "stance.validation":
                assert value == default, key


@pytest.mark.parametrize("override, key, value", [
    ("+lda.stability_seeds=5", ("lda", "stability_seeds"), 5),   # a key conf/ leaves out: +
    ("++lda.stability_seeds=5", ("lda", "stability_seeds"), 5),
    ("++lda.passes=30", ("lda", "passes"), 30),                  # a key conf/ sets: plain or ++
    ("lda.passes=30", ("lda", "passes"), 30),
    ("themes=[sanctions,ukraine]", ("themes",), ["sanctions", "ukraine"]),
])
def test_dvc_exp_run_overrides_compose(root, tmp_path, override, key, value):
    """What `dvc exp run -S OVERRIDE` writes to params.yaml (DVC's own Hydra composition)."""
    from dvc.utils.hydra import compose_and_dump

    out = tmp_path / "params.yaml"
    compose_and_dump(str(out), str(root / "conf"), None, "config", str(tmp_path), [override])
    node = yaml.safe_load(out.read_text(encoding="utf-8"))
    for part in key:
        node = node[part]
    assert node == value
