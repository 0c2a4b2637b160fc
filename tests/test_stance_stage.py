"""The stance stage on the seeds, the evaluation command, aggregation and the bootstrap."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline.core.errors import UserError
from pipeline.stance import Scorer, macro_f1, metrics, prf, run, score_document
from pipeline.stance.aggregate import aggregate, summarise
from pipeline.stats import bootstrap_mean
from pipeline.stance.outputs import mark

from workspace import groups, workspace


@pytest.fixture(scope="module")
def stance_run(seed_run, composed_params, tmp_path_factory):
    out = tmp_path_factory.mktemp("stance")
    m = run(groups(composed_params), workspace(out, segments=seed_run["segments"], corpus=seed_run["corpus"]))
    return out, m


def test_seed_outputs(stance_run, seed_run, composed_params):
    out, m = stance_run
    docs = {json.loads(line)["doc_id"] for line in open(seed_run["segments"], encoding="utf-8")}
    with open(out / "reports/tables/stance_by_document.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(docs) * len(composed_params["themes"])
    for r in rows:
        if r["status"] == "no evidence":
            assert r["stance"] == "" and r["sentences"] == "0"  # never a silent 0
        else:
            assert -1 <= float(r["stance"]) <= 1 and float(r["salience"]) > 0
    sentences = [json.loads(line) for line in open(out / "data/processed/stance_sentences.jsonl", encoding="utf-8")]
    assert sentences and all(s["targets"] and s["label"] in (-1, 0, 1) for s in sentences)
    # Headline metrics with stable names: no theme in a key, so dvc exp show keeps its columns
    # whatever themes are selected; the per-theme figures are in stance_by_theme.csv.
    with open(out / "reports/tables/stance_by_theme.csv", encoding="utf-8") as fh:
        by_theme = list(csv.DictReader(fh))
    assert [r["theme"] for r in by_theme] == composed_params["themes"]
    assert m == {"relevant_sentences": len({s["id"] for s in sentences}),
                 "themes_with_evidence": sum(r["status"] == "evidence" for r in by_theme)}
    assert m["relevant_sentences"] > 0
    assert json.loads((out / "reports/metrics/stance.json").read_text(encoding="utf-8")) == m
    for name in ("stance_heatmap.png", "stance_over_time.png"):
        assert (out / "reports/figures" / name).stat().st_size > 1000
    assert "**" in (out / "reports/stance_evidence.md").read_text(encoding="utf-8")


def test_same_inputs_same_bytes(stance_run, seed_run, composed_params, tmp_path):
    out, _ = stance_run
    run(groups(composed_params), workspace(tmp_path, segments=seed_run["segments"], corpus=seed_run["corpus"]))
    for rel in ("data/processed/stance_sentences.jsonl", "reports/tables/stance_by_document.csv",
                "reports/metrics/stance.json", "reports/figures/stance_heatmap.png",
                "reports/figures/stance_over_time.png", "reports/stance_evidence.md"):
        assert (out / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel


def test_evidence_report_is_capped_but_the_csv_is_not(stance_run, seed_run, composed_params, tmp_path):
    import copy

    out, _ = stance_run
    params = copy.deepcopy(composed_params)
    params["stance"].setdefault("evidence", {})["max_documents"] = 2
    run(groups(params), workspace(tmp_path, segments=seed_run["segments"], corpus=seed_run["corpus"]))
    md = (tmp_path / "reports/stance_evidence.md").read_text(encoding="utf-8")
    full = (out / "reports/stance_evidence.md").read_text(encoding="utf-8")
    assert md.count("\n## ") == 2 and full.count("\n## ") == 5
    assert "The first 2 of 5 documents" in md and "The first" not in full
    assert (tmp_path / "reports/tables/stance_evidence.csv").read_bytes() == \
        (out / "reports/tables/stance_evidence.csv").read_bytes()


def test_document_without_sentences_is_no_evidence(composed_params):
    s = Scorer.from_params(composed_params)
    units, rows = score_document([{"id": "d#0000", "doc_id": "d", "position": 0, "date": None, "sentences": []}], s)
    assert rows == []
    summary = aggregate(units, rows, "doc_id", list(s.themes), s.cfg["bootstrap"])
    for t in s.themes:
        assert summary[("d", t)]["status"] == "no evidence"
        assert summary[("d", t)]["stance"] is None and summary[("d", t)]["salience"] is None


def test_salience_is_mentions_per_thousand_tokens():
    boot = {"resamples": 200, "seed": 1, "confidence": 0.95, "min_sentences": 2, "min_documents": 2}
    s = summarise("k", [0.5, -0.5], [1, -1], mentions=3, tokens=600, boot=boot)
    assert s["salience"] == 5.0 and s["stance"] == 0.0 and s["positive"] == 1 and s["negative"] == 1


def test_bootstrap_interval_covers_the_true_mean():
    rng = np.random.default_rng(7)
    true_mean, hits, trials = 0.3, 0, 200
    for k in range(trials):
        sample = np.clip(rng.normal(true_mean, 0.4, size=60), -5, 5)
        lo, hi = bootstrap_mean(list(sample), 1000, k, 0.95)
        hits += lo <= true_mean <= hi
    assert 0.88 <= hits / trials <= 0.99


def test_bootstrap_is_seeded():
    x = [0.1, -0.4, 0.9, 0.3, 0.0]
    assert bootstrap_mean(x, 500, 3, 0.95) == bootstrap_mean(x, 500, 3, 0.95)
    assert bootstrap_mean(x, 500, 3, 0.95) != bootstrap_mean(x, 500, 4, 0.95)


def test_bootstrap_in_blocks_keeps_its_interval(monkeypatch):
    from pipeline import stats

    x = list(np.random.default_rng(1).normal(0.2, 0.5, size=400))
    whole = bootstrap_mean(x, 2000, 5, 0.95)
    monkeypatch.setattr(stats, "BLOCK", 400 * 7)   # 7 resamples a block instead of all 2,000 at once
    blocked = bootstrap_mean(x, 2000, 5, 0.95)
    assert blocked == bootstrap_mean(x, 2000, 5, 0.95)       # still seeded
    assert blocked == pytest.approx(whole, abs=0.02)           # another draw of the same interval


def test_metric_definitions_on_a_hand_computed_case():
    rows = [
        {"theme": "a", "relevant": True, "stance": 1},
        {"theme": "a", "relevant": True, "stance": -1},
        {"theme": "a", "relevant": True, "stance": 0},
        {"theme": "a", "relevant": False, "stance": None},
    ]
    preds = [(True, 1), (False, 0), (True, 0), (True, -1)]  # miss, and a false alarm
    m = metrics(rows, preds, ["a"])
    assert m["themes"]["a"]["relevance"] == prf([True, True, True, False], [True, False, True, True])
    rel = m["themes"]["a"]["relevance"]
    assert rel["precision"] == round(2 / 3, 4) and rel["recall"] == round(2 / 3, 4)
    st = m["themes"]["a"]["stance"]
    # gold [1, -1, 0], predicted [1, 0 (irrelevant), 0]: F1 1, 0, 2/3 over labels -1, 0, 1.
    assert st["macro_f1"] == round((1 + 0 + 2 / 3) / 3, 4) == macro_f1([1, -1, 0], [1, 0, 0])
    assert st["confusion"] == [[0, 1, 0], [0, 1, 0], [0, 0, 1]] and st["n"] == 3


TINY = [
    {"text": "These sanctions are fully justified.", "theme": "sanctions", "relevant": True, "stance": 1},
    {"text": "The illegal sanctions have failed.", "theme": "sanctions", "relevant": True, "stance": -1},
    {"text": "The sanctions list was published on Tuesday.", "theme": "sanctions", "relevant": True, "stance": 0},
    {"text": "The coach put pressure on the players.", "theme": "sanctions", "relevant": False, "stance": None},
    {"text": "We stand with Ukraine and its brave people.", "theme": "ukraine", "relevant": True, "stance": 1},
    {"text": "The weather in the capital was fine.", "theme": "ukraine", "relevant": False, "stance": None},
]


def test_evaluate_command_on_a_tiny_gold_file(project_copy, tmp_path):
    gold = tmp_path / "tiny.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in TINY), encoding="utf-8")
    table = tmp_path / "eval.md"
    proc = subprocess.run([sys.executable, "-m", "pipeline.stance", "evaluate", str(gold), "--out", str(table)],
                          cwd=project_copy, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)  # one JSON object and nothing else
    assert proc.stdout.count("\n") == 1
    assert report["n"] == 6
    assert report["themes"]["sanctions"]["relevance"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert report["themes"]["sanctions"]["stance"]["macro_f1"] == 1.0
    assert report["overall"]["stance_macro_f1"] == 1.0
    # The baseline calls every row relevant, so it cannot reach relevance precision 1 here.
    assert report["baseline"]["themes"]["sanctions"]["relevance"]["precision"] == 0.75
    assert set(report["baseline"]["overall"]) == {"relevance_f1", "stance_macro_f1", "stance_macro_f1_ci", "alpha",
                                                  "mean_theme_stance_macro_f1", "mean_theme_stance_macro_f1_ci"}
    assert "sanctions" in table.read_text(encoding="utf-8") and table.with_suffix(".csv").is_file()


def test_evaluate_rejects_bad_rows(project_copy, tmp_path):
    gold = tmp_path / "bad.jsonl"
    gold.write_text('{"text": "x", "theme": "weather", "relevant": true, "stance": 1}\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pipeline.stance", "evaluate", str(gold)], cwd=project_copy,
                          capture_output=True, text=True)
    assert proc.returncode == 2 and f"{gold}:1" in proc.stderr and "weather" in proc.stderr
    assert proc.stdout == ""


def test_development_set_bars(root, composed_params):
    from pipeline.stance.stage import run_evaluate

    report = run_evaluate(Scorer.from_params(composed_params), root / "coding/stance_dev.jsonl")
    assert report["overall"]["stance_macro_f1"] >= 0.75
    for theme, m in report["themes"].items():
        assert m["relevance"]["f1"] >= 0.85, theme
    assert report["overall"]["stance_macro_f1"] - report["baseline"]["overall"]["stance_macro_f1"] >= 0.25


def test_evidence_marks_terms_and_escapes_corpus_text():
    tokens = ["The", "*", "sanctions", "*", "are", "illegal", "."]
    text = "The *sanctions* are illegal."
    out = mark(text, tokens, [[2, 3]], [[5, 6]])
    assert out == "The \\***sanctions**\\* are _illegal_."


def test_evidence_tells_lexicon_words_from_theme_cues(seed_run, composed_params, tmp_path):
    from pipeline.stance.outputs import LEGEND, LEXICON_MARK

    tokens = ["Absurd", "sanctions", "hurt", "good", "people", "."]
    text = "Absurd sanctions hurt good people."
    out = mark(text, tokens, [[1, 2]], [[0, 1]], [[3, 4]])
    assert out == f"_Absurd_ **sanctions** hurt _good_{LEXICON_MARK} people."
    assert LEXICON_MARK in LEGEND and "VADER" in LEGEND
    # On the seeds: the evidence marks both kinds, and its Markdown carries the legend.
    paths = workspace(tmp_path, segments=seed_run["segments"], corpus=seed_run["corpus"])
    run(groups(composed_params), paths)
    rows = list(csv.DictReader(open(paths.stance_evidence, encoding="utf-8")))
    assert any(LEXICON_MARK in r["marked"] for r in rows) and any("general lexicon" in r["cues"] for r in rows)
    assert LEGEND in paths.stance_evidence_md.read_text(encoding="utf-8")


def test_preprocess_tokens_give_the_same_outputs_as_tokenising_again(seed_run, composed_params, tmp_path):
    from pipeline.core.paths import FILES, STAGES

    kw = dict(segments=seed_run["segments"], corpus=seed_run["corpus"])
    read = workspace(tmp_path / "read", sentence_tokens=seed_run["sentence_tokens"], **kw)
    again = workspace(tmp_path / "again", **kw)  # no sentence_tokens.jsonl: the stage tokenises
    run(groups(composed_params), read)
    run(groups(composed_params), again)
    files = [n for n in STAGES["stance"].outputs if Path(FILES[n]).suffix]
    assert files and all(getattr(read, n).read_bytes() == getattr(again, n).read_bytes() for n in files)


def test_tokens_of_another_run_are_one_clear_error(seed_run, composed_params, tmp_path):
    lines = seed_run["sentence_tokens"].read_text(encoding="utf-8").splitlines(keepends=True)
    paths = workspace(tmp_path, segments=seed_run["segments"], corpus=seed_run["corpus"])
    paths.sentence_tokens.write_text("".join(lines[1:] + lines[:1]), encoding="utf-8")  # out of step
    with pytest.raises(UserError, match="sentence_tokens.jsonl: does not match the segments"):
        run(groups(composed_params), paths)
