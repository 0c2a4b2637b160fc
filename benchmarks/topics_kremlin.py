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

Usage::

    python benchmarks/topics_kremlin.py [--work /tmp/bench_kremlin] [--k 20]
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


def lda_cfg(k: int, backend: str = "gensim") -> dict:
    from pipeline.core.config import compose, group
    from pipeline.topics import SCHEMA

    params = compose([f"lda.num_topics={k}", f"lda.backend={backend}"], conf_dir=ROOT / "conf")
    return group(params, "lda", SCHEMA)


def score(topic_word, dictionary, segments: Path) -> dict:
    from pipeline.topics import scores
    from pipeline.segments import UnitTokens

    top10 = [[dictionary[i] for i in ids] for ids in scores.top_word_ids(topic_word, 10)]
    npmi = scores.coherence(top10, "c_npmi", dictionary, texts=UnitTokens(segments), topn=10)
    return {"c_npmi": sum(npmi) / len(npmi), "diversity": scores.diversity(scores.top_word_ids(topic_word, 25))}


def engine(name: str, work: Path, k: int) -> dict:
    """Run one engine in this process and return its numbers."""
    import numpy as np

    from pipeline.core.paths import Paths

    segments = Paths(work).segments
    if name.startswith("stage"):
        from pipeline.topics import run

        from pipeline import executor
        from pipeline.core.config import compose

        cfg = lda_cfg(k, "tomotopy" if name == "stage-tomotopy" else "gensim")
        exe = executor.from_params(compose([], conf_dir=ROOT / "conf"))  # as dvc repro runs it
        out = Paths(work / name)
        for name_ in ("segments", "corpus"):  # the stage reads its inputs from its own workspace
            getattr(out, name_).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(getattr(Paths(work), name_), getattr(out, name_))
        t = time.perf_counter()
        m = run({"lda": cfg, "executor": exe}, out)
        return {"seconds": time.perf_counter() - t, "c_npmi": m["c_npmi"], "diversity": m["diversity"],
                "stability": m["stability"]}

    from pipeline.segments import UnitTokens
    from pipeline.topics import corpus as B

    cfg = lda_cfg(k)
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
    ap.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one engine and print JSON
    args = ap.parse_args()
    work = Path(args.work)
    if args.one:
        from pipeline.core.errors import setup_logging

        setup_logging("bench")
        result = engine(args.one, work, args.k)
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
    for name in args.engines.split(","):
        wall = time.perf_counter()
        out = subprocess.run([sys.executable, __file__, "--work", str(work), "--k", str(args.k), "--one", name],
                             capture_output=True, text=True, cwd=ROOT)
        if out.returncode != 0:
            print(out.stderr, file=sys.stderr)
            continue
        results[name] = json.loads(out.stdout.strip().splitlines()[-1])
        results[name]["process_seconds"] = time.perf_counter() - wall
        print(name, results[name], file=sys.stderr)
    import gensim
    import sklearn

    versions = f"gensim {gensim.__version__}, scikit-learn {sklearn.__version__}"
    try:
        import tomotopy

        versions += f", tomotopy {tomotopy.__version__}"
    except ImportError:
        pass
    print(f"\nMachine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}, "
          f"{versions}; k = {args.k}\n")
    print("| engine | train / run time (s) | peak memory (MB) | NPMI | diversity | stability |")
    print("|---|---|---|---|---|---|")
    for name, r in results.items():
        stab = f"{r['stability']:.3f}" if r.get("stability") is not None else ""
        print(f"| {name} | {r['seconds']:.1f} | {r['peak_mb']:.0f} | {r['c_npmi']:.3f} | {r['diversity']:.3f} | {stab} |")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
