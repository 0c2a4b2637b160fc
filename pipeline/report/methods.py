"""The methods section, written from the parameters actually used.

One paragraph per stage in plain words, with the numbers, so a reviewer can
check the method without opening ``params.yaml``. Each function takes the
validated group(s) of its stage and returns Markdown.
"""
from __future__ import annotations

from typing import Mapping


def _list(items, limit: int = 8) -> str:
    items = list(items)
    shown = ", ".join(f"“{i}”" for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def corpus(cfg: Mapping) -> str:
    src = f"`{cfg['path']}` ({cfg['format']})"
    bp = cfg["boilerplate"]
    dd = cfg["dedup"]
    text = f"**Ingestion.** Documents were read from {src}"
    if cfg["limit"]:
        text += f", keeping the first {cfg['limit']}"
    text += (". Text that is not UTF-8 was decoded after detecting its encoding, with a warning. "
             f"Dates were parsed with day-month order `{cfg['date_order']}`; a date lacking day, month or year "
             "was left empty rather than guessed. ")
    if bp["enabled"]:
        text += (f"Web-page furniture was removed: navigation above the dateline (within the first "
                 f"{bp['head_lines']} lines), {len(bp['drop'])} widget patterns (counters, calendars, menus), "
                 f"the footer after {len(bp['footer'])} marker patterns; photo credits and bylines were moved to "
                 "metadata. ")
    text += (f"Paragraphs of at least {dd['min_words']} words were compared across documents by MinHash "
             f"({dd['num_perm']} permutations) of their word {dd['shingle']}-gram sets; pairs with estimated "
             f"Jaccard similarity ≥ {dd['threshold']} count as near-duplicates, "
             + ("and later copies were dropped (a document is only dropped whole when it is an exact copy)."
                if dd["policy"] == "keep_first" else "and were reported but kept."))
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
            + ("lemmatised with simplemma and " if cfg["lemmatize"] else "")
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
