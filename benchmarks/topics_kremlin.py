"""Benchmark: topic quality and cost on the Kremlin corpus at k = 20.

Runs ingest + preprocess on ``../shared/corpora/kremlin_en_2021_2022.csv`` into
a scratch folder (the workspace's ``params.yaml`` is not touched), then, each
in its own process so peak memory is its own:

- ``stage``: the project's topics stage with its defaults at k = 20 (gensim,
  including coherence, three stability seeds and all reports);
- ``stage-tomotopy``: the same stage with ``lda.backend=tomotopy``;
- ``gensim``, ``gensim-plain``, ``tomotopy``, ``sklearn``: one bare model each
  on the same tokens (the stage's filtered dictionary) and k: gensim
  ``LdaModel`` trained as the stage trains it (NMF start, batch updates),
  gensim ``LdaModel`` as run by hand (random start, online updates, the same
  passes and priors), tomotopy ``LDAModel`` (1,000 Gibbs iterations) and
  scikit-learn ``LatentDirichletAllocation``.

Every model is scored by the same functions the stage uses: NPMI (top 10
words, sliding window 10 over all segments) and diversity (unique share of
the top 25 words). Prints a Markdown table for ``benchmarks/README.md``.

With ``--seeds N`` every engine runs N times, with ``lda.random_state`` the
configured seed and 1 .. N-1, and the table gives the mean with the range
[min, max]: one seed's NPMI at k = 20 moves by about 0.01 when the tokens
change slightly, so a change of preprocessing is judged on several.

Usage::

    python benchmarks/topics_kremlin.py [--work /tmp/bench_kremlin] [--k 20] [--seeds 1]
"""
from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSV = ROOT.parent / "shared" / "corpora" / "kremlin_en_2021_2022.csv"


def prepare(work: Path) -> Path:
    from pipeline import ingest, preprocess
    from pipeline.core.config import compose
    from pipeline.core.paths import Paths
    from pipeline.core.stages import validate_params

    params = compose(["corpus=kremlin"], conf_dir=ROOT / "conf")
    params["corpus"]["path"] = str(CSV)
    groups, paths = validate_params(params, root=ROOT), Paths(work)
    ingest.run(groups, paths)
    preprocess.run(groups, paths)
    return paths.segments


def lda_cfg(k: int, backend: str = "gensim", seed: int | None = None) -> dict:
    """The ``lda`` group at ``k`` topics; ``seed`` replaces ``lda.random_state`` (None: the configured one)."""
    from pipeline.core.config import compose, group
    from pipeline.topics import SCHEMA

    params = compose([f"lda.num_topics={k}", f"lda.backend={backend}"], conf_dir=ROOT / "conf")
    cfg = group(params, "lda", SCHEMA)
    if seed is not None:
        cfg["random_state"] = seed
    return cfg


def seeds_of(n: int, configured: int) -> list[int]:
    """The configured seed, then 1 .. n-1 (skipping the configured one)."""
    out = [configured]
    extra = 1
    while len(out) < n:
        if extra != configured:
            out.append(extra)
        extra += 1
    return out


def summarise(runs: list[dict]) -> dict:
    """One engine's runs: mean of every number, and the range of NPMI and diversity when there are several."""
    import numpy as np

    keys = [k for k in runs[0] if isinstance(runs[0][k], (int, float)) and all(r.get(k) is not None for r in runs)]
    out: dict = {k: float(np.mean([r[k] for r in runs])) for k in keys}
    out["peak_mb"] = max(r["peak_mb"] for r in runs)
    out["runs"] = len(runs)
    for k in ("c_npmi", "diversity", "stability"):
        if k in keys:
            out[f"{k}_range"] = [min(r[k] for r in runs), max(r[k] for r in runs)]
    return out


def cell(r: dict, key: str) -> str:
    """``0.108`` for one run, ``0.108 [0.100, 0.115]`` for several."""
    if r.get(key) is None:
        return ""
    if r["runs"] > 1 and f"{key}_range" in r:
        lo, hi = r[f"{key}_range"]
        return f"{r[key]:.3f} [{lo:.3f}, {hi:.3f}]"
    return f"{r[key]:.3f}"


def score(topic_word, dictionary, segments: Path) -> dict:
    from pipeline.topics import scores
    from pipeline.segments import UnitTokens

    top10 = [[dictionary[i] for i in ids] for ids in scores.top_word_ids(topic_word, 10)]
    npmi = scores.coherence(top10, "c_npmi", dictionary, texts=UnitTokens(segments), topn=10)
    return {"c_npmi": sum(npmi) / len(npmi), "diversity": scores.diversity(scores.top_word_ids(topic_word, 25))}


def engine(name: str, work: Path, k: int, seed: int | None = None) -> dict:
    """Run one engine in this process and return its numbers."""
    import numpy as np

    from pipeline.core.paths import Paths

    segments = Paths(work).segments
    if name.startswith("stage"):
        from pipeline.topics import run

        from pipeline import executor
        from pipeline.core.config import compose

        cfg = lda_cfg(k, "tomotopy" if name == "stage-tomotopy" else "gensim", seed)
        exe = executor.from_params(compose([], conf_dir=ROOT / "conf"))  # as dvc repro runs it
        out = Paths(work / (name if seed is None else f"{name}-seed{seed}"))
        for name_ in ("segments", "corpus"):  # the stage reads its inputs from its own workspace
            getattr(out, name_).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(getattr(Paths(work), name_), getattr(out, name_))
        t = time.perf_counter()
        m = run({"lda": cfg, "executor": exe}, out)
        return {"seconds": time.perf_counter() - t, "c_npmi": m["c_npmi"], "diversity": m["diversity"],
                "stability": m["stability"]}

    from pipeline.segments import UnitTokens
    from pipeline.topics import corpus as B

    cfg = lda_cfg(k, seed=seed)
    tokens = UnitTokens(segments)
    dictionary, _ = B.build_dictionary(tokens, cfg)
    bows = list(B.all_bows(tokens, dictionary))
    t = time.perf_counter()
    if name == "gensim":
        from pipeline.topics.train import train

        tw = train(bows, dictionary, cfg, k, cfg["random_state"]).topic_word
    elif name == "gensim-plain":
        from gensim.models import LdaModel

        # gensim as run by hand: random start, online updates, the stage's other parameters.
        model = LdaModel(bows, id2word=dictionary, num_topics=k, passes=cfg["passes"], iterations=cfg["iterations"],
                         alpha=cfg["alpha"], eta=cfg["eta"], chunksize=cfg["chunksize"],
                         random_state=cfg["random_state"], eval_every=None)
        tw = model.get_topics()
    elif name == "tomotopy":
        import tomotopy as tp

        model = tp.LDAModel(k=k, seed=cfg["random_state"])  # tomotopy's defaults: alpha 0.1, eta 0.01
        for bow in bows:
            words = [dictionary[i] for i, c in bow for _ in range(c)]
            if words:
                model.add_doc(words)
        model.train(1000, workers=1)
        tw = np.zeros((k, len(dictionary)))
        cols = [dictionary.token2id[w] for w in model.used_vocabs]
        for j in range(k):
            tw[j, cols] = model.get_topic_word_dist(j)
    else:
        from gensim.matutils import corpus2csc
        from sklearn.decomposition import LatentDirichletAllocation

        X = corpus2csc(bows, num_terms=len(dictionary)).T.tocsr()
        model = LatentDirichletAllocation(n_components=k, learning_method="batch", max_iter=cfg["passes"],
                                          random_state=cfg["random_state"])
        model.fit(X)
        tw = model.components_ / model.components_.sum(axis=1, keepdims=True)
    seconds = time.perf_counter() - t
    return {"seconds": seconds, **score(tw, dictionary, segments)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", default="/tmp/bench_kremlin")
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--engines", default="stage,gensim,gensim-plain,tomotopy,sklearn,stage-tomotopy")
    ap.add_argument("--seeds", type=int, default=1, help="runs per engine (seeds: the configured one, 1, 2, ...)")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one engine and print JSON
    ap.add_argument("--seed", type=int, help=argparse.SUPPRESS)  # internal: that engine's seed
    args = ap.parse_args()
    if args.seeds < 1:
        sys.exit(f"--seeds {args.seeds}: must be at least 1")
    work = Path(args.work)
    if args.one:
        from pipeline.core.errors import setup_logging

        setup_logging("bench")
        result = engine(args.one, work, args.k, args.seed)
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    if not CSV.is_file():
        sys.exit(f"{CSV} is absent: this benchmark needs ../shared/corpora/")
    work.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    prepare(work)
    print(f"ingest + preprocess: {time.perf_counter() - t:.1f} s", file=sys.stderr)
    results = {}
    seeds = seeds_of(args.seeds, lda_cfg(args.k)["random_state"]) if args.seeds > 1 else [None]
    for name in args.engines.split(","):
        runs = []
        for seed in seeds:
            wall = time.perf_counter()
            argv = [sys.executable, __file__, "--work", str(work), "--k", str(args.k), "--one", name]
            out = subprocess.run(argv + ([] if seed is None else ["--seed", str(seed)]), capture_output=True,
                                 text=True, cwd=ROOT)
            if out.returncode != 0:
                print(out.stderr, file=sys.stderr)
                continue
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            runs[-1]["process_seconds"] = time.perf_counter() - wall
            print(name, seed, runs[-1], file=sys.stderr)
        if runs:
            results[name] = summarise(runs)
    import gensim
    import sklearn

    versions = f"gensim {gensim.__version__}, scikit-learn {sklearn.__version__}"
    try:
        import tomotopy

        versions += f", tomotopy {tomotopy.__version__}"
    except ImportError:
        pass
    runs = f"; {args.seeds} seeds per engine ({', '.join(map(str, seeds))}): mean [min, max]" if args.seeds > 1 else ""
    print(f"\nMachine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}, "
          f"{versions}; k = {args.k}{runs}\n")
    print("| engine | train / run time (s) | peak memory (MB) | NPMI | diversity | stability |")
    print("|---|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['seconds']:.1f} | {r['peak_mb']:.0f} | {cell(r, 'c_npmi')} | {cell(r, 'diversity')} | "
              f"{cell(r, 'stability')} |")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
