"""stance.validation: every gold file scored under its role; development figures are never the headline."""
from __future__ import annotations

import copy
import csv
import json

import pytest

from pipeline.core.errors import UserError
from pipeline.core.paths import Paths
from pipeline.stance.validation import FILE_HEADER, HEADER, run

from workspace import groups

ROWS = [
    {"doc": "a", "text": "The sanctions are illegal and must be lifted.", "theme": "sanctions", "relevant": True,
     "stance": -1},
    {"doc": "b", "text": "These sanctions are fully justified.", "theme": "sanctions", "relevant": True, "stance": 1},
    {"doc": "c", "text": "The sanctions list was published on Tuesday.", "theme": "sanctions", "relevant": True,
     "stance": 0},
    {"doc": "d", "text": "The football club was fined.", "theme": "sanctions", "relevant": False, "stance": None},
]


def _gold(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _entries(params, validation):
    p = copy.deepcopy(params)
    p["stance"]["validation"] = validation
    return groups(p)["stance"]["validation"]


def run_validation(params, entries, root, **kw):
    """The stance_eval stage with ``entries`` as ``stance.validation``, in the workspace ``root``."""
    g = groups(params)
    g["stance"] = dict(g["stance"], validation=entries)
    return run(g, Paths(root), **kw)


def test_each_file_is_scored_under_its_name_and_role(composed_params, tmp_path):
    _gold(tmp_path / "coding/dev.jsonl", ROWS)
    _gold(tmp_path / "coding/held.jsonl", ROWS[:3])
    entries = _entries(composed_params, [
        {"name": "dev", "file": "coding/dev.jsonl", "role": "development"},
        {"name": "mine", "file": "coding/held.jsonl", "role": "held-out", "source": "coded by two of us"}])
    metrics = run_validation(composed_params, entries, tmp_path, resamples=100)
    paths = Paths(tmp_path)
    assert list(metrics) == ["dev", "mine"]
    assert (metrics["dev"]["role"], metrics["dev"]["n"]) == ("development", 4)
    assert (metrics["mine"]["role"], metrics["mine"]["n"]) == ("held-out", 3)
    # The metrics: per role, the first file's headline, under stable names (no file, no theme).
    assert json.loads(paths.stance_eval_metrics.read_text()) == {
        "development": {k: metrics["dev"][k] for k in ("stance_macro_f1", "mean_theme_stance_macro_f1", "stance_alpha")},
        "held_out": {k: metrics["mine"][k] for k in ("stance_macro_f1", "mean_theme_stance_macro_f1", "stance_alpha")}}
    # Every file's figures are in the per-file table.
    files = list(csv.DictReader(open(paths.stance_eval_files, encoding="utf-8")))
    assert list(files[0]) == FILE_HEADER
    assert [(f["name"], f["role"], f["file"], f["n"]) for f in files] == [("dev", "development", "coding/dev.jsonl", "4"),
                                                                      ("mine", "held-out", "coding/held.jsonl", "3")]
    assert float(files[1]["stance_macro_f1"]) == metrics["mine"]["stance_macro_f1"]
    rows = list(csv.DictReader(open(paths.stance_eval, encoding="utf-8")))
    assert list(rows[0]) == HEADER
    assert {(r["file"], r["role"]) for r in rows} == {("dev", "development"), ("mine", "held-out")}
    md = paths.stance_eval_md.read_text(encoding="utf-8")
    assert "## mine (held-out)" in md and "coded by two of us" in md and str(tmp_path) not in md


def test_without_a_held_out_file_the_table_says_so(composed_params, tmp_path):
    _gold(tmp_path / "coding/dev.jsonl", ROWS)
    entries = _entries(composed_params, [{"name": "dev", "file": "coding/dev.jsonl", "role": "development"}])
    run_validation(composed_params, entries, tmp_path, resamples=100)
    assert "No held-out gold file is configured" in Paths(tmp_path).stance_eval_md.read_text(encoding="utf-8")


@pytest.mark.parametrize("validation, needle", [
    ([{"name": "dev", "file": "coding/x.jsonl", "role": "tuning"}], "stance.validation[0].role = 'tuning'"),
    ([{"name": "Dev set", "file": "coding/x.jsonl", "role": "development"}], "stance.validation[0].name = 'Dev set'"),
    ([{"name": "a", "file": "coding/x.jsonl", "role": "development"}, {"name": "a", "file": "coding/y.jsonl",
                                                                  "role": "held-out"}], "'a' is used twice"),
    ([{"name": "a", "file": "tests/data/stance_heldout.jsonl", "role": "held-out"}],
     "stance.validation[0].file = 'tests/data/stance_heldout.jsonl' is not allowed: gold files live in coding/"),
    ([{"name": "a", "file": "coding/../x.jsonl", "role": "held-out"}], "stance.validation[0].file = 'coding/../x"),
])
def test_bad_entries_are_one_line(composed_params, validation, needle):
    with pytest.raises(UserError, match=None) as err:
        _entries(composed_params, validation)
    assert needle in str(err.value) and "\n" not in str(err.value)


def test_a_missing_gold_file_stops_before_any_scoring(composed_params, tmp_path):
    _gold(tmp_path / "coding/dev.jsonl", ROWS)
    entries = _entries(composed_params, [{"name": "dev", "file": "coding/dev.jsonl", "role": "development"},
                                         {"name": "mine", "file": "coding/none.jsonl", "role": "held-out"}])
    with pytest.raises(UserError, match=r"stance\.validation\[1\] \(mine\): coding/none\.jsonl not found"):
        run_validation(composed_params, entries, tmp_path)
    assert not Paths(tmp_path).stance_eval_metrics.exists()
