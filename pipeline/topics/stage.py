"""Stage ``topics``: LDA topic models, the choice of k, stability and their reports.

Steps: dictionary and streamed bags of words (:mod:`.corpus`); one model per
candidate k trained on 90% of segments (:mod:`.train`); every candidate scored
(:mod:`.scores`) and the best kept by ``lda.select_by``; further seeds at that
k to measure stability (:mod:`.stability`); tables and figures (:mod:`.outputs`).

Outputs
-------
``models/lda/``
    ``lda.model`` (``gensim.models.LdaModel.load``) and ``dictionary.dict``.
``data/topics/segment_topics.csv``, ``data/topics/document_topics.csv``
    Topic shares per segment and per document.
``reports/tables/topics.{csv,md}``, ``topic_segments.{csv,md}``, ``topic_selection.csv``
``reports/figures/topic_*.png``
``reports/metrics/topics.json``
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Mapping

import numpy as np

from .. import executor as X
from ..core.errors import UserError, progress_enabled
from ..core.paths import Paths
from ..segments import UnitTokens
from . import corpus as B
from . import infer, outputs, scores
from .stability import stability
from .train import train_many, without_lifecycle

log = logging.getLogger("topics")


from ..core.schema.lda import SCHEMA  # noqa: F401  (re-exported)


def _words(dictionary, ids_per_topic: list[list[int]]) -> list[list[str]]:
    return [[dictionary[i] for i in ids] for ids in ids_per_topic]


def score_candidates(models: list, dictionary, tokens, train_corpus, heldout: list, cfg: dict) -> list[dict]:
    """One row of scores per candidate model (coherence computed for all of them in one pass)."""
    n10 = [scores.top_word_ids(m.topic_word, cfg["coherence_topn"]) for m in models]
    flat = [t for ids in n10 for t in _words(dictionary, ids)]
    measures = ["c_npmi", "u_mass"] + (["c_v"] if cfg["c_v"] else [])
    per: dict[str, list[float]] = {}
    for measure in measures:
        log.info("coherence %s of %d topics from %d candidate(s)", measure, len(flat), len(models))
        per[measure] = scores.coherence(flat, measure, dictionary, texts=tokens, corpus=train_corpus,
                                        topn=cfg["coherence_topn"])
    rows, start = [], 0
    for m in models:
        end = start + m.k
        row = {"k": m.k}
        for measure in measures:
            row[measure] = float(np.nanmean(per[measure][start:end]))
            row[f"{measure}_per_topic"] = per[measure][start:end]
        row["diversity"] = scores.diversity(scores.top_word_ids(m.topic_word, cfg["diversity_topn"]))
        row["perplexity"] = scores.perplexity(m.log_perplexity(heldout)) if heldout else float("nan")
        rows.append(row)
        start = end
    return rows


def run(groups: Mapping[str, dict], paths: Paths) -> dict:
    """Run the stage: ``paths.segments`` (and ``corpus`` for titles) in, model, topic shares, tables, figures out.

    Parameters
    ----------
    groups : Mapping
        Validated config groups by name (:func:`pipeline.core.stages.load_checked`); reads ``lda``
        (``num_topics`` already a sorted list), and ``executor`` for inferring every segment's
        topic shares (:mod:`.infer`) when present (absent: this process, with the same result).
    paths : Paths
        The file contract under the workspace root; ``paths.lda_dir`` is replaced as a whole.

    Returns
    -------
    dict
        The metrics written to ``paths.topics_metrics``.
    """
    cfg, executor = groups["lda"], groups.get("executor")
    in_segments, model_dir = paths.segments, paths.lda_dir
    paths.require("segments")
    ks = list(cfg["num_topics"])
    index = B.read_index(in_segments)
    B.check_segments(len(index.ids), ks, str(in_segments))
    tokens = UnitTokens(in_segments)
    dictionary, vocab_before = B.build_dictionary(tokens, cfg)
    log.info("dictionary: %d of %d words kept over %d segments", len(dictionary), vocab_before, len(index.ids))
    mask = B.heldout_mask(index.ids, cfg["heldout"])
    train_mask = B.train_sample_mask(index.ids, mask, cfg["train_sample"])
    if cfg["train_sample"] is not None and sum(train_mask) < max(ks):
        raise UserError(f"lda.train_sample = {cfg['train_sample']} gives {sum(train_mask)} training segments, "
                        f"fewer than lda.num_topics = {max(ks)}: sample more or use fewer topics")

    show = progress_enabled()
    scratch_root = Path(model_dir).parent if Path(model_dir).parent.exists() else Path(tempfile.gettempdir())
    remove_stale_scratch(scratch_root)
    scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}.", dir=scratch_root))
    try:
        train_corpus = B.serialize(scratch / "train.mm", tokens, dictionary, train_mask, True)
        heldout = list(B.serialize(scratch / "heldout.mm", tokens, dictionary, mask, True))
        if sum(c for bow in train_corpus for _, c in bow) == 0:
            raise UserError(f"lda.dictionary leaves no word in the {len(train_corpus)} training segments")
        log.info("bags of words: %d training, %d held-out segments%s", len(train_corpus), len(heldout),
                 "" if cfg["train_sample"] is None else f" (lda.train_sample = {cfg['train_sample']}; "
                 f"topics are inferred for all {len(index.ids)})")
        check = B.check_data(len(dictionary), sum(1 for bow in train_corpus if bow), len(heldout),
                             sum(c for bow in heldout for _, c in bow), ks, cfg["coherence_topn"])
        for caveat in check.caveats:
            log.warning("topics: %s", caveat)
        if check.perplexity_note:
            if cfg["select_by"] == "perplexity":
                raise UserError(f"lda.select_by = perplexity, but perplexity is {check.perplexity_note}; "
                                "select by c_npmi, u_mass or diversity")
            log.warning("topics: perplexity %s", check.perplexity_note)
            heldout = []  # scored as "not reported", never from a handful of segments

        seeds = [cfg["random_state"] + i for i in range(1, cfg["stability_seeds"] + 1)]
        # One k: its stability runs train beside it; several: the candidates first, then the chosen k's runs.
        jobs = [(k, cfg["random_state"], True) for k in ks]
        if len(ks) == 1:
            jobs += [(ks[0], seed, False) for seed in seeds]
        log.info("training %d model(s) on %s", len(jobs), X.describe(executor))
        trained = train_many(jobs, train_corpus, dictionary, cfg, executor, progress=show)
        models, others = trained[:len(ks)], trained[len(ks):]
        for k in ks:
            log.info("trained k=%d (%s, seed %d)", k, cfg["backend"], cfg["random_state"])
        rows = score_candidates(models, dictionary, tokens, train_corpus, heldout, cfg)
        for r in rows:
            log.info("k=%d: c_npmi %.4f, u_mass %.3f, diversity %.3f, perplexity %.1f",
                     r["k"], r["c_npmi"], r["u_mass"], r["diversity"], r["perplexity"])
        best = scores.select(rows, cfg["select_by"])
        model = models[[r["k"] for r in rows].index(best["k"])]
        log.info("chose k=%d by %s", best["k"], cfg["select_by"])
        del models

        ref_top = scores.top_word_ids(model.topic_word, cfg["coherence_topn"])
        if len(ks) > 1 and seeds:
            others = train_many([(best["k"], s, False) for s in seeds], train_corpus, dictionary, cfg, executor,
                                progress=show)
        for seed in seeds:
            log.info("stability run: k=%d, seed %d", best["k"], seed)
        per_topic_stab, overall_stab = stability(ref_top, others)

        theta = infer.doc_topics(model, dictionary, in_segments, executor)

        tmp_models = scratch / "model"
        tmp_models.mkdir()
        model.save(tmp_models)
        without_lifecycle(dictionary)
        dictionary.save(str(tmp_models / "dictionary.dict"))
        if model_dir.exists():
            shutil.rmtree(model_dir)
        model_dir.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(tmp_models), str(model_dir))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    notes = {"perplexity": check.perplexity_note,
             "stability": None if seeds else "not measured (lda.stability_seeds = 0)"}
    metrics = outputs.write_all(
        cfg=cfg, model=model, dictionary=dictionary, index=index, theta=theta, rows=rows, best=best,
        stab=(per_topic_stab, overall_stab), paths=paths, caveats=list(check.caveats), notes=notes,
    )
    stab_text = notes["stability"] or f"{metrics['stability']:.3f}"
    log.info("k=%d: c_npmi %.4f, diversity %.3f, stability %s", metrics["k"], metrics["c_npmi"],
             metrics["diversity"], stab_text)
    return metrics


SCRATCH_PREFIX = ".topics."


def remove_stale_scratch(root: Path) -> list[Path]:
    """Remove scratch folders under ``root`` left by runs of this stage that no longer exist.

    A run's scratch folder is ``.topics.<pid>.<random>``; a run killed before
    its ``finally`` leaves it behind, and the next run removes every one whose
    process is gone (a live one belongs to a concurrent run and is kept).

    Returns
    -------
    list of Path
        The folders removed.
    """
    removed = []
    for path in sorted(root.glob(f"{SCRATCH_PREFIX}*")):
        pid = path.name[len(SCRATCH_PREFIX):].split(".", 1)[0]
        if not path.is_dir() or (pid.isdigit() and _alive(int(pid))):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
        log.info("removed %s, left by an interrupted run", path)
    return removed


def _alive(pid: int) -> bool:
    """Whether a process with this id exists (ours counts as alive)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
