"""The stance evaluation report: mean per theme, majority baseline, bootstrap intervals, alpha, groups, --rows."""
from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import time
from types import SimpleNamespace

import numpy as np
import pytest

from pipeline.stance.evaluate import (GROUP_KEYS, NO_GROUP, PREDICTION_HEADER, TABLE_HEADER, bootstrap_macro_f1,
                                      evaluate, flat_metrics, group_of, macro_f1, majority_labels, ordinal_alpha,
                                      prediction_rows, table_rows)

THEMES = ["sanctions", "ukraine"]

# Eight rows of two themes and two sources; the fake scorer's answer is beside each row.
TINY = [  # (gold row, predicted (relevant, label))
    ({"doc": "kremlin:1", "text": "s1", "theme": "sanctions", "relevant": True, "stance": -1}, (True, -1)),
    ({"doc": "kremlin:2", "text": "s2", "theme": "sanctions", "relevant": True, "stance": -1}, (True, 0)),
    ({"doc": "ungdc:BLZ-1999", "text": "s3", "theme": "sanctions", "relevant": True, "stance": 0}, (True, 0)),
    ({"doc": "ungdc:FRA-2000", "text": "s4", "theme": "sanctions", "relevant": True, "stance": 1}, (False, 1)),
    ({"doc": "kremlin:3", "text": "s5", "theme": "sanctions", "relevant": False, "stance": None}, (True, -1)),
    ({"doc": "ungdc:UKR-2022", "text": "u1", "theme": "ukraine", "relevant": True, "stance": 1}, (True, 1)),
    ({"doc": "kremlin:4", "text": "u2", "theme": "ukraine", "relevant": True, "stance": -1}, (True, 1)),
    ({"doc": "ungdc:USA-2022", "text": "u3", "theme": "ukraine", "relevant": True, "stance": 1}, (True, 1)),
]
ROWS = [r for r, _ in TINY]
ANSWERS = {r["text"]: p for r, p in TINY}


def predict(row: dict) -> tuple[bool, int]:
    return ANSWERS[row["text"]]


@pytest.fixture(scope="module")
def report() -> dict:
    return evaluate(ROWS, predict, THEMES, resamples=400)


def test_point_figures_by_hand(report):
    # sanctions stance rows: gold [-1, -1, 0, 1], predicted [-1, 0, 0, 0 (irrelevant, so its 1 is not counted)]
    #   F1(-1) = 2*1/(2+1) = 2/3, F1(0) = 2*1/(1+3) = 1/2, F1(1) = 0  -> (2/3 + 1/2 + 0)/3 = 0.38889
    # ukraine: gold [1, -1, 1], predicted [1, 1, 1]: F1(1) = 2*2/(2+3) = 0.8, F1(-1) = 0, 0 unused -> 0.4
    assert report["themes"]["sanctions"]["stance"]["macro_f1"] == 0.3889
    assert report["themes"]["ukraine"]["stance"]["macro_f1"] == 0.4
    # pooled: gold [-1,-1,0,1,1,-1,1], predicted [-1,0,0,0,1,1,1]: F1 2/4, 2/4, 4/6 -> 0.5556
    assert report["overall"]["stance_macro_f1"] == 0.5556
    # mean per theme, of the unrounded figures: (0.388889 + 0.4) / 2
    assert report["overall"]["mean_theme_stance_macro_f1"] == 0.3944
    assert report["n"] == 8


def test_majority_baseline_by_hand(report):
    m = report["majority_baseline"]
    assert m["labels"] == {"sanctions": -1, "ukraine": 1}
    # sanctions: everything -1 on gold [-1,-1,0,1]: F1(-1) = 4/6, F1(0) = F1(1) = 0 -> 0.2222
    assert m["themes"]["sanctions"]["stance"]["macro_f1"] == 0.2222
    assert m["themes"]["ukraine"]["stance"]["macro_f1"] == 0.4
    assert m["overall"]["mean_theme_stance_macro_f1"] == 0.3111
    # pooled, predicted [-1,-1,-1,-1,1,1,1]: F1(-1) = 4/7, F1(0) = 0, F1(1) = 4/6 -> 0.4127
    assert m["overall"]["stance_macro_f1"] == 0.4127
    # every row called relevant: sanctions precision 4/5
    assert m["themes"]["sanctions"]["relevance"] == {"precision": 0.8, "recall": 1.0, "f1": 0.8889}
    assert set(m) == set(report["baseline"]) | {"labels"}
    assert set(m["overall"]) == set(report["baseline"]["overall"]) == set(report["overall"])


def test_majority_ties_go_to_zero_then_minus_one():
    def rows(*labels):
        return [{"theme": "t", "relevant": True, "stance": lab} for lab in labels] + \
            [{"theme": "t", "relevant": False, "stance": None}] * 5
    assert majority_labels(rows(-1, 1)) == {"t": -1}
    assert majority_labels(rows(-1, 0, 1)) == {"t": 0}
    assert majority_labels(rows(1, 1, 0, -1)) == {"t": 1}
    assert majority_labels(rows()) == {"t": 0}


def test_alpha_by_hand(report):
    # Two coders, gold [-1,-1,0,0,1,1] and predicted [-1,0,0,0,1,1]. Coincidences: (-1,-1) 2, (-1,0) and
    # (0,-1) 1 each, (0,0) 4, (1,1) 4; n(-1) = 3, n(0) = 5, n(1) = 4, n = 12. Ordinal distances
    # d(c,k) = (sum of n(g) for g from c to k - (n(c) + n(k))/2)^2: d(-1,0) = 16, d(0,1) = 20.25,
    # d(-1,1) = 72.25. alpha = 1 - (n - 1) * sum o*d / sum n(c) n(k) d = 1 - 11 * 32 / 3024.
    assert ordinal_alpha([-1, -1, 0, 0, 1, 1], [-1, 0, 0, 0, 1, 1]) == round(1 - 11 * 32 / 3024, 4) == 0.8836
    # The tiny report, pooled: pairs (-1,-1) (-1,0) (0,0) (1,0) (1,1) (-1,1) (1,1); n(-1) = 4, n(0) = 4,
    # n(1) = 6, n = 14; d(-1,0) = 16, d(0,1) = 25, d(-1,1) = 81; observed 2 * (16 + 25 + 81) = 244,
    # expected 2 * (4*4*16 + 4*6*25 + 4*6*81) = 5600.
    assert report["overall"]["alpha"] == round(1 - 13 * 244 / 5600, 4) == 0.4336
    assert ordinal_alpha([1, 0, -1], [1, 0, -1]) == 1.0


def test_alpha_is_null_where_undefined():
    assert ordinal_alpha([0, 0, 0], [0, 0, 0]) is None      # no variation: no expected disagreement
    assert ordinal_alpha([], []) is None
    rows = [{"theme": "a", "text": str(i), "relevant": True, "stance": 0} for i in range(4)]
    rep = evaluate(rows, lambda r: (True, 0), ["a"], resamples=50)
    assert rep["themes"]["a"]["stance"]["alpha"] is None and rep["overall"]["alpha"] is None
    assert rep["overall"]["stance_macro_f1"] == 1.0 and rep["overall"]["stance_macro_f1_ci"] == [1.0, 1.0]
    json.dumps(rep, allow_nan=False)  # null, never NaN
    assert flat_metrics(rep)["stance_alpha"] is None


def _synthetic(n: int, seed: int = 3) -> tuple[list[dict], list[tuple[bool, int]]]:
    """n rows over three themes; the fake scorer is right about 70% of the time."""
    rng = np.random.default_rng(seed)
    rows, preds = [], []
    for i in range(n):
        gold = int(rng.integers(-1, 2))
        pred = gold if rng.random() < 0.7 else int(rng.integers(-1, 2))
        rows.append({"doc": f"{'ab'[i % 2]}:{i}", "text": f"row {i}", "theme": ("x", "y", "z")[i % 3],
                     "relevant": True, "stance": gold})
        preds.append((rng.random() < 0.95, pred))
    return rows, preds


def _intervals(block: dict) -> list[tuple[float, list[float]]]:
    o = block["overall"]
    out = [(o["stance_macro_f1"], o["stance_macro_f1_ci"]),
           (o["mean_theme_stance_macro_f1"], o["mean_theme_stance_macro_f1_ci"])]
    out += [(m["stance"]["macro_f1"], m["stance"]["macro_f1_ci"]) for m in block["themes"].values()]
    return out


def test_intervals_contain_the_point_and_are_seeded():
    rows, preds = _synthetic(150)
    answers = {r["text"]: p for r, p in zip(rows, preds)}
    rep = evaluate(rows, lambda r: answers[r["text"]], ["x", "y", "z"], resamples=500, seed=7)
    for block in (rep, rep["baseline"], rep["majority_baseline"]):
        for point, (lo, hi) in _intervals(block):
            assert lo <= point <= hi and lo < hi, (point, lo, hi)
    for g in rep["groups"].values():
        for who in (g, g["baseline"], g["majority_baseline"]):
            lo, hi = who["stance_macro_f1_ci"]
            assert lo <= who["stance_macro_f1"] <= hi
    again = evaluate(rows, lambda r: answers[r["text"]], ["x", "y", "z"], resamples=500, seed=7)
    assert again == rep
    other = evaluate(rows, lambda r: answers[r["text"]], ["x", "y", "z"], resamples=500, seed=8)
    assert [ci for _, ci in _intervals(other)] != [ci for _, ci in _intervals(rep)]
    assert _intervals(other)[0][0] == _intervals(rep)[0][0]   # the point estimates do not move
    assert rep["bootstrap"] == {"resamples": 500, "seed": 7, "confidence": 0.95,
                                "method": "percentile; rows resampled within each theme"}


def test_bootstrap_matches_a_plain_loop_and_is_fast():
    # The vectorised counts against a slow loop over the same draws.
    rng = np.random.default_rng(0)
    gold, pred = rng.integers(-1, 2, 40), rng.integers(-1, 2, 40)
    codes = 3 * (gold + 1) + (pred + 1)
    ci = bootstrap_macro_f1([[codes]], resamples=200, seed=11)[0]
    draws = np.random.default_rng(11).integers(0, 40, size=(200, 40))
    slow = [macro_f1(list(gold[d]), list(pred[d])) for d in draws]
    assert ci["pooled"] == pytest.approx(list(np.quantile(slow, [0.025, 0.975])), abs=2e-4)
    assert ci["mean"] == ci["themes"][0] == ci["pooled"]
    # 600 rows, three predictors, three themes, 1,000 resamples
    strata = [[rng.integers(0, 9, 200) for _ in range(3)] for _ in range(3)]
    start = time.perf_counter()
    bootstrap_macro_f1(strata, resamples=1000)
    assert time.perf_counter() - start < 2.0
    with pytest.raises(ValueError, match="resamples"):
        bootstrap_macro_f1(strata, resamples=0)


def test_groups_by_doc_prefix(report):
    assert group_of({"doc": "kremlin:67241"}) == "kremlin"
    assert group_of({"doc": "ungdc:BLZ-1999"}) == "ungdc"
    assert group_of({"doc": "ruw-val-12"}) == "ruw"
    assert group_of({"doc": "003_40f23a3074c8b370.txt"}) is None
    assert group_of({"doc": "ruw-val-12", "group": "tweets"}) == "tweets"
    assert group_of({}) is None
    assert set(report["groups"]) == {"kremlin", "ungdc"}
    k, u = report["groups"]["kremlin"], report["groups"]["ungdc"]
    assert (k["n"], k["n_relevant"], u["n"], u["n_relevant"]) == (4, 3, 4, 4)
    # kremlin: sanctions gold [-1,-1] vs [-1,0] -> 1/3; ukraine [-1] vs [1] -> 0; pooled [-1,-1,-1] vs [-1,0,1]
    assert (k["stance_macro_f1"], k["mean_theme_stance_macro_f1"]) == (0.1667, 0.1667)
    # ungdc: sanctions [0,1] vs [0,0] -> 1/3; ukraine [1,1] vs [1,1] -> 1; pooled F1(0) 2/3, F1(1) 4/5
    assert (u["stance_macro_f1"], u["mean_theme_stance_macro_f1"]) == (0.7333, 0.6667)
    for g in (k, u):
        assert set(GROUP_KEYS) <= set(g) and set(g["baseline"]) == set(g["majority_baseline"]) == set(GROUP_KEYS)
    # the majority baseline keeps the whole file's labels: on ungdc, sanctions -1 on [0, 1] scores 0
    assert u["majority_baseline"]["mean_theme_stance_macro_f1"] == round((0 + 1) / 2, 4)


def test_group_field_and_files_without_groups():
    rows = [dict(r) for r in ROWS]
    rows[7]["group"] = "batch2"
    rep = evaluate(rows, predict, THEMES, resamples=50)
    assert set(rep["groups"]) == {"kremlin", "ungdc", "batch2"}
    assert rep["groups"]["batch2"]["n"] == 1 and rep["groups"]["ungdc"]["n"] == 3
    # seed-style names have no prefix: one group, so no per-group figures
    seeds = [{**r, "doc": f"00{i}_abc.txt"} for i, r in enumerate(ROWS)]
    assert "groups" not in evaluate(seeds, predict, THEMES, resamples=50)
    one = [{**r, "doc": f"ruw-val-{i}"} for i, r in enumerate(ROWS)]
    assert "groups" not in evaluate(one, predict, THEMES, resamples=50)
    mixed = seeds[:4] + ROWS[4:]
    assert set(evaluate(mixed, predict, THEMES, resamples=50)["groups"]) == {NO_GROUP, "kremlin", "ungdc"}


def test_flat_metrics_and_table(report):
    flat = flat_metrics(report)
    assert flat["mean_theme_stance_macro_f1"] == 0.3944
    assert [flat["mean_theme_stance_macro_f1_ci_low"], flat["mean_theme_stance_macro_f1_ci_high"]] == \
        report["overall"]["mean_theme_stance_macro_f1_ci"]
    assert flat["stance_alpha"] == 0.4336
    assert flat["majority_baseline_stance_macro_f1"] == 0.4127
    assert flat["majority_baseline_mean_theme_stance_macro_f1"] == 0.3111
    assert flat["mean_theme_margin_over_majority_baseline"] == round(0.3944 - 0.3111, 4)
    assert flat["stance_macro_f1"] == 0.5556 and flat["sanctions_stance_macro_f1"] == 0.3889
    table = table_rows(report)
    assert all(len(r) == len(TABLE_HEADER) for r in table)
    assert [(r[0], r[1]) for r in table if r[1] in ("mean per theme", "overall")] == [
        (who, what) for who in ("scorer", "vader baseline", "majority baseline")
        for what in ("mean per theme", "overall")]
    mean_row = next(r for r in table if r[:2] == ["majority baseline", "mean per theme"])
    assert mean_row[TABLE_HEADER.index("stance_macro_f1")] == 0.3111


def test_prediction_rows_from_scored_and_from_tuples():
    scored = SimpleNamespace(relevant=True, stance=-0.83, label=-1, total=-1.2, targets=[{"term": "sanctions"}],
                             cues=[{"term": "illegal", "value": -1.0, "rules": []},
                                   {"term": "lift", "value": -0.8, "rules": ["negated by 'not'"]}])
    out = prediction_rows(ROWS[:2], [scored, (False, None)])
    first = dict(zip(PREDICTION_HEADER, out[0]))
    assert first["cues"] == "illegal:-1.00; lift:-0.80" and first["rules"] == "lift: negated by 'not'"
    assert (first["pred_relevant"], first["pred_stance"], first["pred_label"]) == ("true", -0.83, -1)
    assert (first["doc"], first["group"], first["gold_relevant"], first["gold_stance"]) == \
        ("kremlin:1", "kremlin", "true", -1)
    second = dict(zip(PREDICTION_HEADER, out[1]))
    assert (second["pred_relevant"], second["pred_label"], second["cues"]) == ("false", 0, "")


CLI_ROWS = [
    {"doc": "kremlin:1", "text": "The illegal sanctions have failed.", "theme": "sanctions", "relevant": True,
     "stance": -1},
    {"doc": "ungdc:FRA-2000", "text": "These sanctions are fully justified and must be kept.", "theme": "sanctions",
     "relevant": True, "stance": 1},
    {"doc": "kremlin:2", "text": "The sanctions are not justified.", "theme": "sanctions", "relevant": True,
     "stance": -1},
    {"doc": "ungdc:BLZ-1999", "text": "The coach put pressure on the players.", "theme": "sanctions",
     "relevant": False, "stance": None},
    {"doc": "kremlin:3", "text": "We stand with Ukraine and its brave people.", "theme": "ukraine",
     "relevant": True, "stance": 1},
    {"doc": "ungdc:UKR-2022", "text": "The weather in the capital was fine.", "theme": "ukraine",
     "relevant": False, "stance": None},
]


def test_rows_csv_from_the_command(root, tmp_path):
    gold = tmp_path / "tiny.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in CLI_ROWS), encoding="utf-8")
    out = tmp_path / "out" / "rows.csv"
    proc = subprocess.run([sys.executable, "-m", "pipeline.stance", "evaluate", str(gold), "--params",
                           str(root / "params.yaml"), "--rows", str(out), "--resamples", "200"],
                          cwd=root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["bootstrap"]["resamples"] == 200 and set(report["groups"]) == {"kremlin", "ungdc"}
    with open(out, encoding="utf-8", newline="") as fh:
        lines = list(csv.DictReader(fh))
    assert list(lines[0]) == PREDICTION_HEADER
    assert [(r["doc"], r["text"], r["theme"]) for r in lines] == [(r["doc"], r["text"], r["theme"]) for r in CLI_ROWS]
    assert [r["gold_relevant"] for r in lines] == ["true", "true", "true", "false", "true", "false"]
    assert [r["group"] for r in lines] == ["kremlin", "ungdc", "kremlin", "ungdc", "kremlin", "ungdc"]
    cue = re.compile(r"^[^;:]+:[+-]\d\.\d\d(; [^;:]+:[+-]\d\.\d\d)*$")
    fired = [r for r in lines if r["cues"]]
    assert fired and all(cue.match(r["cues"]) for r in fired), fired
    assert any("illegal" in r["cues"] for r in lines)
    assert all(r["rules"] == "" or re.match(r"^[^;:]+: .+", r["rules"]) for r in lines)
    assert any(r["rules"] for r in lines), "no rule fired on 'not justified'"
    for r in lines:  # the CSV is what the report counted
        if r["pred_relevant"] == "true":
            assert r["targets"] and r["pred_stance"] != ""
        else:
            assert r["pred_label"] == "0" and r["cues"] == ""
    stance = [r for r in lines if r["gold_relevant"] == "true" and r["theme"] == "sanctions"]
    assert macro_f1([int(r["gold_stance"]) for r in stance], [int(r["pred_label"]) for r in stance]) == \
        report["themes"]["sanctions"]["stance"]["macro_f1"]


@pytest.mark.shared
def test_multi_dev_report_shape(root, shared_dir):
    from pipeline.core.config import load_params
    from pipeline.stance.model import Scorer
    from pipeline.stance.stage import run_evaluate

    gold = shared_dir / "gold/stance_multi_dev.jsonl"
    start = time.perf_counter()
    rep = run_evaluate(Scorer.from_params(load_params(root / "params.yaml")), gold)
    assert time.perf_counter() - start < 20   # the before-stop hook allows 20 s for the 600-row set
    assert set(rep["groups"]) == {"kremlin", "ungdc"}
    assert sum(g["n"] for g in rep["groups"].values()) == rep["n"] == 175
    for block in (rep, rep["baseline"], rep["majority_baseline"]):
        for point, (lo, hi) in _intervals(block):
            assert 0 <= lo <= hi <= 1


# ------------------------------------------ gold rows coded under a theme a version replaces
def _themes(variants: dict[str, str | None]):
    """Compiled copies of the sanctions theme under the given names, each a version of its value."""
    import copy as _copy
    from pathlib import Path

    import yaml

    from pipeline.stance.themes import compile_theme, validate_theme

    raw = yaml.safe_load((Path(__file__).resolve().parent.parent / "lexicon/themes/sanctions.yaml").read_text())
    out = {}
    for name, base in variants.items():
        t = _copy.deepcopy(raw)
        t["name"] = name
        if base is not None:
            t["variant_of"] = base
        out[name] = compile_theme(validate_theme(name, t))
    return out


def test_gold_names_map_a_base_to_its_selected_version():
    from pipeline.stance.themes import gold_names

    themes = _themes({"sanctions_x": "sanctions"})
    assert gold_names({n: t.variant_of for n, t in themes.items()}) == {"sanctions_x": "sanctions_x",
                                                                         "sanctions": "sanctions_x"}
    # The base itself selected: its rows are its own.
    assert gold_names({"sanctions": None, "sanctions_x": "sanctions"})["sanctions"] == "sanctions"
    # Two versions of an unselected base: both, for whoever meets such a row to refuse.
    assert gold_names({"sanctions_x": "sanctions", "sanctions_y": "sanctions"})["sanctions"] == ("sanctions_x",
                                                                                                 "sanctions_y")


def test_two_versions_of_one_unselected_theme_refuse_only_its_rows(tmp_path):
    from pipeline.core.errors import UserError
    from pipeline.stance.evaluate import read_gold
    from pipeline.stance.themes import gold_names

    names = gold_names({"sanctions_x": "sanctions", "sanctions_y": "sanctions", "ukraine": None})
    gold = tmp_path / "g.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in ROWS[5:]), encoding="utf-8")  # ukraine rows only
    assert len(read_gold(gold, ["sanctions_x", "sanctions_y", "ukraine"], names)) == 3
    gold.write_text("".join(json.dumps(r) + "\n" for r in ROWS[5:] + ROWS[:1]), encoding="utf-8")
    with pytest.raises(UserError, match=r"g.jsonl:4: rows coded 'sanctions' could be scored by sanctions_x or "
                                        r"sanctions_y, all versions of it \(variant_of\)"):
        read_gold(gold, ["sanctions_x", "sanctions_y", "ukraine"], names)


def test_read_gold_renames_rows_of_a_replaced_theme(tmp_path):
    from pipeline.core.errors import UserError
    from pipeline.stance.evaluate import read_gold

    gold = tmp_path / "g.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    rows = read_gold(gold, ["sanctions_x", "ukraine"], {"sanctions": "sanctions_x"})
    assert [r["theme"] for r in rows] == ["sanctions_x"] * 5 + ["ukraine"] * 3
    # --rows lines keep the coded theme beside the one that scored, so they join back to the gold file
    lines = [dict(zip(PREDICTION_HEADER, line)) for line in prediction_rows(rows, [(True, 0)] * len(rows))]
    assert [(x["theme"], x["scored_with"]) for x in lines] == \
        [("sanctions", "sanctions_x")] * 5 + [("ukraine", "ukraine")] * 3
    with pytest.raises(UserError, match=r"g.jsonl:1: theme = 'sanctions' is not a selected theme \(selected: "
                                        r"sanctions_x\)"):
        read_gold(gold, ["sanctions_x"])


def test_a_theme_cannot_be_a_version_of_itself():
    from pipeline.core.errors import UserError

    with pytest.raises(UserError, match=r"variant_of = 'sanctions' is not allowed"):
        _themes({"sanctions": "sanctions"})
    with pytest.raises(UserError, match=r"variant_of = 'no such' is not allowed"):
        _themes({"sanctions_x": "no such"})


def test_a_version_of_a_version_is_one_line_naming_the_original(tmp_path):
    import yaml

    from pipeline.core.config import lexicons
    from pipeline.core.errors import UserError

    (tmp_path / "lexicon/themes").mkdir(parents=True)
    (tmp_path / "lexicon/stance.yaml").write_text("{}\n", encoding="utf-8")
    files = {"sanctions": None, "sanctions_v2": "sanctions", "sanctions_v3": "sanctions_v2", "other": "nowhere"}
    for name, base in files.items():
        theme = {"name": name} | ({"variant_of": base} if base else {})
        (tmp_path / f"lexicon/themes/{name}.yaml").write_text(yaml.safe_dump(theme), encoding="utf-8")
    # A version of the original, or of a theme with no file (the schema's business), reads as it is.
    for chosen in (["sanctions_v2"], ["sanctions", "sanctions_v2"], ["other"]):
        assert list(lexicons.read({"themes": chosen}, tmp_path)["themes"]) == chosen
    with pytest.raises(UserError, match=r"^lexicon/themes/sanctions_v3.yaml: variant_of = 'sanctions_v2' is not "
                                        r"allowed: 'sanctions_v2' is itself a version of 'sanctions' .*"
                                        r"name the original: variant_of: sanctions$"):
        lexicons.read({"themes": ["sanctions_v3"]}, tmp_path)
    # Longer chains name the end of the chain; a loop is named as one.
    (tmp_path / "lexicon/themes/sanctions_v4.yaml").write_text(yaml.safe_dump(
        {"name": "sanctions_v4", "variant_of": "sanctions_v3"}), encoding="utf-8")
    with pytest.raises(UserError, match=r"name the original: variant_of: sanctions$"):
        lexicons.read({"themes": ["sanctions_v4"]}, tmp_path)
    for a, b in (("loop_a", "loop_b"), ("loop_b", "loop_a")):
        (tmp_path / f"lexicon/themes/{a}.yaml").write_text(yaml.safe_dump({"name": a, "variant_of": b}),
                                                            encoding="utf-8")
    with pytest.raises(UserError, match=r"^lexicon/themes/loop_a.yaml: variant_of = 'loop_b' is not allowed: the "
                                        r"versions make a loop \(loop_a -> loop_b -> loop_a\)"):
        lexicons.read({"themes": ["loop_a"]}, tmp_path)


@pytest.mark.parametrize("line, expected", [
    ('{"text": "a", "theme": "sanctions", "relevant": tru', r"g.jsonl:2: not valid JSON \(Expecting value at column \d+\); one JSON object a line"),
    ('["a", "b"]', r"g.jsonl:2: an array, not a JSON object"),
    ('"text"', r"g.jsonl:2: a string, not a JSON object"),
    ("3", r"g.jsonl:2: a number, not a JSON object"),
    ('{"text": "a", "theme": "ukraine", "relevant": false, "stance": -1}',
     r"g.jsonl:2: stance = -1 but relevant is false: a sentence not about the theme has no stance"),
])
def test_a_bad_gold_line_is_named_for_what_it_is(tmp_path, line, expected):
    from pipeline.core.errors import UserError
    from pipeline.stance.evaluate import read_gold

    gold = tmp_path / "g.jsonl"
    gold.write_text(json.dumps(ROWS[0]) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(UserError, match=expected):
        read_gold(gold, THEMES)
