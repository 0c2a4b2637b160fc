"""The lexicons are general knowledge, not the gold sets: no gold sentence, nor a run of six of its words,
is written into a theme or rule file (terms, comments and examples alike)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.core.paths import FILES

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "gold"
# Every theme file, the rules' word lists, and the stance group's conf (its comments quote examples too).
CONFIG_FILES = (sorted((ROOT / FILES["themes_dir"]).glob("*.yaml")) + [ROOT / FILES["stance_lexicon"]]
                + sorted((ROOT / "conf" / "stance").glob("*.yaml")))


def test_the_scan_covers_the_lexicon_files():
    names = {str(p.relative_to(ROOT)) for p in CONFIG_FILES}
    assert {"lexicon/themes/sanctions.yaml", "lexicon/themes/security.yaml", "lexicon/themes/ukraine.yaml",
            "lexicon/stance.yaml", "conf/stance/default.yaml"} <= names


def _fold(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").split())


def _gold_sentences(path: Path) -> list[str]:
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _gold_files() -> list[Path]:
    files = sorted((ROOT / "tests" / "data").glob("stance_*.jsonl"))
    if SHARED.is_dir():
        files += sorted(SHARED.glob("stance_*.jsonl"))
    return files


@pytest.mark.parametrize("gold", _gold_files(), ids=lambda p: p.name)
def test_no_gold_sentence_is_in_a_theme_or_rule_file(gold):
    config = "\n".join(_fold(p.read_text(encoding="utf-8")) for p in CONFIG_FILES)
    leaked = [s for s in _gold_sentences(gold) if len(s.split()) >= 3 and _fold(s) in config]
    assert not leaked, f"{gold.name}: gold sentences written into a lexicon file: {leaked[:3]}"


RUN = 6  # words; shorter runs are the field's common phrases ("the war in Ukraine")


def _runs(text: str, n: int = RUN) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", _fold(text))
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def _config_runs() -> set[tuple[str, ...]]:
    return set().union(*(_runs(p.read_text(encoding="utf-8")) for p in CONFIG_FILES))


@pytest.mark.parametrize("gold", _gold_files(), ids=lambda p: p.name)
def test_no_phrase_of_a_gold_sentence_is_in_a_theme_or_rule_file(gold):
    config = _config_runs()
    leaked = sorted({" ".join(r) for s in _gold_sentences(gold) for r in _runs(s) & config})
    assert not leaked, f"{gold.name}: runs of {RUN} words of gold sentences in a lexicon file: {leaked[:3]}"


def test_the_shared_gold_sets_are_checked_when_present():
    if not SHARED.is_dir():
        pytest.skip("../shared/gold is absent")
    names = {p.name for p in _gold_files()}
    assert {"stance_dev.jsonl", "stance_multi_dev.jsonl"} <= names


def test_the_check_would_catch_a_leak(tmp_path):
    sentence = "Partners will keep every measure in place until the very end."
    assert _fold(sentence) in _fold(f"cues:\n  favour:\n    {sentence}: 1.0\n")
    # A comment that quotes part of a sentence is caught by the runs.
    comment = '# as in "will keep every measure in place until" the end'
    assert _runs(sentence) & _runs(comment)
