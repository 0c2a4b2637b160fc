"""The file contract: every file a stage reads or writes, named once.

Stages talk only through files, so these paths are the interface between
them: ``ingest`` writes :data:`FILES` ``corpus`` where ``preprocess`` reads
it, the report links ``topic_selection`` where ``topics`` wrote it. Readers
and writers take their paths from here (through :class:`Paths`, rooted at
the workspace), ``dvc.yaml`` lists the same paths as each stage's ``deps``
and ``outs`` (``tests/test_paths.py`` checks that they agree), and the
stage commands take no path options that could move one file without the
others.

A path is relative to the workspace root: the project folder for
``dvc repro``, a job folder for a sweep (:mod:`pipeline.chain`), a
temporary folder in the tests.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: name -> path relative to the workspace root
FILES: dict[str, str] = {
    # lexicons, in git: the theme files ``themes`` selects and the stance rules' word lists
    # (pipeline/core/config/lexicons.py; not in params.yaml, whose every leaf is a column of `dvc exp show`)
    "themes_dir": "lexicon/themes",
    "stance_lexicon": "lexicon/stance.yaml",
    # ingest
    "corpus": "data/interim/corpus.jsonl",
    "corpus_table": "reports/tables/corpus.csv",
    "duplicates": "reports/tables/duplicates.csv",
    # preprocess
    "segments": "data/processed/segments.jsonl",
    "sentence_tokens": "data/processed/sentence_tokens.jsonl",
    "phrases": "reports/tables/phrases.csv",
    "preprocess_metrics": "reports/metrics/preprocess.json",
    # tfidf
    "tfidf_dir": "data/tfidf",
    "tfidf_matrix": "data/tfidf/matrix.npz",
    "tfidf_rows": "data/tfidf/rows.csv",
    "tfidf_vocabulary": "data/tfidf/vocabulary.csv",
    "tfidf_terms": "reports/tables/tfidf_terms.csv",
    "tfidf_terms_md": "reports/tables/tfidf_terms.md",
    "tfidf_corpus_terms": "reports/tables/tfidf_corpus_terms.csv",
    "tfidf_corpus_terms_md": "reports/tables/tfidf_corpus_terms.md",
    "keyness": "reports/tables/keyness.csv",
    "keyness_md": "reports/tables/keyness.md",
    "doc_similarity": "reports/tables/doc_similarity.csv",
    "doc_neighbours": "reports/tables/doc_neighbours.csv",
    "doc_similarity_figure": "reports/figures/doc_similarity.png",
    # topics
    "lda_dir": "models/lda",
    "topics_dir": "data/topics",
    "segment_topics": "data/topics/segment_topics.csv",
    "document_topics": "data/topics/document_topics.csv",
    "topics_table": "reports/tables/topics.csv",
    "topics_table_md": "reports/tables/topics.md",
    "topic_segments": "reports/tables/topic_segments.csv",
    "topic_segments_md": "reports/tables/topic_segments.md",
    "topic_selection": "reports/tables/topic_selection.csv",
    "topic_words_figure": "reports/figures/topic_words.png",
    "topic_documents_figure": "reports/figures/topic_documents.png",
    "topic_time_figure": "reports/figures/topic_time.png",
    "topic_selection_figure": "reports/figures/topic_selection.png",
    "topic_selection_cv_figure": "reports/figures/topic_selection_cv.png",
    "topics_metrics": "reports/metrics/topics.json",
    # stance
    "stance_sentences": "data/processed/stance_sentences.jsonl",
    "stance_segments": "data/processed/stance_segments.jsonl",
    "stance_expansion_cache": "data/interim/stance_expansion",
    "stance_by_document": "reports/tables/stance_by_document.csv",
    "stance_by_date": "reports/tables/stance_by_date.csv",
    "stance_by_theme": "reports/tables/stance_by_theme.csv",
    "stance_evidence": "reports/tables/stance_evidence.csv",
    "stance_expansion": "reports/tables/stance_expansion.csv",
    "stance_evidence_md": "reports/stance_evidence.md",
    "stance_heatmap": "reports/figures/stance_heatmap.png",
    "stance_over_time": "reports/figures/stance_over_time.png",
    "stance_metrics": "reports/metrics/stance.json",
    # stance_eval
    "coding_dir": "coding",
    "stance_eval_md": "reports/tables/stance_eval.md",
    "stance_eval": "reports/tables/stance_eval.csv",
    "stance_eval_files": "reports/tables/stance_eval_files.csv",
    "stance_eval_metrics": "reports/metrics/stance_eval.json",
    # what the report reads as folders: every stage's tables, figures and headline metrics (one
    # dependency each in dvc.yaml instead of one per file, each a column of `dvc exp show`)
    "tables_dir": "reports/tables",
    "figures_dir": "reports/figures",
    "metrics_dir": "reports/metrics",
    # report; the files it draws itself sit beside index.md in index_files/ (the R Markdown and
    # Quarto convention), outside the folders it reads
    "reports_dir": "reports",
    "report_md": "reports/index.md",
    "report_html": "reports/index.html",
    "corpus_timeline": "reports/index_files/corpus_timeline.png",
    "topics_by_group": "reports/index_files/topics_by_group.csv",
    "stance_by_group": "reports/index_files/stance_by_group.csv",
    "topics_by_group_figure": "reports/index_files/topics_by_group.png",
    "stance_by_group_figure": "reports/index_files/stance_by_group.png",
}


@dataclass(frozen=True)
class Contract:
    """What one stage reads and writes: names of :data:`FILES`.

    ``outputs`` are what DVC tracks (a folder stands for the files in it);
    ``inputs`` are the outputs of other stages, or files in git, it reads.
    The corpus a user points ``corpus.path`` at is a parameter, not part of
    the contract.
    """

    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


_TFIDF_OUT = ("tfidf_dir", "tfidf_terms", "tfidf_terms_md", "tfidf_corpus_terms", "tfidf_corpus_terms_md", "keyness",
              "keyness_md", "doc_similarity", "doc_neighbours", "doc_similarity_figure")
_TOPICS_OUT = ("lda_dir", "topics_dir", "topics_table", "topics_table_md", "topic_segments", "topic_segments_md",
               "topic_words_figure", "topic_documents_figure", "topic_time_figure", "topic_selection_figure",
               "topic_selection_cv_figure", "topics_metrics", "topic_selection")
_STANCE_OUT = ("stance_sentences", "stance_segments", "stance_by_document", "stance_by_date", "stance_evidence",
               "stance_expansion", "stance_evidence_md", "stance_heatmap", "stance_over_time", "stance_metrics",
               "stance_by_theme")

#: stage of ``dvc.yaml`` -> what it reads and writes
STAGES: dict[str, Contract] = {
    "ingest": Contract((), ("corpus", "corpus_table", "duplicates")),
    "preprocess": Contract(("corpus",), ("segments", "sentence_tokens", "phrases", "preprocess_metrics")),
    "tfidf": Contract(("segments", "corpus"), _TFIDF_OUT),
    "topics": Contract(("segments", "corpus"), _TOPICS_OUT),
    "stance": Contract(("segments", "sentence_tokens", "corpus", "themes_dir", "stance_lexicon"), _STANCE_OUT),
    # gold files live in coding/ (the seeds' development set and the user's own); with
    # stance.expansion on, the lexicon adapts to the segments
    "stance_eval": Contract(("coding_dir", "segments", "themes_dir", "stance_lexicon"),
                            ("stance_eval_md", "stance_eval", "stance_eval_files", "stance_eval_metrics")),
    "report": Contract(
        # the stages' report folders stand for the files in them (corpus_table, keyness, topic_words_figure, ...)
        ("corpus", "topics_dir", "tables_dir", "figures_dir", "metrics_dir", "themes_dir"),
        ("report_md", "report_html", "corpus_timeline", "topics_by_group", "stance_by_group", "topics_by_group_figure",
         "stance_by_group_figure")),
}


class Paths:
    """The files of :data:`FILES` under one workspace root, as attributes: ``Paths(root).segments``.

    Parameters
    ----------
    root : path, default "."
        The workspace folder.
    """

    def __init__(self, root: str | Path = "."):
        self.root = Path(root)

    def __getattr__(self, name: str) -> Path:
        try:
            return self.root / FILES[name]
        except KeyError:
            raise AttributeError(f"{name!r} is not a file of the contract (pipeline/core/paths.py)") from None

    def __repr__(self) -> str:
        return f"Paths({str(self.root)!r})"

    def under_reports(self, name: str) -> str:
        """The path of a report file relative to ``reports/``, as ``index.md`` links it."""
        return str(Path(FILES[name]).relative_to(FILES["reports_dir"]))

    def relative(self, name: str) -> str:
        """The path of a file relative to the root, as messages and ``dvc.yaml`` name it."""
        return FILES[name]

    def require(self, name: str) -> Path:
        """The path of input ``name``, or one clear error naming the stage that writes it.

        Raises
        ------
        UserError
            When the file is not there: "…: not found; run the preprocess stage first (dvc repro preprocess)".
        """
        from .errors import UserError

        path = getattr(self, name)
        if not path.is_file():
            stage = writer(name)
            raise UserError(f"{path}: not found; run the {stage} stage first (dvc repro {stage})")
        return path


def writer(name: str) -> str:
    """The stage of :data:`STAGES` that writes file ``name``."""
    return next(stage for stage, contract in STAGES.items() if name in contract.outputs)
