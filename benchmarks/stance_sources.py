"""Benchmark: the stance scorer on each development source, and held out one source at a time.

For each development set in ``../shared/gold/`` — ``stance_dev.jsonl`` (sentences
of the seeds), ``stance_multi_dev.jsonl`` (Kremlin items and UN General Debate
speeches, also shown per source) and ``stance_ruw_val.jsonl`` (tweets; read in
place, never copied into the repository, skipped with a message where absent) —
prints the configured scorer's stance macro-F1 pooled over rows and averaged
over themes, with 95% percentile bootstrap intervals, Krippendorff's ordinal
alpha, and the VADER and majority-label baselines (the figures of
``python -m pipeline.stance evaluate``).

Then leave one source out: for each set, "tune" on the other sets and score the
held-out one. Tuning is a grid search over the scorer's global numeric knobs
only — symmetric thresholds ``stance.thresholds.negative = -t`` /
``positive = t`` and ``stance.polarity.weight`` — choosing the point with the
best mean, over the tuning sets, of the mean per-theme stance macro-F1 (ties go
to the point nearest the configured values). Lexicons, rules and per-theme
settings are not tuned: a theme's own ``themes.<t>.polarity.weight`` overrides
the global weight, so where every theme sets one the weight axis changes
nothing, and the script says so and searches the thresholds alone. The held-out
figure is what a source the scorer was not adjusted to can expect; compare it
with the configured scorer's figure on the same set.

Writes ``benchmarks/results/stance_sources.md`` and ``.json`` (figures only, no
gold text).

Usage::

    python benchmarks/stance_sources.py [--params params.yaml] [--gold-dir ../shared/gold]
        [--out benchmarks/results/stance_sources] [--resamples 1000] [--seed 20240416]
"""
from __future__ import annotations

import argparse
import copy
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SETS = (("seeds", "stance_dev.jsonl"), ("multi_dev", "stance_multi_dev.jsonl"), ("ruw_val", "stance_ruw_val.jsonl"))
THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4)
WEIGHTS = (0.2, 0.4, 0.6)
HEADLINE = "mean_theme_stance_macro_f1"


def with_knobs(params: dict, threshold: float, weight: float) -> dict:
    """A copy of ``params`` with thresholds ±``threshold`` and global polarity weight ``weight``."""
    p = copy.deepcopy(params)
    p["stance"]["thresholds"] = {"negative": -threshold, "positive": threshold}
    p["stance"]["polarity"]["weight"] = weight
    return p


def weight_shadowed(themes: dict) -> bool:
    """True when every selected theme (name -> its file's content) sets its own polarity weight.

    The global ``stance.polarity.weight`` then does nothing.
    """
    return all((t.get("polarity") or {}).get("weight") is not None for t in themes.values())


def fig(block: dict, key: str) -> str:
    lo, hi = block[f"{key}_ci"]
    return f"{block[key]:.3f} [{lo:.3f}, {hi:.3f}]"


def alpha(v: float | None) -> str:
    return "–" if v is None else f"{v:.3f}"


def summary(o: dict, base: dict, major: dict) -> dict:
    """The figures of one set or group: scorer with intervals and alpha, both baselines."""
    keep = ("stance_macro_f1", "stance_macro_f1_ci", HEADLINE, f"{HEADLINE}_ci", "alpha")
    return {"scorer": {k: o[k] for k in keep}, "vader": {k: base[k] for k in keep},
            "majority": {k: major[k] for k in keep}}


def by_set_row(name: str, n: int, n_rel: int, s: dict) -> list:
    return [name, n, n_rel, fig(s["scorer"], "stance_macro_f1"), fig(s["scorer"], HEADLINE), alpha(s["scorer"]["alpha"]),
            fig(s["vader"], "stance_macro_f1"), fig(s["vader"], HEADLINE),
            fig(s["majority"], "stance_macro_f1"), fig(s["majority"], HEADLINE)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--params", type=Path, default=ROOT / "params.yaml")
    ap.add_argument("--gold-dir", type=Path, default=ROOT.parent / "shared" / "gold")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/stance_sources",
                    help="writes OUT.md and OUT.json")
    ap.add_argument("--resamples", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20240416)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from pipeline.core.config import lexicons, load_params
    from pipeline.core.io import markdown_table, write_json, write_text
    from pipeline.stance.evaluate import evaluate_predictions, metrics, read_gold
    from pipeline.stance.model import Scorer

    start = time.perf_counter()
    params = load_params(args.params)
    # The theme files and rule words are read once, from the project (not the working folder).
    lexicon = lexicons.read(params, ROOT, str(args.params))
    configured = Scorer.from_params(params, str(args.params), lexicon=lexicon)
    themes = list(configured.themes)
    notes = []
    sets = {}
    for name, file in SETS:
        path = args.gold_dir / file
        if not path.is_file():
            msg = f"{path} is absent: {name} skipped"
            print(msg, file=sys.stderr)
            notes.append(msg)
            continue
        sets[name] = read_gold(path, themes)
    if not sets:
        sys.exit(f"no development set found in {args.gold_dir}")

    def predictions(scorer: Scorer, rows: list[dict]) -> list:
        return [scorer.sentence(r["text"], r["theme"]) for r in rows]

    # --- the configured scorer on each set, with intervals, alpha and both baselines
    by_set, table = {}, []
    for name, rows in sets.items():
        rep = evaluate_predictions(rows, predictions(configured, rows), themes, resamples=args.resamples,
                                   seed=args.seed)
        n_rel = sum(r["relevant"] for r in rows)
        s = summary(rep["overall"], rep["baseline"]["overall"], rep["majority_baseline"]["overall"])
        by_set[name] = {"n": rep["n"], "n_relevant": n_rel, **s,
                        "themes": {t: {"macro_f1": m["stance"]["macro_f1"], "macro_f1_ci": m["stance"]["macro_f1_ci"],
                                       "alpha": m["stance"]["alpha"], "n": m["stance"]["n"]}
                                   for t, m in rep["themes"].items()},
                        "groups": {}}
        table.append(by_set_row(name, rep["n"], n_rel, s))
        for g, m in rep.get("groups", {}).items():
            gs = summary(m, m["baseline"], m["majority_baseline"])
            by_set[name]["groups"][g] = {"n": m["n"], "n_relevant": m["n_relevant"], **gs}
            table.append(by_set_row(f"{name}: {g}", m["n"], m["n_relevant"], gs))

    # --- the grid: every point's headline figure on every set (point estimates only)
    default_t = (params["stance"]["thresholds"]["positive"] - params["stance"]["thresholds"]["negative"]) / 2
    default_w = params["stance"]["polarity"]["weight"]
    weights = WEIGHTS
    if weight_shadowed(lexicon["themes"]):
        weights = (default_w,)
        notes.append("every theme sets its own themes.<t>.polarity.weight, so the global stance.polarity.weight "
                     f"changes nothing: the grid searches the thresholds alone (weight kept at {default_w})")
        print(notes[-1], file=sys.stderr)
    grid = [(t, w) for t in THRESHOLDS for w in weights]
    scored, score = {}, {}  # (t, w, set) -> the scorer's predictions, and their headline figure
    for t, w in grid:
        scorer = Scorer.from_params(with_knobs(params, t, w), str(args.params), lexicon=lexicon)
        for name, rows in sets.items():
            scored[(t, w, name)] = predictions(scorer, rows)
            score[(t, w, name)] = metrics(rows, scored[(t, w, name)], themes)["overall"][HEADLINE]

    # --- leave one source out
    loso, loso_table = [], []
    for held, rows in sets.items():
        tuning = [n for n in sets if n != held]
        if not tuning:
            notes.append(f"{held}: no other set to tune on; no held-out figure")
            continue
        mean = {(t, w): sum(score[(t, w, n)] for n in tuning) / len(tuning) for t, w in grid}
        t, w = max(grid, key=lambda p: (round(mean[p], 6), -abs(p[0] - default_t) - abs(p[1] - default_w)))
        rep = evaluate_predictions(rows, scored[(t, w, held)], themes, resamples=args.resamples, seed=args.seed)
        o = rep["overall"]
        entry = {"held_out": held, "tuned_on": tuning, "threshold": t, "polarity_weight": w,
                 "tuning_score": round(mean[(t, w)], 4),
                 "tuned": {k: o[k] for k in ("stance_macro_f1", "stance_macro_f1_ci", HEADLINE, f"{HEADLINE}_ci",
                                             "alpha")},
                 "configured": by_set[held]["scorer"],
                 "vader": by_set[held]["vader"], "majority": by_set[held]["majority"]}
        loso.append(entry)
        loso_table.append([held, " + ".join(tuning), f"±{t}", w, f"{entry['tuning_score']:.3f}", fig(o, HEADLINE),
                           fig(o, "stance_macro_f1"), alpha(o["alpha"]), f"{by_set[held]['scorer'][HEADLINE]:.3f}",
                           f"{by_set[held]['vader'][HEADLINE]:.3f}", f"{by_set[held]['majority'][HEADLINE]:.3f}"])

    seconds = round(time.perf_counter() - start, 1)
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    md = "\n".join([
        "# Stance scorer by source",
        "",
        f"Generated by `python benchmarks/stance_sources.py` at `{commit}` in {seconds} s. Stance macro-F1 on the "
        f"rows whose gold `relevant` is true, pooled over rows and averaged over themes (mean per theme, the "
        f"headline), with 95% percentile bootstrap intervals ({args.resamples} resamples within each theme, seed "
        f"{args.seed}); alpha: Krippendorff's ordinal alpha (pooled rows). Configured scorer: thresholds "
        f"±{default_t:g}, polarity weight {default_w:g}.",
        "",
        "## Configured scorer, per set and source",
        "",
        markdown_table(["set", "rows", "relevant rows", "scorer pooled", "scorer mean per theme", "alpha",
                        "VADER pooled", "VADER mean per theme", "majority pooled", "majority mean per theme"], table),
        "",
        "## Leave one source out",
        "",
        "Thresholds and global polarity weight chosen on the other sets (best mean of their mean per-theme "
        "macro-F1); lexicons and rules untouched.",
        "",
        markdown_table(["held out", "tuned on", "thresholds", "polarity weight", "tuning mean per theme",
                        "held-out mean per theme", "held-out pooled", "held-out alpha", "configured mean per theme",
                        "VADER mean per theme", "majority mean per theme"], loso_table),
        *([""] + [f"- {n}" for n in notes] if notes else []),
        "",
    ])
    print(md)
    write_text(args.out.with_suffix(".md"), md)
    write_json(args.out.with_suffix(".json"), {
        "benchmark": "stance_sources", "commit": commit, "seconds": seconds, "params": str(args.params),
        "bootstrap": {"resamples": args.resamples, "seed": args.seed, "confidence": 0.95},
        "configured": {"threshold": default_t, "polarity_weight": default_w},
        "grid": {"thresholds": list(THRESHOLDS), "polarity_weights": list(weights)},
        "sets": by_set, "grid_scores": {f"{n}|{t}|{w}": v for (t, w, n), v in score.items()},
        "leave_one_out": loso, "notes": notes,
    })


if __name__ == "__main__":
    main()
