"""Grouped views of the report: groups, bootstrap intervals, the grouped sections, a bad ``group_by``."""
from __future__ import annotations

import copy
import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from pipeline.core.errors import UserError
from pipeline import stats
from pipeline.report import groups as G

ROOT = Path(__file__).resolve().parent.parent
BOOT = {"resamples": 500, "seed": 7, "confidence": 0.95, "min_documents": 3, "min_sentences": 1}


# ------------------------------------------------------------------ grouping
def doc(i, date=None, **meta):
    return {"id": f"d{i}", "date": date, "meta": meta}


def test_group_of_metadata_column_and_missing_values():
    assert G.group_of(doc(1, country="Chile"), "country") == "Chile"
    assert G.group_of(doc(2, country="  Costa   Rica "), "country") == "Costa Rica"  # whitespace is not a new group
    for empty in (doc(3, country=None), doc(4, country=""), doc(5, country="   "), doc(6)):
        assert G.group_of(empty, "country") == G.MISSING
    assert G.group_of(doc(7, year=1970.0), "year") == "1970"  # a JSON number is the same year as "1970"


def test_group_of_date_buckets():
    d = doc(1, "2021-03-05")
    assert [G.group_of(d, f"date:{u}") for u in ("year", "month", "day")] == ["2021", "2021-03", "2021-03-05"]
    assert G.group_of(doc(2, None), "date:year") == G.MISSING
    assert G.group_of(doc(3, "March 2021"), "date:month") == G.MISSING  # never guessed


def test_assign_and_order():
    docs = [doc(1, country="chile"), doc(2, country="Algeria"), doc(3), doc(4, country="Brazil")]
    assert G.assign(docs, "country") == {"d1": "chile", "d2": "Algeria", "d3": G.MISSING, "d4": "Brazil"}
    o = G.order(G.assign(docs, "country").values(), "country")
    assert o.groups == ["Algeria", "Brazil", "chile", G.MISSING] and not o.ordered
    o = G.order(["10", "9", G.MISSING, "100"], "session")
    assert o.groups == ["9", "10", "100", G.MISSING] and o.ordered  # numbers in numeric order
    o = G.order(["2022-01", "2021-12"], "date:month")
    assert o.groups == ["2021-12", "2022-01"] and o.ordered


def test_largest_groups_keep_their_order():
    assert G.largest(["a", "b", "c", "d"], {"a": 1, "b": 5, "c": 2, "d": 5}, 3) == ["b", "c", "d"]
    assert G.largest(["a", "b"], {}, 5) == ["a", "b"]


@pytest.mark.parametrize("value", ["date", "date:week", "", "  ", 3, ["country"]])
def test_group_by_syntax_is_checked(value):
    with pytest.raises(UserError, match=r"report\.group_by = .* is not allowed"):
        G.check_syntax("report.group_by", value)


def test_group_by_syntax_accepts_columns_buckets_and_null():
    assert G.check_syntax("k", None) is None
    assert G.check_syntax("k", "country") == "country"
    assert G.check_syntax("k", "date:month") == "date:month"


def test_unknown_column_names_key_value_and_columns():
    with pytest.raises(UserError) as exc:
        G.check_column("contry", ["country", "year"])
    msg = str(exc.value)
    assert "\n" not in msg
    assert msg.startswith("params.yaml: report.group_by = 'contry' is not a metadata column")
    assert "country, year" in msg and "date:year" in msg
    # A column of the file that corpus.columns.meta does not list: how to keep it.
    assert msg.endswith("corpus.columns.meta lists it, e.g. '+corpus.columns.meta=[contry]'")
    G.check_column("date:year", [])  # dates need no column
    G.check_column(None, [])


def test_config_check_rejects_a_column_the_corpus_does_not_keep(params):
    from pipeline.core.stages import validate_params

    params["corpus"].setdefault("columns", {})["meta"] = ["party"]
    params["report"]["group_by"] = "partei"
    with pytest.raises(UserError, match=r"report\.group_by = 'partei' is not a metadata column .*columns: party"):
        validate_params(params)
    # The override it suggests keeps the columns already listed (a + list replaces the list).
    with pytest.raises(UserError, match=r"e.g. '\+corpus.columns.meta=\[party,partei\]'$"):
        validate_params(params)
    params["report"]["group_by"] = "party"
    assert validate_params(params)["report"]["group_by"] == "party"


# ----------------------------------------------------------------- bootstrap
def test_bootstrap_interval_contains_mean_and_is_seeded():
    rng = np.random.default_rng(0)
    X = rng.dirichlet([1, 2, 3], size=40)
    lo, hi = stats.bootstrap_mean(X, 1000, 3, 0.95)
    mean = X.mean(axis=0)
    assert np.all(lo <= mean) and np.all(mean <= hi) and np.all(lo < hi)
    lo2, hi2 = stats.bootstrap_mean(X, 1000, 3, 0.95)
    assert np.array_equal(lo, lo2) and np.array_equal(hi, hi2)
    lo3, _ = stats.bootstrap_mean(X, 1000, 4, 0.95)
    assert not np.array_equal(lo, lo3)
    lo90, hi90 = stats.bootstrap_mean(X, 1000, 3, 0.90)
    assert np.all(lo90 >= lo) and np.all(hi90 <= hi)


def test_bootstrap_blocks_do_not_change_the_interval(monkeypatch):
    """A huge group is resampled in blocks; the block size is fixed, so the result is too."""
    X = np.random.default_rng(1).random((300, 2))
    lo, hi = stats.bootstrap_mean(X, 400, 5, 0.95)
    monkeypatch.setattr(stats, "BLOCK", 300 * 2 * 7)  # blocks of 7 resamples
    lo2, hi2 = stats.bootstrap_mean(X, 400, 5, 0.95)
    assert np.allclose(lo, lo2, atol=0.02) and np.allclose(hi, hi2, atol=0.02)


def test_bootstrap_ratio_contains_pooled_mean():
    num = np.array([0.5, -1.0, 2.0, 0.3, -0.2, 1.1])
    den = np.array([1, 4, 3, 1, 2, 5])
    lo, hi = stats.bootstrap_ratio(num, den, 1000, 9, 0.95)
    assert lo <= num.sum() / den.sum() <= hi
    assert (lo, hi) == stats.bootstrap_ratio(num, den, 1000, 9, 0.95)


def test_group_seed_does_not_depend_on_other_groups():
    shares = np.random.default_rng(2).dirichlet([1, 1], size=8)
    ids = [f"d{i}" for i in range(8)]
    both = {d: ("a" if i < 4 else "b") for i, d in enumerate(ids)}
    rows = G.topics_by_group(ids, shares, both, G.order(both.values(), "x"), BOOT)
    only_a = G.topics_by_group(ids[:4], shares[:4], both, G.order(["a"], "x"), BOOT)
    assert [r for r in rows if r["group"] == "a"] == only_a


# ---------------------------------------------------------------- summaries
def test_topics_by_group_means_intervals_and_small_groups():
    shares = np.array([[0.8, 0.2], [0.6, 0.4], [0.7, 0.3], [0.1, 0.9], [0.5, 0.5]])
    ids = ["a1", "a2", "a3", "b1", "x"]
    groups = {"a1": "A", "a2": "A", "a3": "A", "b1": "B"}  # "x" has no group: (missing)
    rows = G.topics_by_group(ids, shares, groups, G.order([*groups.values(), G.MISSING], "party"), BOOT)
    assert [(r["group"], r["topic"], r["documents"]) for r in rows] == [
        ("A", 0, 3), ("A", 1, 3), ("B", 0, 1), ("B", 1, 1), (G.MISSING, 0, 1), (G.MISSING, 1, 1)]
    a0 = rows[0]
    assert a0["mean"] == 0.7 and a0["ci_low"] <= 0.7 <= a0["ci_high"]
    assert rows[2]["mean"] == 0.1 and rows[2]["ci_low"] is None  # one document: no interval


def _stance_row(d, theme, n, stance, mentions=None, tokens=100):
    return {"doc_id": d, "theme": theme, "status": "evidence" if n else "no evidence", "sentences": str(n),
            "stance": "" if stance is None else str(stance), "mentions": str(mentions if mentions is not None else n),
            "tokens": str(tokens)}


def test_stance_by_group_pools_sentences_and_counts_documents():
    rows = [_stance_row("a1", "t", 2, 0.5), _stance_row("a2", "t", 1, -1.0), _stance_row("a3", "t", 0, None),
            _stance_row("a4", "t", 3, 0.2), _stance_row("b1", "t", 0, None)]
    groups = {"a1": "A", "a2": "A", "a3": "A", "a4": "A", "b1": "B"}
    out = G.stance_by_group(rows, groups, G.order(groups.values(), "g"), ["t"], BOOT)
    a, b = out
    assert a["documents"] == 4 and a["documents_with_evidence"] == 3 and a["sentences"] == 6
    assert a["stance"] == round((2 * 0.5 - 1.0 + 3 * 0.2) / 6, 4)
    assert a["ci_low"] <= a["stance"] <= a["ci_high"]
    assert a["salience"] == round(1000 * 6 / 400, 3)
    assert b["status"] == "no evidence" and b["stance"] is None and b["documents_with_evidence"] == 0


def test_evidence_is_capped_per_group_theme_and_pole():
    ev = [{"doc_id": d, "theme": "t", "pole": p, "stance": s, "sentence_id": f"{d}/{i}"}
          for i, (d, p, s) in enumerate([("a1", "against", "-0.9"), ("a2", "against", "-0.95"),
                                         ("a1", "favour", "0.4"), ("b1", "against", "-0.3"),
                                         ("c1", "against", "-0.99")])]
    ev.insert(0, ev.pop(2))  # a group's first row may be of the + pole: the - pole is still shown first
    groups = {"a1": "A", "a2": "A", "b1": "B", "c1": "C"}
    out = G.evidence_by_group(ev, groups, ["A", "B"], {"t": {"favour": 1, "against": -1}}, 1)
    assert [(r["group"], r["pole"], r["doc_id"]) for r in out] == [
        ("A", "against", "a2"), ("A", "favour", "a1"), ("B", "against", "b1")]  # C is not shown


# --------------------------------------------------------- the whole report
PARTIES = ["Alpha"] * 5 + ["Beta"] * 5 + ["<i>Gamma</i> | *"] + [""] * 2


@pytest.fixture(scope="session")
def group_chain(tmp_path_factory, composed_params, root):
    """The chain on 13 documents cut from the seeds, each with a `party` and a date; grouped by party."""
    paragraphs = []
    for f in sorted((root / "seeds").iterdir()):
        paragraphs += [line.strip() for line in f.read_text(encoding="utf-8").splitlines() if len(line) > 120]
    corpus = tmp_path_factory.mktemp("group_corpus") / "docs.jsonl"
    with open(corpus, "w", encoding="utf-8") as fh:
        for i, party in enumerate(PARTIES):
            text = "\n\n".join(paragraphs[i::len(PARTIES)])
            date = f"{2020 + i % 3}-0{1 + i % 4}-1{i % 10}" if i != 12 else ""
            fh.write(json.dumps({"id": f"doc{i:02d}", "text": text, "title": f"Document {i}", "date": date,
                                 "party": party}) + "\n")
    params = copy.deepcopy(composed_params)
    params["corpus"].update(path=str(corpus), format="jsonl")
    params["corpus"].setdefault("columns", {}).update(id="id", meta=["party"])
    params["corpus"].setdefault("dedup", {})["policy"] = "keep_all"
    params["lda"].update(num_topics=3, stability_seeds=1, c_v=False, passes=5)
    params["lda"]["dictionary"]["no_below"] = 2
    params["report"].update(group_by="party", evidence_per_group=1)
    params["report"].setdefault("bootstrap", {}).update(resamples=200, min_documents=3)
    from pipeline.chain import run_chain

    job = tmp_path_factory.mktemp("group_chain")
    result = run_chain(job, root, params)
    assert result["status"] == "ok", result
    return job


def test_undated_corpus_writes_every_declared_output(tmp_path, composed_params, root):
    """Speeches dated by year only (as the UN corpus) and no c_v: the chain, as DVC would, finds every output."""
    from pipeline.chain import run_chain

    paragraphs = [line.strip() for line in (root / "seeds" / sorted(p.name for p in (root / "seeds").iterdir())[0])
                  .read_text(encoding="utf-8").splitlines() if len(line) > 120]
    corpus = tmp_path / "docs.jsonl"
    with open(corpus, "w", encoding="utf-8") as fh:
        for i in range(6):
            fh.write(json.dumps({"id": f"s{i}", "text": "\n\n".join(paragraphs[i::6]), "year": 1970 + i % 2}) + "\n")
    params = copy.deepcopy(composed_params)
    params["corpus"].update(path=str(corpus), format="jsonl")
    params["corpus"].setdefault("columns", {}).update(id="id", title=None, date=None, meta=["year"])
    params["lda"].update(num_topics=2, stability_seeds=0, c_v=False, passes=2)
    params["lda"]["dictionary"]["no_below"] = 1
    params["report"].update(group_by="year")
    result = run_chain(tmp_path / "job", root, params)
    assert result["status"] == "ok", result


def _report(job, **changes):
    """Re-run the report stage in ``job`` with ``report.<key>`` (or ``<group>__<key>``) changed."""
    if changes:  # rewriting the same parameters would still change the report's params.yaml hash
        params = yaml.safe_load((job / "params.yaml").read_text(encoding="utf-8"))
        for key, value in changes.items():
            grp, _, name = key.rpartition("__")
            params[grp or "report"][name] = value
        (job / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    # This checkout's code, as run_chain uses, whatever is installed in the interpreter.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, "-m", "pipeline.report"], cwd=job, capture_output=True, text=True,
                          env=env)


def _rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_grouped_report_has_grouped_sections(group_chain):
    md = (group_chain / "reports/index.md").read_text(encoding="utf-8")
    html = (group_chain / "reports/index.html").read_text(encoding="utf-8")
    assert "### Topic prevalence by party" in md and "### Stance by party" in md
    assert "![Topic prevalence by party](index_files/topics_by_group.png)" in md
    assert "[index_files/topics_by_group.csv](index_files/topics_by_group.csv)" in md
    assert "[index_files/stance_by_group.csv](index_files/stance_by_group.csv)" in md
    assert "**Groups.** Documents were grouped by the metadata column `party`" in md
    for group in ("| Alpha | 5 |", "| Beta | 5 |", "| (missing) | 2 |"):
        assert md.count(group) == 2, group  # one row in the topic table, one in the stance table
    # A group name is corpus text: escaped like any other.
    assert "<i>Gamma" not in html and "&lt;i&gt;Gamma&lt;/i&gt; \\| \\*" in md
    srcs = re.findall(r'<img[^>]*\bsrc="([^"]*)"', html)
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)

    topics = _rows(group_chain / "reports/index_files/topics_by_group.csv")
    k = json.loads((group_chain / "reports/metrics/topics.json").read_text())["k"]
    assert [r["group"] for r in topics[::k]] == ["<i>Gamma</i> | *", "Alpha", "Beta", "(missing)"]
    for r in topics:
        if r["ci_low"]:
            assert float(r["ci_low"]) <= float(r["mean"]) <= float(r["ci_high"])
    assert all(not r["ci_low"] for r in topics if r["group"] in ("(missing)", "<i>Gamma</i> | *"))  # < 3 docs
    stance = _rows(group_chain / "reports/index_files/stance_by_group.csv")
    assert {r["group"] for r in stance} == set(PARTIES) - {""} | {"(missing)"}
    assert all(int(r["documents_with_evidence"]) <= int(r["documents"]) for r in stance)


def test_grouped_evidence_is_capped_per_group(group_chain):
    md = (group_chain / "reports/index.md").read_text(encoding="utf-8")
    section = md.split("| group | theme | pole | stance | document | sentence |")[1].split("\n## ")[0]
    rows = [line.split(" | ")[:3] for line in section.splitlines() if line.startswith("| ")]
    assert rows
    keys = [tuple(r) for r in rows]
    assert len(keys) == len(set(keys))  # evidence_per_group = 1: one sentence per group, theme and pole


def test_grouped_report_is_deterministic(group_chain):
    files = ["reports/index.md", "reports/index.html", "reports/index_files/topics_by_group.csv",
             "reports/index_files/stance_by_group.csv", "reports/index_files/topics_by_group.png",
             "reports/index_files/stance_by_group.png"]
    before = {f: (group_chain / f).read_bytes() for f in files}
    proc = _report(group_chain)
    assert proc.returncode == 0, proc.stderr
    assert {f: (group_chain / f).read_bytes() for f in files} == before


def test_date_buckets_and_ordered_groups(group_chain, tmp_path):
    job = tmp_path / "job"
    shutil.copytree(group_chain, job, symlinks=True)
    proc = _report(job, group_by="date:year")
    assert proc.returncode == 0, proc.stderr
    md = (job / "reports/index.md").read_text(encoding="utf-8")
    assert "### Topic prevalence by year of the document date" in md
    assert "left out of the lines" in md  # the undated document is in the tables, not the lines
    groups = list(dict.fromkeys(r["group"] for r in _rows(job / "reports/index_files/topics_by_group.csv")))
    assert groups == ["2020", "2021", "2022", "(missing)"]


def test_bad_group_by_is_one_line_before_any_work(group_chain, tmp_path):
    job = tmp_path / "job"
    shutil.copytree(group_chain, job, symlinks=True)
    before = {p: (job / p).read_bytes() for p in ("reports/index.md", "reports/index_files/topics_by_group.csv")}

    proc = _report(job, group_by="partei")
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("report: error: params.yaml: report.group_by = 'partei' is not a metadata "
                                   "column of the corpus (columns: party, photo_credit, byline; dates: date:year, "
                                   "date:month, date:day); a column of a CSV or JSON Lines corpus is one when "
                                   "corpus.columns.meta lists it, e.g. '+corpus.columns.meta=[party,partei]'")

    # Kept by the configuration but absent from the corpus file: the corpus's own columns are named.
    params = yaml.safe_load((job / "params.yaml").read_text(encoding="utf-8"))
    params["corpus"].setdefault("columns", {})["meta"] = ["party", "region"]
    (job / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    proc = _report(job, group_by="region")
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("report: error: params.yaml: report.group_by = 'region' is not a metadata "
                                   "column of the corpus (columns: party; dates: date:year, date:month, date:day); "
                                   "corpus.columns.meta lists it, but no document has it: is it a column of the "
                                   "corpus file?")
    assert {p: (job / p).read_bytes() for p in before} == before  # nothing was rewritten


def test_ungrouped_views_and_large_corpus_note(group_chain, tmp_path):
    job = tmp_path / "job"
    shutil.copytree(group_chain, job, symlinks=True)
    proc = _report(job, group_by=None)
    assert proc.returncode == 0, proc.stderr
    md = (job / "reports/index.md").read_text(encoding="utf-8")
    assert "###" not in md and "A large corpus" not in md
    assert "![Stance by document and theme](figures/stance_heatmap.png)" in md
    assert _rows(job / "reports/index_files/topics_by_group.csv") == []  # written, empty: DVC expects the file
    assert (job / "reports/index_files/stance_by_group.png").is_file()

    proc = _report(job, lda__heatmap_max_docs=4)  # 13 documents are more than the figures draw
    assert proc.returncode == 0, proc.stderr
    md = (job / "reports/index.md").read_text(encoding="utf-8")
    assert "**A large corpus.** 13 documents" in md
    assert "`report.group_by`" in md and "a metadata column (party)" in md and "`date:year`" in md
    assert "![Stance by document and theme]" not in md
    assert "[figures/stance_heatmap.png](figures/stance_heatmap.png)" in md


def test_grouped_stance_below_the_minimum_says_too_few(group_chain, tmp_path):
    """report.bootstrap.min_sentences and min_documents: a group below either has a mean and no interval."""
    job = tmp_path / "job"
    shutil.copytree(group_chain, job, symlinks=True)
    proc = _report(job, bootstrap={"resamples": 200, "seed": 42, "confidence": 0.95, "min_documents": 2,
                                   "min_sentences": 10_000})
    assert proc.returncode == 0, proc.stderr
    stance = [r for r in _rows(job / "reports/index_files/stance_by_group.csv") if r["status"] == "evidence"]
    assert stance and all(not r["ci_low"] for r in stance)
    assert all(r["ci_note"] == f"too few to estimate (n = {r['sentences']})" for r in stance)
    md = (job / "reports/index.md").read_text(encoding="utf-8")
    # One pair of brackets per cell: documents with evidence, then why there is no interval.
    table = md.split("### Stance by party")[1].split("Salience and sentence counts of every group")[0]
    cells = re.findall(r"\| (-?\d\.\d\d) \((\d+); too few to estimate: n = (\d+)\) ", table)
    assert cells and "estimate (n =" not in table and ") (" not in table
    # Documents: every group has fewer than 6 documents with evidence.
    proc = _report(job, bootstrap={"resamples": 200, "seed": 42, "confidence": 0.95, "min_documents": 6,
                                   "min_sentences": 1})
    assert proc.returncode == 0, proc.stderr
    stance = [r for r in _rows(job / "reports/index_files/stance_by_group.csv") if r["status"] == "evidence"]
    assert all(r["ci_note"].startswith("too few to estimate (") and r["ci_note"].endswith("documents)")
               or r["ci_note"].endswith("1 document)") for r in stance)
    topics = _rows(job / "reports/index_files/topics_by_group.csv")
    assert all(not r["ci_low"] and r["ci_note"].startswith("too few to estimate") for r in topics)


def test_bad_minimum_is_one_clear_line(group_chain, tmp_path):
    job = tmp_path / "job"
    shutil.copytree(group_chain, job, symlinks=True)
    proc = _report(job, bootstrap={"resamples": 200, "seed": 42, "confidence": 0.95, "min_documents": 5,
                                   "min_sentences": 0})
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("report: error: params.yaml: report.bootstrap.min_sentences = 0 is not allowed: "
                                   "an integer >= 1")
