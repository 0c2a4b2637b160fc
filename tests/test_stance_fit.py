"""`python -m pipeline.stance fit`: a fit on constructed gold rows with known answers.

The gold set: 20 documents of 5 sentences each about sanctions. A word no
lexicon has ("zorbled") always marks favour; the favour cue "strict" always
comes in sentences coded against; the against rows carry the theme's own cues
and the neutral rows none.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
import yaml

from pipeline.core.config import compose
from pipeline.core.errors import UserError
from pipeline.stance import Scorer
from pipeline.stance import fit as F
from pipeline.stance.themes import term_key
from workspace import lexicon

SUBJECTS = ["The minister", "The committee", "Our partners", "The delegation", "The government"]
ENDINGS = ["last week", "in the spring", "this year", "after the vote", "at the summit"]
AGAINST = ["illegal", "unjust", "illegitimate", "unjustified", "unlawful"]


def gold_rows() -> list[dict]:
    rows = []
    for d in range(20):
        doc = f"test:doc{d:02d}"
        s, e = SUBJECTS[d % 5], ENDINGS[(d // 5 + d) % 5]
        s2, e2 = SUBJECTS[(d + 2) % 5], ENDINGS[(d + 3) % 5]
        rows += [
            {"doc": doc, "theme": "sanctions", "relevant": True, "stance": 1,
             "text": f"{s} said the sanctions were zorbled {e}."},
            {"doc": doc, "theme": "sanctions", "relevant": True, "stance": 1,
             "text": f"{s2} noted that these sanctions are zorbled {e2}."},
            {"doc": doc, "theme": "sanctions", "relevant": True, "stance": -1,
             "text": f"{s2} said the sanctions were {AGAINST[d % 5]} {e}."},
            {"doc": doc, "theme": "sanctions", "relevant": True, "stance": -1,
             "text": f"{s} said the sanctions were strict {e2}."},
            {"doc": doc, "theme": "sanctions", "relevant": True, "stance": 0,
             "text": f"{s} put the sanctions on the agenda {e}."},
        ]
    rows.append({"doc": "test:doc00", "theme": "security", "relevant": False, "stance": None,
                 "text": "The weather was fine."})
    return rows


@pytest.fixture(scope="module")
def gold_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("fit") / "gold.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in gold_rows()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def fitted(gold_file, composed_params):
    out = gold_file.parent / "sanctions_test.yaml"
    result = F.run_fit(composed_params, gold_file, "sanctions", out, resamples=200, command="fit (test)")
    return out, out.read_text(encoding="utf-8"), result


def cues_of(text: str) -> dict[str, tuple[str, float]]:
    theme = yaml.safe_load(text)
    return {term_key(t): (pole, w) for pole, terms in theme["cues"].items() for t, w in terms.items()}


def test_the_unfitted_scorer_misses_the_planted_cue(composed_params):
    s = Scorer.from_params(composed_params)
    assert s.sentence("The minister said the sanctions were zorbled last week.", "sanctions").label == 0
    assert s.sentence("The minister said the sanctions were strict last week.", "sanctions").label == 1


def test_fit_adds_the_planted_cue_to_the_favour_pole(fitted):
    _, text, result = fitted
    cues = cues_of(text)
    assert cues[term_key("zorbled")][0] == "favour"
    assert 0.5 <= cues[term_key("zorbled")][1] <= 1.5
    assert "+ 'zorbled' -> favour" in text
    assert result["changes"]["added"] >= 1


def test_fit_drops_or_weakens_a_cue_of_the_wrong_sign(fitted, composed_params):
    _, text, _ = fitted
    old = lexicon(composed_params)["themes"]["sanctions"]["cues"]["favour"]["strict"]
    now = cues_of(text).get(term_key("strict"))
    assert now is None or (now[0] == "favour" and now[1] < old)
    assert "'strict' (favour 0.8) dropped" in text or "'strict' (favour) 0.8 ->" in text


def test_cross_validated_figures_improve_and_are_in_the_header(fitted):
    _, text, result = fitted
    assert result["after"] > result["before"]
    assert f"before (unfitted scorer, same test rows): {result['before']:.4f}" in text
    assert f"after (fitted on the training folds, scored by the Scorer): {result['after']:.4f}" in text
    lo, hi = result["ci"]["after"]
    assert lo <= hi
    assert f"sha256 {F.sha256(fitted[0].parent / 'gold.jsonl')}" in text
    assert "# Command: fit (test)" in text


def test_output_validates_and_selects_as_a_theme(fitted, root, tmp_path):
    out, text, _ = fitted
    assert text.startswith("# Theme 'sanctions' fitted to a hand-coded gold file")
    assert yaml.safe_load(text)["name"] == "sanctions_test"
    shutil.copytree(root / "lexicon", tmp_path / "lexicon")
    shutil.copy(out, tmp_path / "lexicon/themes/sanctions_test.yaml")  # where --out would write it
    params = compose(["themes=[sanctions_test]"], root / "conf")
    assert params["themes"] == ["sanctions_test"]
    s = Scorer.from_params(params, root=tmp_path)
    assert s.sentence("The committee said the sanctions were zorbled in May.", "sanctions_test").label == 1


def test_no_gold_sentence_in_the_output(fitted):
    _, text, _ = fitted
    flat = " ".join(text.split()).lower()
    for r in gold_rows():
        assert " ".join(r["text"].split()).lower() not in flat


def test_the_output_check_refuses_a_gold_sentence(gold_file, tmp_path):
    text = (gold_file.parent / "sanctions_test.yaml").read_text(encoding="utf-8")
    leaked = text + f"# {gold_rows()[0]['text']}\n"
    with pytest.raises(UserError, match="gold row"):
        F.check_output(leaked, "sanctions_test", gold_file)


def test_a_rerun_is_byte_identical(fitted, gold_file, composed_params):
    out, text, _ = fitted
    F.run_fit(composed_params, gold_file, "sanctions", out, resamples=200, command="fit (test)")
    assert out.read_text(encoding="utf-8") == text


def test_folds_never_share_a_document(monkeypatch, gold_file, composed_params, tmp_path):
    base = Scorer.from_params(composed_params)
    gold, _ = F.gold_rows(gold_file, "sanctions")
    rows = F.featurise(base, "sanctions", gold)
    folds = F.grouped_folds(rows, 5, 7)
    assert sorted(i for _, test in folds for i in test) == list(range(len(rows)))
    for train, test in folds:
        assert not {rows[i].doc for i in train} & {rows[i].doc for i in test}
    # Every split the whole procedure makes (outer folds and the inner ones choosing C).
    calls = []
    real = F.grouped_folds

    def spy(rs, k, seed):
        split = real(rs, k, seed)
        calls.append((list(rs), split))
        return split

    monkeypatch.setattr(F, "grouped_folds", spy)
    F.run_fit(composed_params, gold_file, "sanctions", tmp_path / "x.yaml", resamples=10)
    (outer_rows, outer), *inner = calls
    assert len(outer) == 5 and len(inner) == 5 + 1  # one inner CV per outer fold, one for the final fit
    for rs, split in calls:
        for train, test in split:
            assert not {rs[i].doc for i in train} & {rs[i].doc for i in test}
    for (train, test), (rs, _) in zip(outer, inner):
        assert {id(r) for r in rs} == {id(outer_rows[i]) for i in train}


def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "pipeline.stance", "fit", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True)


@pytest.mark.parametrize("case,expected", [
    ("missing", "gold file not found"),
    ("theme", "theme 'nato' is not in"),
    ("no_rows", "no rows for theme 'security'"),
    ("same_name", "would replace the theme it is fitted from"),
    ("no_doc", "nodoc.jsonl:3: a row of theme 'sanctions' has no 'doc'"),
    ("bad_line", "bad.jsonl:2: not valid JSON"),
    ("folds", "stance: error: fit: --folds 1: must be at least 2 (see --help)"),
    ("max_new", "fit: --max-new -1: must be at least 0"),
    ("unknown_flag", "fit: unrecognized arguments: --kfold 3"),
])
def test_errors_are_one_line(case, expected, gold_file, root, tmp_path):
    gold, theme, out = gold_file, "sanctions", tmp_path / "out.yaml"
    extra: list = []
    if case == "no_doc":
        gold = tmp_path / "nodoc.jsonl"
        rows = gold_rows()[:3]
        del rows[2]["doc"]
        gold.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    elif case == "bad_line":
        gold = tmp_path / "bad.jsonl"
        gold.write_text(json.dumps(gold_rows()[0]) + "\n{\"doc\": \n", encoding="utf-8")
    elif case in ("folds", "max_new", "unknown_flag"):
        extra = {"folds": ["--folds", "1"], "max_new": ["--max-new", "-1"], "unknown_flag": ["--kfold", "3"]}[case]
    if case == "missing":
        gold = tmp_path / "absent.jsonl"
    elif case == "theme":
        theme = "nato"
    elif case == "same_name":
        out = tmp_path / "sanctions.yaml"
    elif case == "no_rows":
        gold = tmp_path / "only_sanctions.jsonl"
        gold.write_text(json.dumps(gold_rows()[0]) + "\n", encoding="utf-8")
        theme = "security"
    proc = run_cli(gold, "--theme", theme, "--out", out, "--params", root / "params.yaml", *extra, cwd=root)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and expected in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


# A planted prior: in every document three sentences name the sanctions with no
# cue and are coded against, one with no cue is coded 0, one says they are
# justified (a favour cue) and is coded favour (in every fourth document the
# last two are coded the other way round). The unfitted scorer labels the
# cue-less rows 0; a theme fitted to this corpus should learn that a mention
# with no cue is -1 here, i.e. a negative threshold at or above 0.
VERBS = ["mentioned", "spoke of", "wrote about", "listed", "recalled"]


def prior_rows() -> list[dict]:
    rows = []
    for d in range(20):
        doc = f"prior:doc{d:02d}"
        s, e = SUBJECTS[d % 5], ENDINGS[(d // 5 + d) % 5]
        rows += [{"doc": doc, "theme": "sanctions", "relevant": True, "stance": -1,
                  "text": f"{SUBJECTS[(d + j) % 5]} {VERBS[(d + j) % 5]} the sanctions {ENDINGS[(d + 2 * j) % 5]}."}
                 for j in range(3)]
        # Coders disagree with the cues now and then (every fourth document), as they do.
        rows += [
            {"doc": doc, "theme": "sanctions", "relevant": True, "stance": 0 if d % 4 else 1,
             "text": f"{s} put the sanctions on the agenda {e}."},
            {"doc": doc, "theme": "sanctions", "relevant": True, "stance": 1 if d % 4 else 0,
             "text": f"{s} said the sanctions were justified {e}."},
        ]
    return rows


@pytest.fixture(scope="module")
def prior_fit(tmp_path_factory, composed_params):
    path = tmp_path_factory.mktemp("prior") / "gold.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in prior_rows()), encoding="utf-8")
    out = path.parent / "sanctions_prior.yaml"
    result = F.run_fit(composed_params, path, "sanctions", out, resamples=200, max_new=0, command="fit (prior)",
                       free_cuts=True)
    return path, out, out.read_text(encoding="utf-8"), result


def test_the_unfitted_scorer_has_no_prior(composed_params):
    s = Scorer.from_params(composed_params)
    assert s.sentence("The minister mentioned the sanctions last week.", "sanctions").label == 0
    assert s.themes["sanctions"].thresholds is None


def test_fit_recovers_a_planted_prior_as_a_threshold(prior_fit, root, tmp_path):
    _, out, text, result = prior_fit
    negative, positive = result["thresholds"]
    assert 0 <= negative < positive <= 1.0  # a mention with no cue is -1; "justified" (tanh 1.0 = 0.76) still +1
    theme = yaml.safe_load(text)
    assert theme["thresholds"] == {"negative": negative, "positive": positive}
    assert "# Thresholds: the theme's own" in text and "is labelled -1" in text
    assert f"negative -0.25 -> {negative:g}" in text
    assert result["after"] > result["before"]
    assert all(t is not None and t[0] >= 0 for t in result_thresholds_per_fold(text))
    # The written file, selected as a theme, labels a new cue-less mention -1 and a favour one +1.
    shutil.copytree(root / "lexicon", tmp_path / "lexicon")
    shutil.copy(out, tmp_path / "lexicon/themes/sanctions_prior.yaml")
    s = Scorer.from_params(compose(["themes=[sanctions_prior]"], root / "conf"), root=tmp_path)
    assert s.sentence("The delegation described the sanctions in May.", "sanctions_prior").label == -1
    assert s.sentence("Our partners said the sanctions were justified in May.", "sanctions_prior").label == 1


def result_thresholds_per_fold(text: str) -> list[tuple[float, float] | None]:
    line = next(ln for ln in text.splitlines() if ln.startswith("#   thresholds per fold: "))
    return [None if p == "as they were" else tuple(float(x) for x in p.split(", "))
            for p in line.removeprefix("#   thresholds per fold: ").split("; ")]


def test_without_fit_thresholds_only_cues_are_fitted(prior_fit, composed_params, tmp_path):
    path, _, _, _ = prior_fit
    out = tmp_path / "sanctions_kept.yaml"
    result = F.run_fit(composed_params, path, "sanctions", out, resamples=50, max_new=0)  # the default
    text = out.read_text(encoding="utf-8")
    assert result["thresholds"] is None and "thresholds" not in yaml.safe_load(text)
    assert "# Thresholds: -0.25 and 0.25, as the scorer has them (not fitted; --fit-thresholds fits them)." in text
    assert result["after"] == result["before"]  # no cue to re-weight: nothing a cue weight can fix here


def test_ordinal_fit_recovers_a_known_cut_shift():
    """Rows whose labels change at totals -1 and +0.5 (not the scorer's +-0.255): the free cuts find them."""
    total = np.repeat(np.linspace(-3, 3, 61), 5)
    rng = np.random.default_rng(0)
    true = np.where(total + rng.logistic(0, 0.1, total.size) <= -1, -1,
                    np.where(total + rng.logistic(0, 0.1, total.size) >= 0.5, 1, 0))
    cuts = (-0.2554, 0.2554)
    a, b, c = F.ordinal_fit(total, np.zeros((total.size, 0)), true, cuts, 1e4, free_cuts=True)
    assert b.size == 0
    lo, hi = cuts[0] - c[0] / a, cuts[1] - c[1] / a
    assert abs(lo + 1) < 0.1 and abs(hi - 0.5) < 0.1
    a0, _, c0 = F.ordinal_fit(total, np.zeros((total.size, 0)), true, cuts, 1e4, free_cuts=False)
    assert list(c0) == [0, 0]


def test_the_methods_text_names_a_theme_s_own_thresholds(composed_params, root):
    from pipeline.core.config import lexicons
    from pipeline.core.stages import VALIDATORS
    from pipeline.report import methods

    lex = lexicons.read(composed_params, root, "params.yaml")
    themes = VALIDATORS["themes"](composed_params, "params.yaml", lex)
    cfg = VALIDATORS["stance"](composed_params, "params.yaml", lex)
    plain = methods.stance(cfg, themes)
    assert "its own thresholds" not in plain
    themes["sanctions"]["thresholds"] = {"negative": 0.05, "positive": 0.4}
    assert methods.stance(cfg, themes) == plain + (" Theme sanctions has its own thresholds (fitted to a coded "
                                                   "corpus): −1 at or below 0.05, +1 at or above 0.4.")


# ------------------------------------------------- a fitted theme in place of its base
def test_the_fitted_theme_scores_rows_coded_under_its_base(fitted, gold_file, root, tmp_path):
    # The workflow: fit, select the fitted theme, keep evaluating gold files coded "sanctions".
    from pipeline.stance.stage import run_evaluate

    out, text, _ = fitted
    assert yaml.safe_load(text)["variant_of"] == "sanctions"
    assert ("in place of 'sanctions': gold rows coded 'sanctions' are scored with it when 'sanctions' itself is "
            "not selected") in text
    shutil.copytree(root / "lexicon", tmp_path / "lexicon")
    shutil.copy(out, tmp_path / "lexicon/themes/sanctions_test.yaml")
    params = compose(["themes=[sanctions_test,security]"], root / "conf")
    scorer = Scorer.from_params(params, root=tmp_path)
    report = run_evaluate(scorer, gold_file, resamples=50)
    assert set(report["themes"]) == {"sanctions_test", "security"}
    fitted_theme = report["themes"]["sanctions_test"]["stance"]
    assert fitted_theme["n"] == 100
    # Scored by the fitted theme, not the base: the "zorbled" rows are found favourable.
    assert fitted_theme["confusion"][2][2] == 40
    # With the base selected too (to compare the two), the base scores its own rows.
    params = compose(["themes=[sanctions,sanctions_test,security]"], root / "conf")
    report = run_evaluate(Scorer.from_params(params, root=tmp_path), gold_file, resamples=50)
    assert report["themes"]["sanctions"]["stance"]["n"] == 100
    assert report["themes"]["sanctions"]["stance"]["confusion"][2][2] < 40


def test_fitting_a_fitted_theme_keeps_the_original_coding_name(fitted, gold_file, root, tmp_path, composed_params):
    out, _, _ = fitted
    shutil.copytree(root / "lexicon", tmp_path / "lexicon")
    shutil.copy(out, tmp_path / "lexicon/themes/sanctions_test.yaml")
    params = compose(["themes=[sanctions_test]"], root / "conf")
    second = tmp_path / "lexicon/themes/sanctions_again.yaml"
    import os

    cwd = os.getcwd()
    os.chdir(tmp_path)  # fit reads the lexicon under the working directory, as the command does
    try:
        F.run_fit(params, gold_file, "sanctions_test", second, resamples=50, max_new=0)
        with pytest.raises(UserError, match="would replace the theme it is fitted from"):
            F.run_fit(params, gold_file, "sanctions_test", tmp_path / "sanctions.yaml", resamples=50)
    finally:
        os.chdir(cwd)
    assert yaml.safe_load(second.read_text(encoding="utf-8"))["variant_of"] == "sanctions"
