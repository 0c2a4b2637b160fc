"""Benchmark: how far ``python -m pipeline.stance fit`` can move each theme on the development sets.

Issue 12 asks that a theme fitted to ``../shared/gold/stance_multi_dev.jsonl``
beat the unfitted scorer on held-out documents. This script measures where the
ceiling is, so the README's account of it can be re-run:

1. *In-sample ceilings* (no cross-validation: an upper bound for any fit). For
   each theme, the unfitted scorer's stance macro-F1 on all its relevant rows,
   and the best figure over per-theme settings a fit could change — the target
   window (3, 5, 8, 12 words), the weight of far theme cues (0.25, 0.5, 1) and
   of far general words (0, 0.25, 0.5) — and over scaling each feature group of
   the scorer's total (theme cues, general polarity, everything else: frames,
   harm, success, distancing) by 0, 0.25, ..., 2.
2. *Held-out, penalty fixed*: the outer grouped cross-validation of ``fit``
   (same folds, seed and scoring as its header) with the penalty ``C`` fixed
   instead of chosen, for ``--min-docs`` 3 and 2, and with candidates drawn
   from anywhere in the sentence instead of the target window.
3. *Supervised baseline*: TF-IDF of words and word pairs (``min_df`` 2,
   sublinear) with class-balanced logistic regression (scikit-learn), on the
   same grouped folds: what the coded rows carry on their own.
4. With ``--tweets``, ``fit`` with default settings on the ukraine rows of
   ``stance_ruw_val.jsonl`` (read in place; the fitted file goes to a temporary
   folder and is deleted), and the supervised baseline there.
5. With ``--selection``, ``fit`` as it runs (outer CV, header figures) with
   three rules for choosing ``C`` in the inner cross-validation: ``fit``'s own
   (the best pooled macro-F1, ties to the smaller C); the one-standard-error
   rule (Hastie, Tibshirani & Friedman 2009, *Elements of Statistical
   Learning* §7.10: the smallest C whose score is within one standard error
   of the best; the error is the bootstrap standard deviation, over rows, of
   the difference between the two C's pooled macro-F1); and the best mean over
   three repeated inner splits (seeds s, s+1, s+2). Seeds 20240416, 1 and 7
   for the outer folds; with ``--tweets`` also the tweets, seeds 20240416 and 1.

Writes ``benchmarks/results/fit_ceiling.md`` and ``.json`` (figures only, no
gold text).

Usage::

    python benchmarks/fit_ceiling.py [--gold-dir ../shared/gold] [--params params.yaml]
        [--out benchmarks/results/fit_ceiling] [--tweets] [--selection]
"""
from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.core.config import lexicons, load_params  # noqa: E402
from pipeline.stance import fit as F  # noqa: E402
from pipeline.stance.evaluate import macro_f1  # noqa: E402
from pipeline.stance.model import Scorer  # noqa: E402

THEMES = ("sanctions", "security", "ukraine")
WINDOWS = (3, 5, 8, 12)
FAR = (0.25, 0.5, 1.0)
LEXICON_FAR = (0.0, 0.25, 0.5)
SCALES = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)
FIXED_C = (0.01, 0.1, 1.0, 10.0, 100.0)
GROUPS = ("theme cues", "general polarity", "frames and the rest")
SELECTION_RULES = ("best", "one-SE", "3 repeats")
SELECTION_SEEDS = (F.SEED, 1, 7)
TWEET_SEEDS = (F.SEED, 1)
SE_RESAMPLES = 200


def _label(scored) -> int:
    return scored.label if scored.relevant and scored.label is not None else 0


def with_rules(base: Scorer, **changes) -> Scorer:
    """The base scorer with some ``Rules`` fields changed."""
    return Scorer(base.cfg, dataclasses.replace(base.rules, **changes), base.lexicon, base.themes)


def in_sample(base: Scorer, theme: str, rows: list[F.Row]) -> dict:
    """Upper bounds: the best in-sample macro-F1 over rule settings and over feature-group scalings."""
    y = [r.y for r in rows]
    settings = {}
    for w, far, lf in itertools.product(WINDOWS, FAR, LEXICON_FAR):
        sc = with_rules(base, target_window=w, far=far, lexicon_far=lf)
        settings[(w, far, lf)] = macro_f1(y, [_label(sc.window([r.sentence], 0, theme)) for r in rows])
    best_setting = max(settings, key=lambda k: (settings[k], -abs(k[0] - base.rules.target_window)))
    # Scaling a group of the total: the labels follow from the total's thresholds, so this is exact.
    parts = np.zeros((len(rows), 3))
    for i, r in enumerate(rows):
        for c in base.window([r.sentence], 0, theme).cues:
            g = 0 if c["source"] in ("cue", "expansion") else 1 if c["source"] == "lexicon" else 2
            parts[i, g] += c["value"]
    lo, hi = F.cut_points(base.cfg, base.themes[theme])
    groups = {}
    for g, name in enumerate(GROUPS):
        scores = {}
        for s in SCALES:
            t = parts @ np.array([s if j == g else 1.0 for j in range(3)])
            scores[s] = macro_f1(y, np.where(t <= lo, -1, np.where(t >= hi, 1, 0)).tolist())
        best = max(scores, key=lambda s: (scores[s], -abs(s - 1)))
        groups[name] = {"best_scale": best, "macro_f1": scores[best], "rows_with_group": int((parts[:, g] != 0).sum())}
    return {"unfitted": macro_f1(y, [r.label for r in rows]),
            "rule_settings": {"best": {"window": best_setting[0], "far": best_setting[1],
                                       "lexicon_far": best_setting[2]}, "macro_f1": settings[best_setting]},
            "group_scaling": groups}


def held_out(base: Scorer, theme: str, raw: dict, rows: list[F.Row], C: float, min_docs: int,
             wide: bool = False) -> float:
    """Outer grouped CV of ``fit`` with ``C`` fixed; ``wide``: candidates from the whole sentence."""
    split = F.grouped_folds(rows, F.FOLDS, F.SEED)
    pick = with_rules(base, target_window=10_000) if wide else base
    original = F.candidates
    if wide:
        F.candidates = lambda scorer, th, rs, md: original(pick, th, rs, md)
    try:
        pred = [0] * len(rows)
        for train, test in split:
            fitted = F.fit_theme(base, theme, raw, [rows[i] for i in train], C, F.MAX_NEW, min_docs)
            for i, p in zip(test, F.predict(base, theme, fitted.theme, [rows[i] for i in test])):
                pred[i] = p
    finally:
        F.candidates = original
    return macro_f1([r.y for r in rows], pred)


def chooser(rule: str):
    """A function with :func:`pipeline.stance.fit.choose_C`'s signature that chooses C by ``rule``."""
    if rule == "best":
        return F.choose_C

    def choose(base, theme, raw, rows, k, seed, max_new, min_docs, free_cuts=False):
        k = min(k, len({r.doc for r in rows}))
        if k < 2:
            return 0.0, {}
        y = [r.y for r in rows]
        repeats = 3 if rule == "3 repeats" else 1
        preds: dict[float, list[list[int]]] = {C: [] for C in F.C_GRID}
        for rep in range(repeats):
            folds = F.grouped_folds(rows, k, seed + rep)
            for C in F.C_GRID:
                pred = [0] * len(rows)
                for train, test in folds:
                    fitted = F.fit_theme(base, theme, raw, [rows[i] for i in train], C, max_new, min_docs,
                                         free_cuts)
                    for i, p in zip(test, F.predict(base, theme, fitted.theme, [rows[i] for i in test])):
                        pred[i] = p
                preds[C].append(pred)
        scores = {C: float(np.mean([macro_f1(y, p) for p in preds[C]])) for C in F.C_GRID}
        best = max(F.C_GRID, key=lambda C: (scores[C], -C))
        if rule == "one-SE" and best > 0:
            g = np.asarray(y)
            pick = np.random.default_rng(seed).integers(0, len(g), size=(SE_RESAMPLES, len(g)))

            def boot(C: float) -> np.ndarray:
                p = np.asarray(preds[C][0])
                return np.array([macro_f1(g[i].tolist(), p[i].tolist()) for i in pick])

            top = boot(best)
            for C in F.C_GRID:
                if C >= best:
                    break
                if scores[best] - scores[C] <= float(np.std(top - boot(C))):
                    best = C
                    break
        return best, scores

    return choose


def selection(params: dict, source: str, gold: Path, theme: str, seeds: tuple[int, ...]) -> dict:
    """``fit``'s outer CV (before, after, C per fold) per C-selection rule and seed; nothing is kept on disk."""
    out: dict = {}
    original = F.choose_C
    try:
        for rule in SELECTION_RULES:
            F.choose_C = chooser(rule)
            for seed in seeds:
                with tempfile.TemporaryDirectory() as tmp:
                    got = F.run_fit(params, gold, theme, Path(tmp) / f"{theme}_selection.yaml", seed=seed,
                                    source=source)
                out.setdefault(rule, {})[str(seed)] = {k: got[k] for k in ("before", "after", "C")}
    finally:
        F.choose_C = original
    return out


def supervised(rows: list[F.Row]) -> float:
    """TF-IDF + class-balanced logistic regression on the fit's grouped folds (texts only)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    y = np.array([r.y for r in rows])
    pred = np.zeros(len(rows), dtype=int)
    for train, test in F.grouped_folds(rows, F.FOLDS, F.SEED):
        if len(set(y[train].tolist())) < 2:
            pred[test] = y[train][0]
            continue
        model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                              LogisticRegression(class_weight="balanced", max_iter=2000))
        model.fit([rows[i].text for i in train], y[train])
        pred[test] = model.predict([rows[i].text for i in test])
    return macro_f1(y.tolist(), pred.tolist())


def markdown(res: dict) -> str:
    out = ["# How far `fit` can move each theme (`benchmarks/fit_ceiling.py`)", "",
           f"Gold: `{res['gold']}`; folds and seed as `fit`'s header ({F.FOLDS} folds grouped by document, "
           f"seed {F.SEED}); stance macro-F1 on the relevant rows.", "",
           "## In-sample ceilings (no cross-validation)", "",
           "| theme | rows / docs | unfitted | best rule setting (window, far, lexicon_far) | "
           + " | ".join(f"best scaling of {g}" for g in GROUPS) + " |",
           "|---|---|---|---|" + "---|" * len(GROUPS)]
    for t, r in res["themes"].items():
        b = r["in_sample"]["rule_settings"]
        scaled = r["in_sample"]["group_scaling"]
        cells = [f"{scaled[g]['macro_f1']:.4f} (x{scaled[g]['best_scale']:g}, {scaled[g]['rows_with_group']} rows)"
                 for g in GROUPS]
        out.append(f"| {t} | {r['rows']} / {r['docs']} | {r['in_sample']['unfitted']:.4f} | {b['macro_f1']:.4f} "
                   f"({b['best']['window']}, {b['best']['far']:g}, {b['best']['lexicon_far']:g}) | "
                   + " | ".join(cells) + " |")
    out += ["", "## Held out (outer grouped CV), penalty C fixed", "",
            "| theme | unfitted | " + " | ".join(f"C={c:g}" for c in FIXED_C) + " | supervised TF-IDF |",
            "|---|---|" + "---|" * (len(FIXED_C) + 1)]
    for t, r in res["themes"].items():
        for variant, scores in r["held_out"].items():
            out.append(f"| {t}, {variant} | {r['in_sample']['unfitted']:.4f} | "
                       + " | ".join(f"{scores[f'{c:g}']:.4f}" for c in FIXED_C)
                       + f" | {r['supervised']:.4f} |")
    if "tweets" in res:
        tw = res["tweets"]
        out += ["", "## Tweets (`stance_ruw_val.jsonl`, theme ukraine, read in place)", "",
                f"`fit` with default settings: before {tw['before']:.4f}, after {tw['after']:.4f}, difference "
                f"[{tw['ci']['difference'][0]:+.4f}, {tw['ci']['difference'][1]:+.4f}] (C per fold: "
                f"{', '.join(f'{c:g}' for c in tw['C'])}); supervised TF-IDF {tw['supervised']:.4f}."]
    if "selection" in res:
        out += ["", "## Choosing C: fit's rule, one standard error, three repeated inner splits", "",
                "Difference after - before of `fit`'s header (outer grouped CV) per seed of the folds.", "",
                "| set, theme | before | " + " | ".join(SELECTION_RULES) + " |",
                "|---|---|" + "---|" * len(SELECTION_RULES)]
        for name, by_rule in res["selection"].items():
            first = next(iter(by_rule.values()))
            before = next(iter(first.values()))["before"]
            cells = [", ".join(f"{v['after'] - v['before']:+.4f}" for v in by_rule[rule].values())
                     for rule in SELECTION_RULES]
            out.append(f"| {name} (seeds {', '.join(first)}) | {before:.4f} | " + " | ".join(cells) + " |")
    out += ["", f"Run time {res['seconds']:.0f} s."]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold-dir", default=str(ROOT.parent / "shared" / "gold"))
    ap.add_argument("--params", default=str(ROOT / "params.yaml"))
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "fit_ceiling"))
    ap.add_argument("--tweets", action="store_true", help="also fit the tweets of stance_ruw_val.jsonl")
    ap.add_argument("--selection", action="store_true", help="also compare rules for choosing C (minutes)")
    args = ap.parse_args(argv)
    gold = Path(args.gold_dir) / "stance_multi_dev.jsonl"
    if not gold.is_file():
        print(f"{gold}: not found (the shared development sets sit beside the project)", file=sys.stderr)
        return 2
    start = time.perf_counter()
    params = load_params(args.params)
    lex = lexicons.read(params, ROOT, args.params)
    base = Scorer.from_params(params, args.params, lexicon=lex, root=ROOT)
    res: dict = {"gold": gold.name, "themes": {}}
    for theme in THEMES:
        gl, _ = F.gold_rows(gold, theme)
        rows = F.featurise(base, theme, gl)
        raw = lex["themes"][theme]
        r = {"rows": len(rows), "docs": len({x.doc for x in rows}), "in_sample": in_sample(base, theme, rows),
             "held_out": {}, "supervised": supervised(rows)}
        for label, md, wide in (("min-docs 3", 3, False), ("min-docs 2", 2, False),
                                ("min-docs 2, whole sentence", 2, True)):
            r["held_out"][label] = {f"{c:g}": held_out(base, theme, raw, rows, c, md, wide) for c in FIXED_C}
        res["themes"][theme] = r
        print(f"{theme}: done ({time.perf_counter() - start:.0f} s)", file=sys.stderr)
    tweets = Path(args.gold_dir) / "stance_ruw_val.jsonl"
    if args.tweets:
        if not tweets.is_file():
            print(f"{tweets}: not found; tweets skipped", file=sys.stderr)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                got = F.run_fit(params, tweets, "ukraine", Path(tmp) / "ukraine_tweets.yaml", source=args.params)
            gl, _ = F.gold_rows(tweets, "ukraine")
            res["tweets"] = {k: got[k] for k in ("before", "after", "ci", "C")}
            res["tweets"]["supervised"] = supervised(F.featurise(base, "ukraine", gl))
    if args.selection:
        res["selection"] = {}
        for theme in THEMES:
            res["selection"][f"multi_dev, {theme}"] = selection(params, args.params, gold, theme, SELECTION_SEEDS)
            print(f"selection {theme}: done ({time.perf_counter() - start:.0f} s)", file=sys.stderr)
        if args.tweets and tweets.is_file():
            res["selection"]["tweets, ukraine"] = selection(params, args.params, tweets, "ukraine", TWEET_SEEDS)
    res["seconds"] = time.perf_counter() - start
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out + ".json").write_text(json.dumps(res, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    Path(args.out + ".md").write_text(markdown(res), encoding="utf-8")
    sys.stdout.write(markdown(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
