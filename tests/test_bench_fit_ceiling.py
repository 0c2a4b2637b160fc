"""benchmarks/fit_ceiling.py on the project's own development gold (the seeds' sentences, five documents)."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.core.config import lexicons, load_params
from pipeline.stance import fit as F
from pipeline.stance.evaluate import macro_f1
from pipeline.stance.model import Scorer
from workspace import script

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "coding" / "stance_dev.jsonl"


@pytest.fixture(scope="module")
def bench():
    return script(ROOT / "benchmarks" / "fit_ceiling.py")


@pytest.fixture(scope="module")
def setup():
    params = load_params(ROOT / "params.yaml")
    lex = lexicons.read(params, ROOT, "params.yaml")
    base = Scorer.from_params(params, "params.yaml", lexicon=lex, root=ROOT)
    gold, _ = F.gold_rows(GOLD, "security")
    return base, lex["themes"]["security"], F.featurise(base, "security", gold)


def test_in_sample_bounds_contain_the_unfitted_scorer(bench, setup):
    base, _, rows = setup
    got = bench.in_sample(base, "security", rows)
    unfitted = macro_f1([r.y for r in rows], [r.label for r in rows])
    assert got["unfitted"] == unfitted
    # The configured setting and the scale 1 are in the grids, so no best can be below the scorer as it is.
    assert got["rule_settings"]["macro_f1"] >= unfitted
    for group in bench.GROUPS:
        assert got["group_scaling"][group]["macro_f1"] >= unfitted
    # Scaling a group that fires nowhere changes nothing, so its best is the scale 1 (ties go to it).
    for group, g in got["group_scaling"].items():
        if g["rows_with_group"] == 0:
            assert g["best_scale"] == 1.0 and g["macro_f1"] == unfitted


def test_held_out_with_no_change_is_the_unfitted_figure(bench, setup):
    base, raw, rows = setup
    unfitted = macro_f1([r.y for r in rows], [r.label for r in rows])
    assert bench.held_out(base, "security", raw, rows, 0.0, 3) == unfitted
    # The wide variant restores fit's own candidate function afterwards.
    before = F.candidates
    bench.held_out(base, "security", raw, rows, 1.0, 2, wide=True)
    assert F.candidates is before


def test_supervised_baseline_learns_a_planted_word(bench):
    # One word decides the label, each document has one row of each label: grouped folds still learn it.
    from types import SimpleNamespace

    words = {-1: "dreadful", 0: "tuesday", 1: "splendid"}
    rows = [SimpleNamespace(text=f"the sanctions are {words[y]} says speaker {d}", y=y, doc=f"d{d}")
            for d in range(10) for y in (-1, 0, 1)]
    assert bench.supervised(rows) == 1.0
    # With the labels shuffled against the words, nothing is left to learn.
    flip = [(-1, 0, 1), (0, 1, -1), (1, -1, 0)]  # the word's label rotates with the document
    noise = [SimpleNamespace(text=r.text, y=flip[int(r.doc[1:]) % 3][r.y + 1], doc=r.doc) for r in rows]
    assert bench.supervised(noise) < 0.6


def test_selection_rules_choose_from_the_grid_and_one_se_never_more_than_the_best(bench, setup):
    base, raw, rows = setup
    assert bench.chooser("best") is F.choose_C
    best, scores = F.choose_C(base, "security", raw, rows, F.FOLDS, F.SEED, F.MAX_NEW, 2)
    se, se_scores = bench.chooser("one-SE")(base, "security", raw, rows, F.FOLDS, F.SEED, F.MAX_NEW, 2)
    # One repeat: the same inner folds and scores as fit's; the rule only ever steps down to a smaller C.
    assert se_scores == scores and se <= best and se in F.C_GRID
    rep, rep_scores = bench.chooser("3 repeats")(base, "security", raw, rows, F.FOLDS, F.SEED, F.MAX_NEW, 2)
    assert rep in F.C_GRID and rep_scores[rep] == max(rep_scores.values())
    assert 0.0 in rep_scores and rep_scores[0.0] == macro_f1([r.y for r in rows], [r.label for r in rows])


def test_selection_runs_fit_per_rule_and_restores_fits_chooser(bench):
    before = F.choose_C
    got = bench.selection(load_params(ROOT / "params.yaml"), str(ROOT / "params.yaml"), GOLD, "security", (F.SEED,))
    assert F.choose_C is before
    assert list(got) == list(bench.SELECTION_RULES)
    figures = [got[rule][str(F.SEED)] for rule in bench.SELECTION_RULES]
    # The unfitted scorer on the same outer folds: one "before" whatever the rule.
    assert len({f["before"] for f in figures}) == 1 and all(len(f["C"]) == F.FOLDS for f in figures)
