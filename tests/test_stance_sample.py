"""``sample`` (stratified, seeded draw for hand-coding) and ``agreement`` (kappa and alpha) on tiny data."""
from __future__ import annotations

import csv
import json
import logging
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from pipeline.core.errors import UserError, run_cli
from pipeline.stance import agreement as A
from pipeline.stance import sample as S

THEMES = ["sanctions", "security", "ukraine"]
# Rows per (theme, predicted label) and how they spread over documents. The big strata
# (12 rows: 6 in d1, 4 in d2, 2 in d3) are built so that with a quota of 6 the caps
# ceil(6*6/12) = 3, ceil(6*4/12) = 2, ceil(6*2/12) = 1 add up to exactly 6: the draw
# must take exactly 3, 2 and 1 rows from them, whatever the seed.
BIG = {"d1": 6, "d2": 4, "d3": 2}
LAYOUT = {(t, lab): BIG for t in THEMES for lab in (-1, 0, 1)}
LAYOUT[("sanctions", 0)] = {"d1": 3, "d4": 1}  # 4 rows: smaller than the equal share, taken whole
LAYOUT[("sanctions", 1)] = {"d5": 2}  # 2 rows: taken whole


def scored_file(path: Path, layout: dict = LAYOUT) -> Path:
    """A stance_sentences.jsonl with the fields the stance stage writes."""
    rows = []
    for (theme, label), docs in layout.items():
        for doc, k in docs.items():
            for i in range(k):
                sid = f"{doc}#0000/{len(rows):03d}"
                rows.append({"id": sid, "segment_id": sid.split("/")[0], "doc_id": doc, "date": None,
                             "sentence": i, "theme": theme, "text": f"{theme} {label} {doc} sentence {i}.",
                             "stance": float(label), "label": label, "pole": None, "score": 0.0, "targets": [],
                             "cues": []})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def run(params, tmp_path, n, seed=S.SEED, exclude=(), name="sample.jsonl", sentences=None):
    sentences = sentences or scored_file(tmp_path / "stance_sentences.jsonl")
    out = tmp_path / "coding" / name
    S.run_sample(params, n, out, sentences, None, seed=seed, exclude=exclude)
    return out


def strata_of(params, tmp_path, out: Path) -> Counter:
    """(theme, label, doc) of each drawn row, recovered from its constructed text."""
    got = Counter()
    for line in out.read_text(encoding="utf-8").splitlines():
        theme, label, doc = json.loads(line)["text"].split()[:3]
        got[(theme, int(label), doc)] += 1
    return got


# ---------------------------------------------------------------- allocation
def test_allocate_equal_shares_small_strata_whole_leftover_to_largest():
    # c = 4 is the largest with min(5,c)+min(1,c)+min(9,c)+min(9,c) <= 15 (4+1+4+4 = 13); the 2 left
    # go to the strata above 4 with the most rows: "c" and "d" tie at 9, so stratum order decides.
    assert S.allocate({"a": 5, "b": 1, "c": 9, "d": 9}, 15) == {"a": 4, "b": 1, "c": 5, "d": 5}
    assert S.allocate({"a": 5, "b": 1, "c": 9, "d": 9}, 14) == {"a": 4, "b": 1, "c": 5, "d": 4}
    assert S.allocate({"a": 2, "b": 3}, 99) == {"a": 2, "b": 3}
    # fewer rows asked than strata: the largest strata get one each
    assert S.allocate({"a": 2, "b": 7, "c": 4}, 2) == {"a": 0, "b": 1, "c": 1}


def test_document_caps_are_the_proportional_share_rounded_up():
    rows = [{"doc_id": d} for d, k in BIG.items() for _ in range(k)]
    assert S.document_caps(rows, 6) == {"d1": 3, "d2": 2, "d3": 1}
    assert S.document_caps(rows, 5) == {"d1": 3, "d2": 2, "d3": 1}  # 2.5, 1.67, 0.83 rounded up
    assert S.document_caps(rows, 1) == {"d1": 1, "d2": 1, "d3": 1}


@pytest.mark.parametrize("seed", [1, 2, 3, 12])
def test_stratum_and_document_counts_exactly(params, tmp_path, seed):
    # 9 strata: 7 of 12 rows, sanctions 0 with 4 and sanctions +1 with 2. n = 48: c = 6
    # (7*6 + 4 + 2 = 48), nothing left over. Every big stratum gives 6 rows: 3 + 2 + 1 by document.
    out = run(params, tmp_path, 48, seed=seed)
    got = strata_of(params, tmp_path, out)
    want = Counter()
    for (theme, label), docs in LAYOUT.items():
        if docs is BIG:
            want.update({(theme, label, "d1"): 3, (theme, label, "d2"): 2, (theme, label, "d3"): 1})
        else:
            want.update({(theme, label, d): k for d, k in docs.items()})
    assert got == want
    assert sum(got.values()) == 48
    with open(out.with_suffix(".strata.csv"), encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert [(r["theme"], r["predicted"], r["available"], r["drawn"], r["largest_document_cap"]) for r in table][:5] \
        == [("sanctions", "-1", "12", "6", "3"), ("sanctions", "0", "4", "4", "3"), ("sanctions", "1", "2", "2", "2"),
            ("sanctions", "irrelevant", "0", "0", "0"), ("security", "-1", "12", "6", "3")]


def test_leftover_rows_and_caps_with_an_uneven_quota(params, tmp_path):
    # n = 50: c = 6 leaves 2; the first two big strata in order (sanctions -1, security -1) get 7.
    # Caps at 7: ceil(42/12) = 4, ceil(28/12) = 3, ceil(14/12) = 2.
    got = strata_of(params, tmp_path, run(params, tmp_path, 50))
    per_stratum = Counter()
    for (theme, label, doc), k in got.items():
        per_stratum[(theme, label)] += k
        cap = {"d1": 4, "d2": 3, "d3": 2} if (theme, label) in {("sanctions", -1), ("security", -1)} else \
            {"d1": 3, "d2": 2, "d3": 1, "d4": 1, "d5": 2}
        assert k <= cap[doc], (theme, label, doc)
    assert per_stratum[("sanctions", -1)] == per_stratum[("security", -1)] == 7
    assert per_stratum[("ukraine", 1)] == 6 and sum(per_stratum.values()) == 50


def test_fewer_rows_than_asked_draws_all_and_says_so(params, tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="stance"):
        out = run(params, tmp_path, 500)
    assert len(out.read_text().splitlines()) == 7 * 12 + 4 + 2
    lines = [r.getMessage() for r in caplog.records if "fewer than --n" in r.getMessage()]
    assert lines == ["only 90 sentences can be drawn, fewer than --n 500: drawing all of them"]


# ------------------------------------------------------------------ output
def test_gold_format_with_empty_codes_and_corpus_prefix(params, tmp_path):
    out = run(params, tmp_path, 10)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 10
    for r in rows:
        assert set(r) == {"doc", "text", "theme", "relevant", "stance"}
        assert r["relevant"] is None and r["stance"] is None
        assert r["doc"].startswith(f"{params['corpus']['name']}:d")
    # ordered by theme (params order), so a coder codes one theme at a time
    assert [r["theme"] for r in rows] == sorted((r["theme"] for r in rows), key=THEMES.index)


def test_same_seed_same_bytes_other_seed_other_sample(params, tmp_path):
    a = run(params, tmp_path, 30, seed=7, name="a.jsonl")
    b = run(params, tmp_path, 30, seed=7, name="b.jsonl")
    c = run(params, tmp_path, 30, seed=8, name="c.jsonl")
    assert a.read_bytes() == b.read_bytes()
    assert a.with_suffix(".csv").read_bytes() == b.with_suffix(".csv").read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_gold_sentences_are_not_drawn_again(params, tmp_path):
    scored = scored_file(tmp_path / "stance_sentences.jsonl")
    # Another theme, other spacing, case and apostrophes: still the same sentence.
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"doc": "x", "text": "SANCTIONS  -1 d1 Sentence 0.", "theme": "ukraine",
                                "relevant": True, "stance": 0}) + "\n", encoding="utf-8")
    sheet = tmp_path / "coded.csv"
    sheet.write_text("row,doc,theme,text\n1,y,security,security 1 d3 sentence 1.\n", encoding="utf-8")
    out = run(params, tmp_path, 500, exclude=[gold, sheet], sentences=scored)
    texts = {json.loads(line)["text"] for line in out.read_text(encoding="utf-8").splitlines()}
    assert len(texts) == 90 - 2
    assert "sanctions -1 d1 sentence 0." not in texts and "security 1 d3 sentence 1." not in texts


def test_default_exclusion_is_the_development_set(params, tmp_path, root, monkeypatch):
    dev = json.loads((root / "coding/stance_dev.jsonl").read_text(encoding="utf-8").splitlines()[0])
    scored = scored_file(tmp_path / "stance_sentences.jsonl")
    with open(scored, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "dev#0000/000", "doc_id": "dev", "theme": dev["theme"],
                             "text": dev["text"].replace(" ", "  "), "label": 0}) + "\n")
    params_file = tmp_path / "params.yaml"
    params_file.write_text(yaml.safe_dump(params), encoding="utf-8")
    out = tmp_path / "s.jsonl"
    monkeypatch.chdir(root)
    S.main(["--n", "500", "--out", str(out), "--params", str(params_file), "--sentences", str(scored),
            "--segments", ""])
    assert len(out.read_text().splitlines()) == 90


def test_repeated_sentences_are_drawn_once_per_theme(params, tmp_path):
    rows = [{"id": f"d{i}#0000/000", "doc_id": f"d{i}", "theme": t, "text": "The same sentence.", "label": 0}
            for i, t in enumerate(["sanctions", "sanctions", "security"])]
    path = tmp_path / "dup.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = run(params, tmp_path, 10, sentences=path)
    got = [(r["theme"], r["doc"]) for r in map(json.loads, out.read_text().splitlines())]
    assert got == [("sanctions", "seeds:d0"), ("security", "seeds:d2")]


def test_coding_sheet_poles_come_from_the_theme_files(params, root, tmp_path, monkeypatch):
    out = run(params, tmp_path, 30)
    with open(out.with_suffix(".csv"), encoding="utf-8") as fh:
        sheet = list(csv.DictReader(fh))
    assert list(sheet[0]) == S.SHEET_HEADER
    assert len(sheet) == 30
    for line in sheet:
        theme = yaml.safe_load((root / f"lexicon/themes/{line['theme']}.yaml").read_text(encoding="utf-8"))
        poles = {spec["sign"]: f"{name}: {spec['description']}" for name, spec in theme["poles"].items()}
        assert line["pole_-1"] == poles[-1] and line["pole_1"] == poles[1]
        assert line["theme_description"] == " ".join(theme["description"].split())
        assert line["relevant"] == line["stance"] == line["coder"] == ""
    assert {line["theme"] for line in sheet} == set(THEMES)
    # an edited theme file shows in the sheet (the tool reads the lexicon under the working folder)
    work = tmp_path / "work"
    shutil.copytree(root / "lexicon", work / "lexicon")
    path = work / "lexicon/themes/security.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "description: security portrayed as endangered (hostile moves, militarisation, terror, provocation, war)",
        "description: planted threat text"), encoding="utf-8")
    monkeypatch.chdir(work)
    out = run(params, tmp_path, 30, name="edited.jsonl")
    assert "threat: planted threat text" in out.with_suffix(".csv").read_text(encoding="utf-8")


def test_rows_of_a_fitted_version_are_coded_under_the_theme_it_replaces(params, root, tmp_path, monkeypatch):
    # Selected: a version of sanctions (as fit writes it). The coding is of the sanctions poles, so
    # the rows say "sanctions" and stay valid whichever version of the lexicon is selected later.
    work = tmp_path / "work"
    shutil.copytree(root / "lexicon", work / "lexicon")
    theme = yaml.safe_load((work / "lexicon/themes/sanctions.yaml").read_text(encoding="utf-8"))
    theme["name"], theme["variant_of"] = "sanctions_v2", "sanctions"
    (work / "lexicon/themes/sanctions_v2.yaml").write_text(yaml.safe_dump(theme), encoding="utf-8")
    p = dict(params, themes=["sanctions_v2", "security", "ukraine"])
    layout = {(("sanctions_v2" if t == "sanctions" else t), lab): docs for (t, lab), docs in LAYOUT.items()}
    monkeypatch.chdir(work)
    out = run(p, tmp_path, 30, sentences=scored_file(tmp_path / "v2.jsonl", layout))
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["theme"] for r in rows} == set(THEMES)
    with open(out.with_suffix(".csv"), encoding="utf-8") as fh:
        assert {line["theme"] for line in csv.DictReader(fh)} == set(THEMES)
    # Selected beside its base, the version codes its rows under its own name: the base's rows are the
    # base's, and no sentence is written twice under one name.
    both = dict(params, themes=["sanctions", "sanctions_v2", "security"])
    scored = scored_file(tmp_path / "both.jsonl", {k: v for k, v in LAYOUT.items() if k[0] != "ukraine"})
    lines = scored.read_text(encoding="utf-8").splitlines()
    # each sanctions sentence scored by the version too, as the stance stage would
    lines += [json.dumps(dict(json.loads(x), theme="sanctions_v2")) for x in lines if '"theme": "sanctions"' in x]
    scored.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = run(both, tmp_path, 1000, name="both.jsonl", sentences=scored)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["theme"] for r in rows} == {"sanctions", "sanctions_v2", "security"}
    assert len({(r["theme"], r["text"]) for r in rows}) == len(rows) == len(lines)
    # Two versions of one unselected theme cannot both code under its name: refused before anything is drawn.
    theme["name"] = "sanctions_v3"
    (work / "lexicon/themes/sanctions_v3.yaml").write_text(yaml.safe_dump(theme), encoding="utf-8")
    two = dict(params, themes=["sanctions_v2", "sanctions_v3"])
    with pytest.raises(UserError, match=r"^themes: rows coded 'sanctions' could be scored by sanctions_v2 or "
                                        r"sanctions_v3, all versions of it"):
        run(two, tmp_path, 30, name="two.jsonl")
    assert not (tmp_path / "coding/two.jsonl").exists()


def test_irrelevant_but_mentioning_sentences_form_their_own_stratum(params, tmp_path):
    from pipeline.stance.model import Scorer
    from pipeline.stance.stage import score_document

    sentences = [
        "These illegal sanctions hurt ordinary people.",          # sanctions: relevant
        "The league imposed sanctions on the club.",              # sanctions word, off-topic: irrelevant
        "Veterans of the Great Patriotic War were honoured.",     # security and ukraine: an exclusion holding 'war'
        "The weather was fine.",                                  # no target word: in no stratum
    ]
    seg = {"id": "doc#0000", "doc_id": "doc", "date": None, "sentences": sentences}
    segments = tmp_path / "segments.jsonl"
    segments.write_text(json.dumps(seg) + "\n", encoding="utf-8")
    scorer = Scorer.from_params(params)
    _, relevant = score_document([seg], scorer)
    scored = tmp_path / "stance_sentences.jsonl"
    scored.write_text("".join(json.dumps(r) + "\n" for r in relevant), encoding="utf-8")
    assert {(r["theme"], r["text"]) for r in relevant} == {("sanctions", sentences[0])}
    out = tmp_path / "s.jsonl"
    S.run_sample(params, 50, out, scored, segments)
    with open(out.with_suffix(".strata.csv"), encoding="utf-8") as fh:
        table = {(r["theme"], r["predicted"]): int(r["drawn"]) for r in csv.DictReader(fh)}
    assert {k: v for k, v in table.items() if v} == {("sanctions", "-1"): 1, ("sanctions", "irrelevant"): 1,
                                                     ("security", "irrelevant"): 1, ("ukraine", "irrelevant"): 1}
    drawn = [(r["theme"], r["text"]) for r in map(json.loads, out.read_text().splitlines())]
    assert ("sanctions", sentences[1]) in drawn and ("ukraine", sentences[2]) in drawn
    assert all(text != sentences[3] for _, text in drawn)


# --------------------------------------------------------------- agreement
def coded(theme, rel, stance, k, doc="kremlin:1"):
    return {"doc": doc, "text": f"Sentence {k}.", "theme": theme, "relevant": rel, "stance": stance}


# Ten sanctions rows. Relevance, A: 1 1 1 1 1 1 1 1 0 0; B: 1 1 1 1 1 1 1 0 0 1.
# Stance where both say relevant (rows 1-7), A: -1 -1 0 0 0 1 1; B: -1 0 0 0 0 1 -1.
REL_A = [True] * 8 + [False] * 2
REL_B = [True] * 7 + [False, False, True]
ST_A = [-1, -1, 0, 0, 0, 1, 1, 0, None, None]
ST_B = [-1, 0, 0, 0, 0, 1, -1, None, None, 0]
PAIR_A = [coded("sanctions", r, s, k) for k, (r, s) in enumerate(zip(REL_A, ST_A), 1)]
PAIR_B = [coded("sanctions", r, s, k) for k, (r, s) in enumerate(zip(REL_B, ST_B), 1)]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_kappa_and_alpha_by_hand(tmp_path):
    report = A.run_agreement(write_jsonl(tmp_path / "a.jsonl", PAIR_A), write_jsonl(tmp_path / "b.jsonl", PAIR_B))
    rel, st = report["themes"]["sanctions"]["relevance"], report["themes"]["sanctions"]["stance"]
    # Relevance, n = 10: agree on 8 (rows 1-7 and 9), p_o = 0.8. Both coders say relevant 8 times
    # of 10: p_e = 0.8*0.8 + 0.2*0.2 = 0.68. Cohen: (0.8 - 0.68) / (1 - 0.68) = 0.12/0.32 = 0.375.
    # Krippendorff, nominal: coincidences o(1,1) = 2*7 = 14, o(0,0) = 2, o(0,1) = o(1,0) = 2 (rows 8, 10);
    # n_1 = 16, n_0 = 4, n = 20 values. alpha = 1 - (n-1) * (o01 + o10) / (2 n_0 n_1)
    # = 1 - 19*4/128 = 1 - 0.59375 = 0.40625.
    assert rel == {"n": 10, "agreement": 0.8, "kappa": 0.375, "alpha": pytest.approx(0.40625, abs=1e-4)}
    # Stance, rows both relevant (1-7), n = 7: agree on 5, p_o = 5/7. Marginals A: -1:2, 0:3, 1:2;
    # B: -1:2, 0:4, 1:1. p_e = (2*2 + 3*4 + 2*1)/49 = 18/49. Cohen: (35/49 - 18/49)/(31/49) = 17/31 = 0.5484.
    # Krippendorff, ordinal: value totals n_-1 = 4, n_0 = 7, n_1 = 3, n = 14. Ordinal distances
    # d(c,k) = (sum of n_g from c to k - (n_c + n_k)/2)^2: d(-1,0) = 5.5^2 = 30.25, d(0,1) = 5^2 = 25,
    # d(-1,1) = (14 - 3.5)^2 = 110.25. Observed: rows 2 (-1,0) and 7 (1,-1), each pair both ways:
    # D_o = (2*30.25 + 2*110.25)/14 = 281/14. Expected: D_e = 2*(4*7*30.25 + 7*3*25 + 4*3*110.25)/(14*13)
    # = 5390/182. alpha = 1 - D_o/D_e = 1 - 3653/5390 = 1737/5390 = 0.3223.
    assert st == {"n": 7, "agreement": round(5 / 7, 4), "kappa": round(17 / 31, 4), "alpha": round(1737 / 5390, 4)}
    assert report["overall"] == report["themes"]["sanctions"]


def test_disagreements_listed_and_written(tmp_path):
    out = tmp_path / "dis.csv"
    report = A.run_agreement(write_jsonl(tmp_path / "a.jsonl", PAIR_A), write_jsonl(tmp_path / "b.jsonl", PAIR_B),
                             out)
    got = [(d["text"], d["on"], d["a_relevant"], d["a_stance"], d["b_relevant"], d["b_stance"])
           for d in report["disagreements"]]
    assert got == [("Sentence 2.", "stance", True, -1, True, 0), ("Sentence 7.", "stance", True, 1, True, -1),
                   ("Sentence 8.", "relevance", True, 0, False, None),
                   ("Sentence 10.", "relevance", False, None, True, 0)]
    with open(out, encoding="utf-8") as fh:
        lines = list(csv.DictReader(fh))
    assert [(r["text"], r["on"], r["a_stance"], r["b_stance"]) for r in lines] == \
        [("Sentence 2.", "stance", "-1", "0"), ("Sentence 7.", "stance", "1", "-1"),
         ("Sentence 8.", "relevance", "0", ""), ("Sentence 10.", "relevance", "", "0")]


def test_rows_coded_alike_become_a_gold_file(tmp_path, params):
    from pipeline.stance.evaluate import read_gold

    gold = tmp_path / "agreed.jsonl"
    A.run_agreement(write_jsonl(tmp_path / "a.jsonl", PAIR_A), write_jsonl(tmp_path / "b.jsonl", PAIR_B),
                    agreed=gold)
    rows = read_gold(gold, THEMES)  # the format evaluate reads
    # rows 2, 7, 8 and 10 disagree; the other six are kept as coded
    assert [(r["text"], r["relevant"], r["stance"]) for r in rows] == [
        ("Sentence 1.", True, -1), ("Sentence 3.", True, 0), ("Sentence 4.", True, 0), ("Sentence 5.", True, 0),
        ("Sentence 6.", True, 1), ("Sentence 9.", False, None)]


def test_per_theme_unmatched_and_uncoded_rows_and_a_csv_sheet(tmp_path, caplog):
    a = [coded("security", True, 1, 1), coded("security", True, -1, 2), coded("ukraine", False, None, 3),
         coded("ukraine", True, 0, 4), coded("ukraine", True, 1, 5, doc="kremlin:9"), coded("ukraine", None, None, 6)]
    b = [coded("security", True, 1, 1), coded("security", True, -1, 2), coded("ukraine", False, None, 3),
         coded("ukraine", True, 1, 4), coded("ukraine", True, 1, 6), coded("security", True, 0, 7)]
    sheet = tmp_path / "b.csv"  # B as a filled-in coding sheet: yes/no, +1, extra columns
    with open(sheet, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["row", "doc", "theme", "text", "relevant", "stance", "coder"])
        for i, r in enumerate(b, 1):
            w.writerow([i, r["doc"], r["theme"], r["text"], {True: "yes", False: "no"}[r["relevant"]],
                        "" if r["stance"] is None else {1: "+1"}.get(r["stance"], r["stance"]), "B"])
    with caplog.at_level(logging.WARNING, logger="stance"):
        report = A.run_agreement(write_jsonl(tmp_path / "a.jsonl", a), sheet)
    assert (report["matched"], report["coded_by_both"], report["only_in_a"], report["only_in_b"],
            report["not_coded"]) == (5, 4, 1, 1, 1)
    only = [r.getMessage() for r in caplog.records if r.getMessage().startswith("only in")]
    assert len(only) == 2 and "kremlin:9" in only[0] and "Sentence 7." in only[1]
    sec, ukr = report["themes"]["security"], report["themes"]["ukraine"]
    # security: two rows, both relevant, stance 1/1 and -1/-1: perfect agreement
    assert sec["relevance"] == {"n": 2, "agreement": 1.0, "kappa": None, "alpha": None}  # one value: undefined
    assert sec["stance"] == {"n": 2, "agreement": 1.0, "kappa": 1.0, "alpha": 1.0}
    # ukraine: rows 3 (no/no) and 4 (yes 0 / yes 1)
    assert ukr["relevance"]["n"] == 2 and ukr["relevance"]["kappa"] == 1.0
    # one stance pair, 0 against 1: p_o = 0 and p_e = 0 (A never says 1, B never 0), kappa = 0;
    # alpha: the one pair is all the data, observed = expected disagreement, alpha = 0
    assert ukr["stance"] == {"n": 1, "agreement": 0.0, "kappa": 0.0, "alpha": 0.0}
    assert [d["text"] for d in report["disagreements"]] == ["Sentence 4."]


# ------------------------------------------------------------------- errors
def one_line_error(argv, main, capsys) -> str:
    with pytest.raises(SystemExit) as exc:
        run_cli("stance", main, argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_bad_arguments_are_one_line(params, tmp_path, capsys):
    scored = scored_file(tmp_path / "s.jsonl")
    p = tmp_path / "params.yaml"
    p.write_text(yaml.safe_dump(params), encoding="utf-8")
    base = ["--params", str(p), "--sentences", str(scored), "--segments", ""]
    assert "--n 0: must be at least 1" in one_line_error(["--n", "0", "--out", "x.jsonl", *base], S.main, capsys)
    assert "must end in .jsonl" in one_line_error(["--n", "5", "--out", "x.csv", *base], S.main, capsys)
    assert "required" in one_line_error(["--n", "5", *base], S.main, capsys)
    assert "invalid int value" in one_line_error(["--n", "five", "--out", "x.jsonl", *base], S.main, capsys)
    assert "missing.jsonl: file not found" in one_line_error(
        ["--n", "5", "--out", "x.jsonl", "--exclude", "missing.jsonl", *base], S.main, capsys)
    assert "run the stance stage first" in one_line_error(
        ["--n", "5", "--out", "x.jsonl", "--params", str(p), "--sentences", "none.jsonl", "--segments", ""],
        S.main, capsys)
    bad = write_jsonl(tmp_path / "bad.jsonl", [coded("ukraine", True, 2, 1)])
    good = write_jsonl(tmp_path / "good.jsonl", [coded("ukraine", True, 1, 1)])
    assert "bad.jsonl:1: stance = 2 is not allowed" in one_line_error([str(bad), str(good)], A.main, capsys)
    nostance = write_jsonl(tmp_path / "nostance.jsonl", [coded("ukraine", "yes", None, 1)])
    assert "relevant is true but stance is empty" in one_line_error([str(nostance), str(good)], A.main, capsys)
    # a stance on a row coded not relevant (or not coded) is a contradiction, not a code to drop
    for relevant, said in ((False, "false"), (None, "empty")):
        both = write_jsonl(tmp_path / "both.jsonl", [coded("ukraine", relevant, 1, 1)])
        assert f"both.jsonl:1: stance = 1 but relevant is {said}: a sentence not about the theme has no stance" \
            in one_line_error([str(both), str(good)], A.main, capsys)
    # a coding sheet whose theme column was deleted says so
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("row,doc,text,relevant,stance\n1,d1,Some text.,yes,1\n", encoding="utf-8")
    assert "sheet.csv: the coding sheet has no 'theme' column" in one_line_error([str(sheet), str(good)], A.main, capsys)
    # no row in common: each unmatched row has its line, then the error
    other = write_jsonl(tmp_path / "other.jsonl", [coded("ukraine", True, 1, 2)])
    with pytest.raises(SystemExit) as exc:
        run_cli("stance", A.main, [str(good), str(other)])
    err = capsys.readouterr().err.strip().splitlines()
    assert exc.value.code == 2 and len(err) == 3 and err[-1].endswith("nothing to compare")


def test_subcommands_are_dispatched(root, tmp_path):
    # the real entry point: exit 2 and one line for a bad argument
    proc = subprocess.run([sys.executable, "-m", "pipeline.stance", "sample", "--n", "-3", "--out", "x.jsonl"],
                          cwd=root, capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr.strip() == "stance: error: sample: --n -3: must be at least 1 " \
                                                           "(see --help)"
    a = write_jsonl(tmp_path / "a.jsonl", PAIR_A)
    proc = subprocess.run([sys.executable, "-m", "pipeline.stance", "agreement", str(a), str(a)], cwd=root,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["overall"]["stance"]["alpha"] == 1.0


def test_many_unmatched_rows_are_counted_not_listed(tmp_path, caplog):
    a = write_jsonl(tmp_path / "a.jsonl", [coded("ukraine", True, 1, k) for k in range(30)])
    b = write_jsonl(tmp_path / "b.jsonl", [coded("ukraine", True, 1, k) for k in range(3)] +
                    [coded("ukraine", True, 1, k, doc="other:2") for k in range(3, 5)])
    with caplog.at_level(logging.WARNING, logger="stance"):
        report = A.compare(A.read_rows(a), A.read_rows(b), "a.jsonl", "b.jsonl")
    assert report["only_in_a"] == 27 and report["only_in_b"] == 2 and report["matched"] == 3
    lines = [r.getMessage() for r in caplog.records]
    assert sum(m.startswith("only in a.jsonl") for m in lines) == A.UNMATCHED_SHOWN
    assert sum(m.startswith("only in b.jsonl") for m in lines) == 2  # few: each named
    rest = [m for m in lines if m.startswith("... and")]
    assert len(rest) == 1 and rest[0].startswith(f"... and {27 - A.UNMATCHED_SHOWN} more rows only in a.jsonl (lines 14,")
