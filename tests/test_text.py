"""Sentence splitting, lemmas and multi-word expressions."""
import pytest

from pipeline.core.text import MweMatcher, lemma, lemmas, sentences_with_text, space_quotes, split_sentences


def test_sentences_survive_abbreviations_initials_and_quotes():
    text = ("Mr. J. R. Smith met Dr. Brown in St. Petersburg on Jan. 5. "
            "\u201cWe will win,\u201d he said. The U.S. and the E.U. agreed, i.e. they signed.")
    sents = [raw for raw, _ in sentences_with_text(text)]
    assert sents == [
        "Mr. J. R. Smith met Dr. Brown in St. Petersburg on Jan. 5.",
        "\u201cWe will win,\u201d he said.",
        "The U.S. and the E.U. agreed, i.e. they signed.",
    ]


def test_quoted_speech_splits_at_its_sentence_ends():
    text = "\u201cLet them search and show. And then we will show them.\u201d He left."
    assert len(split_sentences(text)) == 3


@pytest.mark.parametrize("text, spaced", [
    # Scraped text that lost the space at a quotation (the Kremlin corpus has hundreds).
    ('The message reads, in part:"Over these years."', 'The message reads, in part: "Over these years."'),
    ('other things."Putin is to blame," they said.', 'other things. "Putin is to blame," they said.'),
    ('the"printing press"or a "buried" money', 'the "printing press" or a "buried" money'),
    ("part:\u201cOver the top\u201dand more", "part: \u201cOver the top\u201d and more"),
    # Parity restarts on each line; spaced quotes and quotes after brackets are left alone.
    ('a "b"\nc"d" e', 'a "b"\nc "d" e'),
    ('("quoted") and "spaced" words, 5:30', '("quoted") and "spaced" words, 5:30'),
    ("no quotes at all", "no quotes at all"),
    # A quote with a space on one side already says its side, also when the quotation opened earlier.
    ('with that."', 'with that."'), ('isolated cases," Lukashenko said', 'isolated cases," Lukashenko said'),
    ('set \u201cto analyze the groundwork" and decide', 'set \u201cto analyze the groundwork" and decide'),
    ('He said "over the years."He left.', 'He said "over the years." He left.'),
    # After a comma a quote closes as often as it opens: the count decides.
    ('"We are here,"he said.', '"We are here," he said.'), ('he said,"yes" and left', 'he said, "yes" and left'),
])
def test_quotes_that_lost_their_space_are_spaced(text, spaced):
    assert space_quotes(text) == spaced


def test_a_glued_quotation_is_split_into_words_and_sentences():
    assert split_sentences('It reads, in part:"Over the years."He left.') == [
        ["It", "reads", ",", "in", "part", ":", '"', "Over", "the", "years", ".", '"'], ["He", "left", "."]]
    assert sentences_with_text('things."Putin is to blame," they said.') == [
        ("things.", ["things", "."]), ('"Putin is to blame," they said.',
                                      ['"', "Putin", "is", "to", "blame", ",", '"', "they", "said", "."])]


def test_lemmas_are_lowercase_dictionary_forms():
    assert [lemma(w) for w in ["Sanctions", "countries", "talks", "went", "negotiations", "was"]] == [
        "sanction", "country", "talk", "go", "negotiation", "be"]
    # typographic apostrophes are the same word as ASCII ones
    assert lemma("we\u2019ll") == lemma("we'll")


def test_lemmas_drop_punctuation():
    assert lemmas(["The", "sanctions", ",", "however", "."]) == ["the", "sanction", "however"]


def test_curated_expressions_join_on_lemmas_longest_first():
    m = MweMatcher(["union state", "head of state", "supreme state council", "state council"])
    words = lemmas("The Heads of State met at the Supreme State Council of the Union State".split())
    assert m.apply(words) == ["the", "head_of_state", "meet", "at", "the", "supreme_state_council", "of",
                              "the", "union_state"]
    assert MweMatcher([]).apply(["a", "b"]) == ["a", "b"]


NAMES = ["Wales", "Athens", "Paris", "Lyons", "Brussels", "Cyprus", "Texas", "Netherlands", "Philippines", "Williams",
         "Reuters"]


def test_names_are_not_lemmatised_into_other_words():
    # Lower-cased first, "Wales" was the plural of "wale" and "Athens" of "athen".
    assert [lemma(n) for n in NAMES] == [n.lower() for n in NAMES]
    # Capitalised common words, and words in capitals, are still lemmatised.
    assert [lemma(w) for w in ["Sanctions", "Heads", "Ministers", "SANCTIONS", "Ukrainians"]] == [
        "sanction", "head", "minister", "sanction", "ukrainian"]
    assert lemma("wales") == "wale"  # the common noun, written as one


def test_names_keep_their_form_in_preprocessed_sentences():
    from pipeline.preprocess.stage import analyse_document

    doc = {"id": "d", "date": None, "paragraphs": [
        "Ministers from Wales, Athens, Paris, Lyons and Brussels met. Wales hosted the talks on sanctions."]}
    (para,) = analyse_document(doc, lemmatize=True, lowercase=True, curated=[])["paragraphs"]
    words = [w for _, sent, _ in para for w in sent]
    for name in ("wales", "athens", "paris", "lyons", "brussels"):
        assert name in words
    assert not {"wale", "athen", "pari", "lyon", "brussel"} & set(words)
    assert words[0] == "minister" and "sanction" in words


def test_an_excerpt_is_cut_on_a_word_boundary_and_says_so():
    from pipeline.core.text import excerpt

    assert excerpt("short text", 80) == "short text"
    assert excerpt("the situation is difficult", 20) == "the situation is …"  # not "difficu"
    assert excerpt("Russia h", 8) == "Russia h"  # exactly the limit: nothing cut, no marker
    assert excerpt("Supercalifragilistic words", 5) == "Super …"  # one long word: cut inside it
