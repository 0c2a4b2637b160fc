"""The methods section, written from the parameters actually used.

One paragraph per stage in plain words, with the numbers, so a reviewer can
check the method without opening ``params.yaml``. Each function takes the
validated group(s) of its stage and returns Markdown.
"""
from __future__ import annotations

from typing import Mapping

from ..core.io import markdown_code


def _list(items, limit: int = 8) -> str:
    items = list(items)
    shown = ", ".join(f"“{i}”" for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def corpus(cfg: Mapping, done: Mapping | None = None) -> str:
    """The ingestion paragraph: the parameters, and what ingest did with them.

    Parameters
    ----------
    cfg : mapping
        The validated ``corpus`` group.
    done : mapping, optional
        The report's corpus section (read from ``corpus.csv`` and
        ``duplicates.csv``): its ``copies`` and ``paragraph_copies`` counts
        are stated, so the text says what was found and dropped, not only
        what the settings allow.
    """
    src = f"{markdown_code(cfg['path'])} ({cfg['format']})"
    bp = cfg["boilerplate"]
    dd = cfg["dedup"]
    drop = dd["policy"] == "keep_first"
    text = f"**Ingestion.** Documents were read from {src}"
    if cfg["limit"]:
        text += f", keeping the first {cfg['limit']}"
    text += (". Text that is not UTF-8 was decoded after detecting its encoding, with a warning; control "
             "characters were removed. "
             "All-numeric dates of a date column were read in one order, the one its values show (a day "
             f"above 12), else `{cfg['date_order']}`; a page's dateline was read on its own, in "
             f"`{cfg['date_order']}` unless only the other order makes a date. A date lacking day, month or year, "
             "or impossible (31.02), was left empty rather than guessed. ")
    if bp["enabled"]:
        text += (f"Web-page furniture was removed: navigation above the dateline (within the first "
                 f"{bp['head_lines']} lines), {len(bp['drop'])} widget patterns (counters, calendars, menus), "
                 f"the footer after {len(bp['footer'])} marker patterns; photo credits and bylines were moved to "
                 "metadata. ")
    text += (f"Each document's language was identified with py3langid (its model ships in the package); one "
             f"confidently in another language than `{cfg['language']}` was kept in the corpus table but not "
             "scored by any later stage")
    if done is not None:
        n = done["not_scored_total"]
        text += (f": {_n(n, 'document')} ("
                 + "; ".join(f"language {code}: {k}" for code, k in done["not_scored_languages"]) + ")"
                 if n else ": there were none")
    text += ". "
    near = ("" if dd["document_threshold"] >= 1.0 else
            f", or a near copy whose words agree with an earlier document's over at least "
            f"{dd['document_threshold']:g} of their length (as when items differ in a dateline or a few words),")
    text += (f"A document that is an exact copy of an earlier one (same words, whatever its id or headline){near} "
             + ("was dropped" if drop else "was listed but kept") + ". ")
    if done is not None:
        c = done["copies"]
        if c["found"]:
            text += (f"{_n(c['found'], 'document')} copied an earlier one ({c['exact']} exact, {c['near']} near); "
                     f"{c['dropped']} {'was' if c['dropped'] == 1 else 'were'} dropped. ")
        else:
            text += "No document copied an earlier one. "
    text += (f"Paragraphs of at least {dd['min_words']} words were compared across documents by MinHash "
             f"({dd['num_perm']} permutations) of their word {dd['shingle']}-gram sets; pairs with estimated "
             f"Jaccard similarity ≥ {dd['threshold']} count as near-duplicates, "
             + ("and later copies were dropped from their documents, unless every paragraph of a document "
                "repeats earlier ones (it is then kept whole)." if drop else "and were listed but kept."))
    if done is not None:
        p = done["paragraph_copies"]
        text += f" {_n(p['found'], 'paragraph')} repeated an earlier document's; {p['dropped']} dropped"
        text += (f", {p['kept_whole']} kept in documents made only of repeats." if p["kept_whole"] else ".")
    return text


def preprocess(cfg: Mapping) -> str:
    unit = {
        "document": "one segment per document",
        "paragraph": "one segment per paragraph"
        + (f" (paragraphs of more than {cfg['max_sentences']} sentences split)" if cfg["max_sentences"] else ""),
        "sentences": f"segments of {cfg['window']} consecutive sentences",
    }[cfg["unit"]]
    ph = cfg["phrases"]
    text = ("**Preprocessing.** Sentences and tokens were found with syntok; tokens were "
            + ("lemmatised with simplemma (capitalised words looked up as written, so names it knows keep "
               "their form) and " if cfg["lemmatize"] else "")
            + ("lower-cased. " if cfg["lowercase"] else "kept in their case. "))
    if ph["curated"]:
        text += f"{len(ph['curated'])} curated multi-word expressions ({_list(ph['curated'], 4)}) were joined. "
    if ph["enabled"]:
        text += (f"Collocations were learned with gensim Phrases ({ph['scoring']} scoring, threshold "
                 f"{ph['threshold']}, minimum count {ph['min_count']}). ")
    sw = cfg["stopwords"]
    text += ("Stop words removed: " + ("gensim's English list" if sw["standard"] else "none from a standard list")
             + (f" plus {len(sw['extra'])} domain words" if sw["extra"] else "")
             + f"; tokens shorter than {cfg['min_token_length']} characters were dropped and numbers were "
             + {"drop": "dropped", "keep": "kept", "token": "replaced by one token"}[cfg["numbers"]]
             + f". The unit of analysis is {unit}.")
    return text


def _ngrams(bounds) -> str:
    """``single words``, ``word 1- to 2-grams``, ``word 2-grams``: what TfidfVectorizer's ngram_range counts."""
    lo, hi = bounds
    if lo == hi:
        return "single words" if lo == 1 else f"word {lo}-grams"
    return f"word {lo}- to {hi}-grams"


def tfidf(cfg: Mapping) -> str:
    df = lambda v: f"{v:g} of the units" if isinstance(v, float) else f"{v} units"
    return (f"**TF-IDF.** scikit-learn's TfidfVectorizer on the preprocessed tokens, one row per {cfg['unit']}, "
            + _ngrams(cfg["ngram_range"]) + f", terms in at least {df(cfg['min_df'])} "
            f"and at most {df(cfg['max_df'])}"
            + (f", the {cfg['max_features']} most frequent kept" if cfg["max_features"] else "")
            + f"; {'sublinear (1 + log) ' if cfg['sublinear_tf'] else 'raw '}term frequencies, "
            f"{cfg['norm'] or 'no'} normalisation. Keyness of each document against the rest of the corpus is "
            f"{'Dunning log-likelihood (G²)' if cfg['keyness'] == 'log_likelihood' else 'chi²'}, signed "
            "(+ over-represented, − under-represented); document similarity is the cosine of TF-IDF vectors.")


def lda(cfg: Mapping, chosen_k: int | None, perplexity_note: str | None = None) -> str:
    ks = cfg["num_topics"]
    if isinstance(ks, Mapping):
        ks = list(range(ks["start"], ks["stop"], ks.get("step", 1)))
    ks = ks if isinstance(ks, list) else [ks]
    d = cfg["dictionary"]
    backend = ("gensim LdaModel (variational Bayes"
               + (f", {cfg['workers']} workers with LdaMulticore" if cfg["workers"] > 1 else "")
               + f"; {cfg['passes']} passes, {cfg['iterations']} iterations, chunks of {cfg['chunksize']})"
               if cfg["backend"] == "gensim" else
               f"tomotopy LDAModel (collapsed Gibbs sampling, {cfg['gibbs_iterations']} iterations)")
    text = (f"**Topics.** The dictionary keeps words in at least {d['no_below']} segments and at most "
            f"{d['no_above']:g} of them" + (f" (protected: {_list(d['keep_tokens'], 6)})" if d["keep_tokens"] else "")
            + f". Models were trained with {backend}, α = {cfg['alpha']}, η = {cfg['eta']}, seed "
            f"{cfg['random_state']}. ")
    if len(ks) > 1:
        text += (f"Numbers of topics {', '.join(map(str, ks))} were each trained and scored by NPMI coherence "
                 f"(top {cfg['coherence_topn']} words), u_mass, topic diversity (unique share of the top "
                 f"{cfg['diversity_topn']} words) and "
                 + (f"perplexity on {cfg['heldout']:.0%} of segments held out" if perplexity_note is None else
                    f"not by held-out perplexity ({perplexity_note})")
                 + f"; k = {chosen_k} was chosen by {cfg['select_by']}. ")
    else:
        text += f"k = {ks[0]} topics. "
    if cfg["stability_seeds"]:
        text += (f"Stability: {cfg['stability_seeds']} further seeds were trained at the chosen k and their topics "
                 f"matched to the main model's (Hungarian algorithm on the Jaccard similarity of the top "
                 f"{cfg['coherence_topn']} words); a topic whose mean best-match similarity is below "
                 f"{cfg['stability_threshold']} is flagged unstable.")
    else:
        text += "Stability across seeds was not measured (lda.stability_seeds = 0)."
    return text


def stance(cfg: Mapping, themes: Mapping) -> str:
    r = cfg["rules"]
    w = cfg["window"]
    b = cfg["bootstrap"]
    window = "the mention's sentence"
    if w["sentences"]:
        window += f" and {w['sentences']} sentence(s) either side"
    if w["tokens"]:
        window += f", cues within {w['tokens']} words of the mention"
    names = ", ".join(themes)
    return (f"**Stance.** Themes: {names}. A mention is a target term or expression matched on lemmas; the "
            f"window is {window}. Cue words of each pole count with their weights; the general polarity lexicon "
            f"({cfg['polarity']['lexicon'].upper()}) adds a weaker signal (× {cfg['polarity']['weight']}). A negator "
            f"flips cues within {r['negation']['scope']} words of the same clause (factor {r['negation']['factor']}); "
            f"intensifiers and diminishers within {r['modifier_scope']} words scale a cue; after a contrast marker "
            f"the clause counts × {r['contrast']['after']} and the one before × {r['contrast']['before']}. A sentence's "
            f"stance is tanh(sum / {cfg['scale']}), labelled −1 at or below {cfg['thresholds']['negative']} and +1 at "
            f"or above {cfg['thresholds']['positive']}. Means over sentences carry a {b['confidence']:.0%} percentile "
            f"bootstrap interval ({b['resamples']} resamples, seed {b['seed']}). Above the document level (per date, "
            "over the corpus) the interval resamples documents, each with all its sentences (a cluster bootstrap), "
            "because sentences of one document are not independent; within one document it resamples its "
            f"sentences. No interval is given for fewer than {b['min_sentences']} sentences or, above the document "
            f"level, fewer than {b['min_documents']} documents: the table says “too few to estimate” and the heatmap "
            "draws such a cell without colour. Salience is mentions per 1,000 words. A theme with no mention in a "
            "document is reported as “no evidence”, never as 0."
            + "".join(f" Theme {name} has its own thresholds (fitted to a coded corpus): −1 at or below "
                      f"{t['thresholds']['negative']}, +1 at or above {t['thresholds']['positive']}."
                      for name, t in themes.items() if t.get("thresholds")))


def groups(cfg: Mapping) -> str:
    """The grouped views: what a group is, what is averaged, how the intervals were drawn."""
    from .groups import DATE_PREFIX, MISSING, describe

    spec, boot = cfg["group_by"], cfg["bootstrap"]
    what = (f"the {describe(spec)}" if spec.startswith(DATE_PREFIX) else f"the metadata column {markdown_code(spec)}")
    return (f"**Groups.** Documents were grouped by {what}; documents without a value form the group "
            f"“{MISSING}”. Topic prevalence in a group is the mean over its documents of their topic shares; "
            "stance in a group is the mean over the relevant sentences of its documents. Both carry a "
            f"{boot['confidence']:.0%} percentile bootstrap interval that resamples documents ({boot['resamples']} "
            f"resamples, seed {boot['seed']}; for stance, the documents with evidence, each with all its sentences), "
            f"left out as too few to estimate for groups of fewer than {boot['min_documents']} documents or, for "
            f"stance, fewer than {boot['min_sentences']} relevant sentences.")
