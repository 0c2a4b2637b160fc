"""Ingest cleans documents on the executor: the outputs are the same bytes in one process and in two."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest_helpers import ingest_cfg
from pipeline import ingest
from pipeline.core.paths import Paths

ROOT = Path(__file__).resolve().parent.parent
TWO = {"address": None, "n_jobs": 2, "partition_size": 1}


def _corpus(tmp_path: Path) -> Path:
    # Seed pages, an exact copy of one (a whole-document duplicate), a page with no text
    # (build_document refuses it) and a page in another language.
    folder = tmp_path / "pages"
    folder.mkdir()
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    for p in seeds:
        (folder / p.name).write_bytes(p.read_bytes())
    (folder / "900_copy.txt").write_bytes(seeds[1].read_bytes())
    (folder / "901_empty.txt").write_text("\n\n", encoding="utf-8")
    (folder / "902_de.txt").write_text("Die Regierung hat heute neue Maßnahmen beschlossen, die ab Montag gelten. "
                                       "Der Minister erklärte, dass die Wirtschaft davon profitieren werde.\n",
                                       encoding="utf-8")
    return folder


@pytest.mark.parametrize("limit", [None, 3])
def test_ingest_outputs_are_the_same_in_one_process_and_two(params, tmp_path, limit):
    cfg = ingest_cfg(params, _corpus(tmp_path))
    cfg["limit"] = limit
    outs = []
    for name, exe in (("one", None), ("two", TWO)):
        paths = Paths(tmp_path / name)
        counts = ingest.run({"corpus": cfg, **({"executor": exe} if exe else {})}, paths)
        outs.append((counts, [getattr(paths, n).read_bytes() for n in ("corpus", "corpus_table", "duplicates")]))
    assert outs[0] == outs[1]
    counts = outs[0][0]
    if limit is None:  # the copy, the empty page and the German page are all reached
        assert counts["skipped"] >= 1 and counts["duplicate_documents"] == 1 and counts["not_scored"] == 1
    else:  # documents past the limit are built ahead in the workers, but never reported
        assert counts["documents"] == limit and counts["skipped"] == 0
