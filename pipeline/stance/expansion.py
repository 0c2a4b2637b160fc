"""Corpus-adapted lexicon expansion: Latent Semantic Scaling for theme cues.

Watanabe (2021), "Latent Semantic Scaling: A Semisupervised Text Analysis
Technique for New Domains and Languages", *Communication Methods and Measures*
15(2); the LSX R package is the reference implementation. As there:

* word vectors are trained on the corpus itself (here gensim ``Word2Vec``,
  skip-gram, seeded, one worker, so the same corpus gives the same vectors);
* only *context words* are scored (LSX's ``terms`` chosen with
  ``char_context``): words that occur ``min_count`` times or more within
  ``candidates_window`` words of a mention of the theme's targets, and more
  often there than elsewhere (chi-square, p < ``keyness_p``), so the new cues
  are what is said around the target rather than anything; stop words, rule
  words and the theme's own terms are never candidates;
* a word's polarity is its mean cosine similarity to the seed words of one
  pole minus its mean similarity to those of the other (LSX's ``beta`` with
  seed weights ``±1 / n`` per pole); the seeds are the theme's hand-written
  cues;
* names are left out: LSX's documented failure mode is that country and
  person names that co-occur with one side's vocabulary become strong polarity
  words ("sweden" and "finland" around "nato"). A word written capitalised in
  most of its occurrences that do not open a sentence is taken for a name.

The top ``top`` words of each pole whose score is at least ``min_similarity``
(a difference of mean cosines: in a corpus too small for word vectors every
word is about as similar to every cue, and nothing passes) are added to the
theme's cues with weight
``weight * score / best score of the theme``, below the hand cues. Every added
word is listed in ``reports/tables/stance_expansion.csv`` (:data:`HEADER`) with
its pole, score, nearest seed cues and frequency; a reviewer strikes one with
``stance.expansion.exclude``. Scored cues keep ``source: "expansion"``, so the
evidence shows which judgements rest on them.

The same corpus and configuration give the same added words, in the stage and
in ``python -m pipeline.stance evaluate`` alike; the result is cached under
``data/interim/stance_expansion/`` by a hash of both (:func:`expansion_key`).
"""
from __future__ import annotations

import csv
import dataclasses
import gzip
import hashlib
import json
import logging
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from ..core.errors import UserError
from ..core.io import atomic_open, file_sha256, read_jsonl, write_csv
from ..core.paths import FILES
from ..core.text import MweMatcher, sentences_with_text
from .rules import EXPANSION_DEFAULTS as DEFAULTS, Rules  # noqa: F401 (re-exported)
from .scoring import Sentence, mentions, prepare, units_of
from .themes import Theme

log = logging.getLogger("stance")

#: Bumped when the algorithm changes, so no cached result of an older one is reused.
VERSION = 2

#: The analysed corpus's sentences, read when ``stance.expansion.corpus`` is null.
DEFAULT_CORPUS = Path(FILES["segments"])

#: Where results are cached, relative to the working directory (the project root).
CACHE_DIR = Path(FILES["stance_expansion_cache"])

#: Columns of ``reports/tables/stance_expansion.csv``.
HEADER = ["theme", "pole", "term", "weight", "score", "similarity", "nearest_seeds", "frequency", "near_target"]

#: CSV columns a corpus file's text is read from, the first present wins.
TEXT_COLUMNS = ("text", "body", "content")

_NEAREST = 3  # seed cues listed per added word


@dataclass(frozen=True)
class Added:
    """One word added to a theme's cues."""

    theme: str
    pole: str
    term: str  # the lemma key the scorer matches
    weight: float  # unsigned; the pole's sign is applied in the theme
    score: float  # polarity: mean similarity to this pole's seeds minus the other's
    similarity: float  # cosine with the nearest seed cue of this pole
    nearest: tuple[tuple[str, float], ...]  # (seed cue, cosine), best first
    frequency: int  # occurrences in the corpus
    near_target: int  # occurrences within candidates_window of a mention

    def row(self) -> list:
        return [self.theme, self.pole, self.term.replace("_", " "), self.weight, self.score, self.similarity,
                "; ".join(f"{s.replace('_', ' ')} {c:.3f}" for s, c in self.nearest), self.frequency,
                self.near_target]


# ------------------------------------------------------------------ corpus
def corpus_sentences(path: str | Path) -> Iterator[Sentence]:
    """The sentences of a corpus file, in file order, tokenised as the scorer tokenises them.

    ``.jsonl``: rows with ``sentences`` (``data/processed/segments.jsonl``) or
    with ``text`` (``data/interim/corpus.jsonl``, gold files), which is split
    into sentences. ``.csv`` / ``.csv.gz``: the first of the columns
    :data:`TEXT_COLUMNS`, split into sentences.
    """
    p = Path(path)
    if not p.is_file():
        raise UserError(f"stance.expansion.corpus: {p} not found")
    name = p.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz")):
        for row in read_jsonl(p) if not name.endswith(".gz") else _gz_jsonl(p):
            if isinstance(row.get("sentences"), list):
                yield from (prepare(str(s)) for s in row["sentences"])
            elif isinstance(row.get("text"), str):
                yield from _split(row["text"])
        return
    if name.endswith((".csv", ".csv.gz")):
        csv.field_size_limit(sys.maxsize)
        opener = gzip.open if name.endswith(".gz") else open
        with opener(p, "rt", encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            column = next((c for c in TEXT_COLUMNS if c in (reader.fieldnames or [])), None)
            if column is None:
                raise UserError(f"stance.expansion.corpus: {p} has none of the text columns "
                                f"{', '.join(TEXT_COLUMNS)} (columns: {', '.join(reader.fieldnames or [])})")
            for row in reader:
                yield from _split(row[column] or "")
        return
    raise UserError(f"stance.expansion.corpus: {p} is neither .jsonl nor .csv (optionally .gz)")


def _gz_jsonl(p: Path) -> Iterator[dict]:
    with gzip.open(p, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _split(text: str) -> Iterator[Sentence]:
    for raw, tokens in sentences_with_text(text):
        yield Sentence(raw, tuple(tokens))


# ------------------------------------------------------------------- words
def _blocked(themes: Mapping[str, Theme], rules: Rules) -> dict[str, frozenset[str]]:
    """Per theme, the words that are never candidates: its own vocabulary, rule words, stop words."""
    from gensim.parsing.preprocessing import STOPWORDS

    common = (frozenset(STOPWORDS) | rules.negators | rules.transparent | rules.distancers
              | frozenset(rules.scalers) | rules.contrast | rules.topic | rules.breakers | rules.advocacy
              | rules.opposition | rules.speakers | rules.pronouns | rules.prepositions | rules.comparison)
    out = {}
    for name, t in themes.items():
        own = (frozenset(t.targets) | frozenset(t.cues) | frozenset(t.calls) | t.exclude | t.off_topic
               | t.counter_targets | t.victims | t.wrongdoers | t.harm | t.success | t.failure | t.effects
               | frozenset(t.polarity_overrides))
        parts = frozenset(p for k in own for p in k.split("_"))  # "peace_talk" blocks "peace" and "talk"
        out[name] = common | own | parts
    return out


@dataclass
class _Counts:
    sentences: list[list[str]]  # training sentences: word keys, stop words dropped
    frequency: Counter
    capitalised: Counter  # occurrences written capitalised, not opening a sentence
    inner: Counter  # occurrences not opening a sentence
    near: dict[str, Counter]  # theme -> word -> occurrences near a mention
    inside: Counter  # theme -> words near a mention (all of them, the mention excluded)


def _read(path: Path, themes: Mapping[str, Theme], rules: Rules, window: int, stop: frozenset[str],
          seeds: frozenset[str]) -> _Counts:
    expressions = sorted({e for t in themes.values() for e in t.expressions} | set(rules.expressions))
    matcher = MweMatcher(expressions)
    c = _Counts([], Counter(), Counter(), Counter(), {name: Counter() for name in themes}, Counter())
    for sentence in corpus_sentences(path):
        units = units_of(sentence, matcher)
        if not units:
            continue
        words = []
        for k, u in enumerate(units):
            c.frequency[u.key] += 1
            if k > 0:
                c.inner[u.key] += 1
                if u.surface[:1].isupper():
                    c.capitalised[u.key] += 1
            if u.key in seeds or (u.key not in stop and any(ch.isalpha() for ch in u.key)):
                words.append(u.key)
        if words:
            c.sentences.append(words)
        for name, theme in themes.items():
            hits = mentions(units, theme)
            if not hits:
                continue
            near = set()
            for h in hits:
                near.update(range(max(0, h - window), min(len(units), h + window + 1)))
            near -= set(hits)
            c.inside[name] += len(near)
            for j in near:
                c.near[name][units[j].key] += 1
    return c


def keyness(inside: int, frequency: int, n_inside: int, n_total: int) -> tuple[float, float]:
    """Chi-square (Yates) of a word's share near mentions against elsewhere, and its p-value.

    LSX's ``textstat_context`` / ``char_context`` keep the words whose share in
    the windows around the target is significantly higher than outside them.
    The statistic is signed: negative when the word is rarer near mentions.
    """
    from scipy.stats import chi2

    outside, n_outside = frequency - inside, n_total - n_inside
    if n_inside == 0 or n_outside == 0:
        return 0.0, 1.0
    col1, col2 = frequency, n_total - frequency
    den = n_inside * n_outside * col1 * col2
    if den == 0:
        return 0.0, 1.0
    stat = max(0.0, abs(inside * (n_outside - outside) - (n_inside - inside) * outside) - n_total / 2) ** 2 \
        * n_total / den
    sign = 1.0 if inside * n_outside > outside * n_inside else -1.0
    return sign * stat, float(chi2.sf(stat, 1))


def is_name(word: str, counts: _Counts) -> bool:
    """Written capitalised in at least half of its occurrences inside a sentence (or never seen there)."""
    inner = counts.inner[word]
    return inner == 0 or 2 * counts.capitalised[word] >= inner


# ----------------------------------------------------------------- scoring
def _train(sentences: list[list[str]], cfg: dict):
    from gensim.models import Word2Vec

    # Skip-gram as LSX's word2vec engine. Stop words are already gone, so there is
    # no frequent-word downsampling (sample=0): in a small corpus it would drop most
    # occurrences of the content words at random and make the scores noise.
    return Word2Vec(sentences=sentences, vector_size=cfg["dim"], window=cfg["window"], min_count=cfg["min_count"],
                    epochs=cfg["epochs"], seed=cfg["seed"], workers=1, sg=1, sample=0)


def _index(model) -> dict[str, int]:
    return {w: i for i, w in enumerate(model.wv.index_to_key)}


def score_theme(name: str, theme: Theme, vectors, index: dict[str, int], counts: _Counts,
                blocked: frozenset[str], cfg: dict) -> list[Added]:
    """The words added to one theme (both poles), best first within each pole."""
    import numpy as np

    by_pole: dict[str, list[str]] = {p: [] for p in theme.poles}
    for key, (pole, _) in sorted(theme.cues.items()):
        if key in index:
            by_pole[pole].append(key)
    signs = {p: s for p, s in theme.poles.items()}
    pos = next(p for p, s in signs.items() if s > 0)
    neg = next(p for p, s in signs.items() if s < 0)
    if not by_pole[pos] or not by_pole[neg]:
        log.info("expansion: %s: no seed cues of %s in the corpus vocabulary; nothing added", name,
                 pos if not by_pole[pos] else neg)
        return []
    struck = set(cfg["exclude_keys"])
    n_total = sum(counts.frequency.values())

    def context_word(w: str, n: int) -> bool:
        if n < cfg["min_count"] or w not in index or "_" in w or not w.isalpha() or len(w) < 3 or w in blocked:
            return False
        if is_name(w, counts):
            return False
        stat, p = keyness(n, counts.frequency[w], counts.inside[name], n_total)
        return stat > 0 and p < cfg["keyness_p"]

    candidates = sorted(w for w, n in counts.near[name].items() if context_word(w, n))
    log.info("expansion: %s: %d context words (near its targets %d times or more, keyness p < %g)", name,
             len(candidates), cfg["min_count"], cfg["keyness_p"])
    if not candidates:
        log.info("expansion: %s: no candidate words near its targets", name)
        return []
    cand = vectors[[index[w] for w in candidates]]
    sims = {p: cand @ vectors[[index[s] for s in by_pole[p]]].T for p in (pos, neg)}
    polarity = sims[pos].mean(axis=1) - sims[neg].mean(axis=1)
    picked: list[tuple[str, str, float, float, tuple]] = []
    for pole, sign in ((pos, 1), (neg, -1)):
        rows = []
        for i, w in enumerate(candidates):
            score = float(sign * polarity[i])
            if score <= 0 or score < cfg["min_similarity"]:
                continue
            order = np.argsort(-sims[pole][i], kind="stable")[:_NEAREST]
            nearest = tuple((by_pole[pole][j], round(float(sims[pole][i][j]), 3)) for j in order)
            rows.append((round(score, 4), w, nearest))
        rows.sort(key=lambda r: (-r[0], r[1]))
        # A struck word leaves its place empty: striking never brings in an unreviewed word.
        picked += [(pole, w, s, nearest[0][1], nearest) for s, w, nearest in rows[:cfg["top"]] if w not in struck]
    if not picked:
        return []
    best = max(p[2] for p in picked)
    return [Added(name, pole, w, round(cfg["weight"] * s / best, 3), s, sim, nearest, counts.frequency[w],
                  counts.near[name][w])
            for pole, w, s, sim, nearest in picked]


# ------------------------------------------------------------------ entry
def expansion_key(cfg: dict, themes_raw: Mapping[str, dict], stance_cfg: dict, corpus: Path) -> str:
    """Hash of what decides the added words: corpus bytes, settings, themes, rule words, code version."""
    import gensim

    payload = {"version": VERSION, "gensim": gensim.__version__, "corpus": file_sha256(corpus),
               "expansion": {k: v for k, v in cfg.items() if k not in ("enabled", "corpus")},
               "themes": themes_raw, "rules": stance_cfg["rules"]}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:20]


_MEMO: dict[str, list[Added]] = {}


def expand(themes: Mapping[str, Theme], themes_raw: Mapping[str, dict], rules: Rules, stance_cfg: dict,
           corpus: str | Path, cache_dir: str | Path | None = CACHE_DIR) -> list[Added]:
    """The words added to every theme from ``corpus``; cached by :func:`expansion_key`.

    Parameters
    ----------
    themes
        Compiled themes (their hand cues are the seeds).
    themes_raw
        The validated ``themes`` group, for the cache key.
    stance_cfg
        The validated ``stance`` group; ``stance_cfg["expansion"]`` is used.
    corpus
        A corpus file (:func:`corpus_sentences`).
    cache_dir
        Folder of cached results; None computes afresh and caches nothing.
    """
    from .themes import term_key

    cfg = dict(stance_cfg["expansion"])
    cfg["exclude_keys"] = sorted({term_key(w) for w in cfg.get("exclude") or []})
    corpus = Path(corpus)
    if not corpus.is_file():
        raise UserError(f"stance.expansion: the corpus {corpus} is not found; "
                        + ("run the preprocess stage first (dvc repro preprocess) or set stance.expansion.corpus"
                           if stance_cfg["expansion"]["corpus"] is None else "set stance.expansion.corpus to a file"))
    key = expansion_key(cfg, themes_raw, stance_cfg, corpus)
    if key in _MEMO:
        return _MEMO[key]
    cached = Path(cache_dir) / f"{key}.json" if cache_dir is not None else None
    if cached is not None and cached.is_file():
        added = [_from_json(r) for r in json.loads(cached.read_text(encoding="utf-8"))]
        log.info("expansion: %d words from the cache %s", len(added), cached)
        _MEMO[key] = added
        return added
    added = compute(themes, rules, cfg, corpus)
    if cached is not None:
        with atomic_open(cached) as fh:
            fh.write(json.dumps([dataclasses.asdict(a) for a in added], indent=1) + "\n")
        log.info("expansion: cached as %s", cached)
    _MEMO[key] = added
    return added


def _from_json(r: dict) -> Added:
    return Added(**{**r, "nearest": tuple((s, c) for s, c in r["nearest"])})


def compute(themes: Mapping[str, Theme], rules: Rules, cfg: dict, corpus: Path) -> list[Added]:
    """Read the corpus, train word vectors, score each theme's candidates (no cache)."""
    from gensim.parsing.preprocessing import STOPWORDS

    log.info("expansion: reading %s", corpus)
    seeds = frozenset(k for t in themes.values() for k in t.cues)
    counts = _read(corpus, themes, rules, cfg["candidates_window"], frozenset(STOPWORDS), seeds)
    words = sum(len(s) for s in counts.sentences)
    log.info("expansion: %d sentences, %d words after stop words, %d distinct", len(counts.sentences), words,
             len(counts.frequency))
    if not counts.sentences:
        raise UserError(f"stance.expansion.corpus: {corpus} has no sentences")
    log.info("expansion: training word2vec (dim %d, window %d, min_count %d, %d epochs, seed %d, one worker)",
             cfg["dim"], cfg["window"], cfg["min_count"], cfg["epochs"], cfg["seed"])
    model = _train(counts.sentences, cfg)
    index = _index(model)
    vectors = model.wv.get_normed_vectors().astype("float64")
    log.info("expansion: %d words in the vocabulary", len(index))
    blocked = _blocked(themes, rules)
    out: list[Added] = []
    for name, theme in themes.items():
        added = score_theme(name, theme, vectors, index, counts, blocked[name], cfg)
        per = Counter(a.pole for a in added)
        log.info("expansion: %s: added %s", name, ", ".join(f"{per[p]} {p}" for p in theme.poles))
        out += added
    return out


def apply(themes: Mapping[str, Theme], added: Iterable[Added]) -> dict[str, Theme]:
    """Themes with the added words among their cues (a hand cue is never replaced)."""
    by_theme: dict[str, list[Added]] = {}
    for a in added:
        by_theme.setdefault(a.theme, []).append(a)
    out = {}
    for name, theme in themes.items():
        extra = [a for a in by_theme.get(name, []) if a.term not in theme.cues]
        if not extra:
            out[name] = theme
            continue
        cues = dict(theme.cues)
        for a in extra:
            cues[a.term] = (a.pole, theme.poles[a.pole] * a.weight)
        out[name] = dataclasses.replace(theme, cues=cues, expanded=frozenset(a.term for a in extra))
    return out


def write_table(path: str | Path, added: Iterable[Added]) -> None:
    """``stance_expansion.csv``: one row per added word; only the header when expansion is off."""
    write_csv(path, HEADER, (a.row() for a in added))
