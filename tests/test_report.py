"""The report: every section filled from a real run, escaped, self-contained, deterministic."""
from __future__ import annotations

import csv
import re
import shutil
import sys
from pathlib import Path

import pytest

from pipeline.chain import run_chain
from pipeline.report.render import markdown_to_html, md_text, render_markdown

HOSTILE_TITLE = "<script>alert('title')</script> Sanctions & security"
HOSTILE_BODY = ('The minister said: "<img src=x onerror=alert(1)>" and <script>document.title="pwned"</script> '
                "Sanctions against Belarus are illegal pressure, he added, and security is under threat.")

RUSSIAN_TITLE = "Переговоры в Минске"
RUSSIAN_BODY = ("Президент Беларуси провёл переговоры с Президентом России. Стороны обсудили санкции, безопасность "
                "и сотрудничество в торговле, энергетике и транспорте, а также подготовку следующей встречи.")


@pytest.fixture(scope="session")
def seed_chain(tmp_path_factory, composed_params, root):
    """The whole chain of dvc.yaml on seeds/, plus one hostile document, in a scratch directory."""
    corpus = tmp_path_factory.mktemp("corpus")
    for f in (root / "seeds").iterdir():
        shutil.copy(f, corpus / f.name)
    (corpus / "zz_hostile.txt").write_text(f"{HOSTILE_TITLE}\n\n{HOSTILE_BODY}\n\n{HOSTILE_BODY}\n", encoding="utf-8")
    # A copy of a seed under another name, and an item in Russian: neither may count as evidence.
    first = sorted((root / "seeds").iterdir())[0]
    shutil.copy(first, corpus / f"zz_copy_of_{first.name}")
    (corpus / "zz_russian.txt").write_text(f"{RUSSIAN_TITLE}\n\n{RUSSIAN_BODY}\n", encoding="utf-8")
    params = dict(composed_params)
    params["corpus"] = dict(params["corpus"], path=str(corpus))
    job = tmp_path_factory.mktemp("chain")
    result = run_chain(job, root, params)
    assert result["status"] == "ok", result
    return job


def test_escaping_filter():
    assert md_text("<script>x</script>") == "&lt;script&gt;x&lt;/script&gt;"
    assert md_text("a|b *c* [d](e)") == r"a\|b \*c\* \[d\](e)"
    assert md_text(None) == ""


def test_hostile_corpus_text_shows_as_text(seed_chain):
    html = (seed_chain / "reports/index.html").read_text(encoding="utf-8")
    md = (seed_chain / "reports/index.md").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert('title')&lt;/script&gt;" in html  # the title is shown, as text
    for text in (html, md):
        assert "<script" not in text.lower()
        assert not re.search(r"<img[^>]*onerror", text, re.I)


def test_self_contained_html(seed_chain):
    html = (seed_chain / "reports/index.html").read_text(encoding="utf-8")
    refs = re.findall(r'\b(?:src|href)\s*=\s*"([^"]*)"', html, re.I)
    assert refs, "the report links its tables and embeds its figures"
    assert not [r for r in refs if re.match(r"\s*(https?:)?//", r, re.I)]
    srcs = re.findall(r'<img[^>]*\bsrc="([^"]*)"', html)
    assert srcs and all(s.startswith("data:image/") for s in srcs)
    assert "<link" not in html and "@import" not in html


SECTIONS = ["Corpus overview", "Preprocessing", "Keywords and keyness", "Topics", "Stance", "Validation", "Methods",
            "Provenance"]


def test_every_section_is_filled(seed_chain):
    md = (seed_chain / "reports/index.md").read_text(encoding="utf-8")
    for title in SECTIONS:
        assert re.search(rf"^## {title}$", md, re.M), title
    for fig in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md):
        assert (seed_chain / "reports" / fig).is_file(), fig
    assert "6 documents" in md  # five seeds and the hostile one
    assert "`params.yaml` SHA-256" in md
    for paragraph in ("**Ingestion.**", "**Preprocessing.**", "**TF-IDF.**", "**Topics.**", "**Stance.**"):
        assert paragraph in md, paragraph
    import json

    topics = json.loads((seed_chain / "reports/metrics/topics.json").read_text())
    assert f"{topics['k']} topics" in md  # numbers come from the stages' files
    assert md.count("| sanctions |") >= 1 and "VADER" in md


def test_report_is_byte_identical_when_rerun(seed_chain, tmp_path, root):
    import subprocess

    before = {p: (seed_chain / "reports" / p).read_bytes() for p in ("index.md", "index.html")}
    proc = subprocess.run([sys.executable, "-m", "pipeline.report"], cwd=seed_chain, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    for p, data in before.items():
        assert (seed_chain / "reports" / p).read_bytes() == data, p
    assert str(seed_chain) not in before["index.md"].decode() and str(root) not in before["index.md"].decode()


def test_missing_input_is_one_line(seed_chain, tmp_path):
    import subprocess

    copy = tmp_path / "run"
    shutil.copytree(seed_chain, copy, symlinks=True)
    (copy / "reports/metrics/preprocess.json").unlink()
    proc = subprocess.run([sys.executable, "-m", "pipeline.report"], cwd=copy, capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("report: error: reports/metrics/preprocess.json: not found; run the preprocess "
                                   "stage first (dvc repro preprocess)")


def test_markdown_to_html_embeds_figures(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures/a.png").write_bytes(b"\x89PNG fake")
    html = markdown_to_html("# T\n\n![a](figures/a.png)\n", tmp_path, "T <x>")
    assert 'src="data:image/png;base64,' in html and "<title>T &lt;x&gt;</title>" in html


def test_template_refuses_missing_values():
    import jinja2

    with pytest.raises(jinja2.UndefinedError):
        render_markdown({"title": "x"})


# ------------------------------------------------------------------ browser
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("Chromium is not installed (Debian package `chromium`; .ci/run installs it)")


def test_report_renders_offline_in_chromium(seed_chain):
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright (test extra) is not installed")
    exe = _chromium()
    page_file = seed_chain / "reports/index.html"
    requests, console, failed = [], [], []
    with playwright.sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        except Exception as exc:  # no display libraries, sandbox refused, ...
            pytest.skip(f"Chromium could not start: {str(exc).splitlines()[0]}")
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.on("console", lambda m: console.append((m.type, m.text)))
            page.on("pageerror", lambda e: console.append(("error", str(e))))
            page.goto(page_file.as_uri(), wait_until="load")
            images = page.evaluate(
                "Array.from(document.images).map(i => [i.alt, i.complete && i.naturalWidth > 0])")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report_first_screen.png"))
            title = page.title()
        finally:
            browser.close()
    assert images, "the report shows figures"
    assert all(ok for _, ok in images), [alt for alt, ok in images if not ok]
    outside = [u for u in requests if not u.startswith(("file:", "data:"))]
    assert outside == [], outside
    assert failed == []
    assert [c for c in console if c[0] == "error"] == []
    assert title  # the page has its title, not a script's


def test_copies_and_other_languages_are_said_as_done(seed_chain):
    import csv

    md = (seed_chain / "reports/index.md").read_text(encoding="utf-8")
    table = {r["id"]: r for r in csv.DictReader(open(seed_chain / "reports/tables/corpus.csv", encoding="utf-8"))}
    dups = list(csv.DictReader(open(seed_chain / "reports/tables/duplicates.csv", encoding="utf-8")))
    whole = [d for d in dups if d["paragraph"] == ""]
    assert [(d["kind"], d["action"]) for d in whole] == [("exact document", "dropped")]
    assert table[whole[0]["doc_id"]]["status"] == "duplicate"
    # The methods text states what the tables hold, not only what the settings allow.
    assert "1 document copied an earlier one (1 exact, 0 near); 1 was dropped." in md
    paragraphs = [d for d in dups if d["paragraph"] != ""]
    dropped = sum(d["action"] == "dropped" for d in paragraphs)
    assert f"{len(paragraphs)} paragraphs repeated an earlier document's; {dropped} dropped" in md
    # The Russian item: recorded, not scored, and not reported as "no evidence".
    assert table["zz_russian"]["language"] == "ru" and table["zz_russian"]["status"] == "not scored"
    assert "zz\\_russian (not scored: language ru)" in md  # Markdown-escaped id
    assert "1 document (language ru: 1)" in md
    stance_docs = {r["doc_id"] for r in csv.DictReader(open(seed_chain / "reports/tables/stance_by_document.csv",
                                                            encoding="utf-8"))}
    assert "zz_russian" not in stance_docs and whole[0]["doc_id"] not in stance_docs
    assert not any("Президент" in line for line in
                   (seed_chain / "data/processed/segments.jsonl").read_text(encoding="utf-8").splitlines())


def test_thin_topic_data_and_unmeasured_scores_are_said_in_words(seed_chain, tmp_path):
    import json
    import subprocess

    copy = tmp_path / "run"
    shutil.copytree(seed_chain, copy, symlinks=True)
    path = copy / "reports/metrics/topics.json"
    topics = json.loads(path.read_text(encoding="utf-8"))
    topics.update(caveats=["12 training segments for up to 8 topics (fewer than 10 per topic): topics rest on a "
                           "handful of segments"],
                  perplexity=None, perplexity_note="not reported: the held-out set has 2 segment(s)",
                  stability=None, stability_note="not measured (lda.stability_seeds = 0)")
    path.write_text(json.dumps(topics), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pipeline.report"], cwd=copy, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    md = (copy / "reports/index.md").read_text(encoding="utf-8")
    section = md[md.index("## Topics"):]
    # The caveat opens the section, before any figure of it.
    assert section.index("**Caveat: the data are thin for these topics.**") < section.index("**How to read the coherence figures.**")
    assert "12 training segments for up to 8 topics" in section
    assert "held-out perplexity not reported: the held-out set has 2 segment(s)" in section
    assert r"stability across seeds not measured (lda.stability\_seeds = 0)" in section  # Markdown-escaped
    glance = next(line for line in md.splitlines() if line.startswith("**At a glance:**"))
    assert "stability across seeds not measured" in glance and "thin data" in glance
    # The seed run itself is neither thin nor unmeasured.
    seed_md = (seed_chain / "reports/index.md").read_text(encoding="utf-8")
    assert "Caveat: the data are thin" not in seed_md and "not measured" not in seed_md


def test_development_figures_are_never_the_headline(seed_chain, tmp_path):
    import subprocess

    md = (seed_chain / "reports/index.md").read_text(encoding="utf-8")
    glance = next(line for line in md.splitlines() if line.startswith("**At a glance:**"))
    assert "not validated on this corpus" in glance and "macro-F1" not in glance
    stance = md[md.index("## Stance"):md.index("## Validation")]
    assert "> **Unvalidated for this corpus.**" in stance.split("\n\n")[1]
    assert "**No held-out validation for this corpus.**" in md[md.index("## Validation"):]
    # With a held-out file, its figure (not the development one) is the headline, and the warnings go.
    copy = tmp_path / "run"
    shutil.copytree(seed_chain, copy, symlinks=True)
    # The report reads each gold file's figures from the per-file table (the metrics hold a headline only).
    path = copy / "reports/tables/stance_eval_files.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        files = list(csv.DictReader(fh))
    dev = {k: float(v) for k, v in files[0].items() if k.endswith("macro_f1")}
    files.append(dict(files[0], name="ours", role="held-out", file="coding/ours.jsonl", n="200",
                      stance_macro_f1="0.6123", stance_macro_f1_ci_low="0.55", stance_macro_f1_ci_high="0.67"))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(files[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(files)
    proc = subprocess.run([sys.executable, "-m", "pipeline.report"], cwd=copy, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    md = (copy / "reports/index.md").read_text(encoding="utf-8")
    glance = next(line for line in md.splitlines() if line.startswith("**At a glance:**"))
    assert "held-out hand-coded sentences of this corpus (ours, 200 rows): macro-F1 0.61 [0.55, 0.67]" in glance
    assert f"{dev['stance_macro_f1']:.2f}" not in glance.split("stance scorer")[1]
    assert "Unvalidated for this corpus" not in md and "No held-out validation" not in md
    table = md[md.index("| file | role | rows |"):]
    assert table.index("| ours | held-out |") < table.index("| development |")


def test_no_gold_file_at_all_says_so_and_shows_no_empty_tables(seed_chain, tmp_path):
    import subprocess

    copy = tmp_path / "run"
    shutil.copytree(seed_chain, copy, symlinks=True)
    for name in ("stance_eval_files", "stance_eval"):  # what stance_eval writes when stance.validation is []
        path = copy / f"reports/tables/{name}.csv"
        header = path.read_text(encoding="utf-8").splitlines()[0]
        path.write_text(header + "\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pipeline.report"], cwd=copy, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    md = (copy / "reports/index.md").read_text(encoding="utf-8")
    stance = md[md.index("## Stance"):md.index("## Validation")]
    assert "no gold file is listed at all" in stance and "development sentences" not in stance
    validation = md[md.index("## Validation"):md.index("## Methods")]
    assert "`stance.validation` lists no gold file" in validation
    assert "development sets" not in validation and "| file | role | rows |" not in validation
    # The instructions include composing the parameters again, or the listed file never reaches params.yaml.
    assert "python -m pipeline.config compose" in validation


CODE_IDS = ["000_e05ebabda265589a#0001", "a*b*c", "x|y", "back`tick", "``double``", "`edge", "a_b_c|d`e#f*g",
            "<script>x</script>", "plain"]


def _code_texts(html_text: str) -> list[str]:
    import html

    return [html.unescape(c) for c in re.findall(r"<code>(.*?)</code>", html_text, re.S)]


@pytest.mark.parametrize("value", CODE_IDS)
def test_code_spans_show_ids_literally_in_tables_and_text(value):
    """The escaper knows it is inside a code span: no backslash shows, no pipe splits a row."""
    from markdown_it import MarkdownIt

    from pipeline.core.io import markdown_code

    span = markdown_code(value)
    doc = (f"> an excerpt — {span}, share 0.9\n\n"
           f"| id | share |\n|---|---|\n| {span} | 0.9 |\n")
    python_markdown = markdown_to_html(doc, Path("."), "t")
    # GitHub's renderer splits table rows on every unescaped pipe, even inside code spans, as markdown-it does.
    gfm = MarkdownIt("commonmark").enable("table").render(doc)
    for rendered in (python_markdown, gfm):
        assert _code_texts(rendered) == [value, value], rendered
        assert rendered.count("<td>") == 2  # one row of two cells: the pipe did not split it
        assert "<script" not in rendered


def test_report_code_spans_carry_no_escapes(seed_chain):
    md = (seed_chain / "reports/index.md").read_text(encoding="utf-8")
    spans = re.findall(r"(?<!`)`([^`\n]+)`(?!`)", md)
    segments = [s for s in spans if "#" in s]
    assert segments, "the representative segments are listed with their ids"
    assert not [s for s in spans if "\\" in s], [s for s in spans if "\\" in s][:5]
    html_text = (seed_chain / "reports/index.html").read_text(encoding="utf-8")
    assert not [c for c in _code_texts(html_text) if "\\_" in c or "\\#" in c]


def test_reviewer_reads_scales_limits_and_meanings(seed_chain, composed_params):
    from workspace import groups, lexicon

    """What a reviewer needs to read the numbers: scales, minimum n, pole meanings, legend, dates left out."""
    md = (seed_chain / "reports/index.md").read_text(encoding="utf-8")
    glance = next(line for line in md.splitlines() if line.startswith("**At a glance:**"))
    assert "on a scale from −1 to +1" in glance and "0.05 to 0.2" in glance
    topics = md[md.index("## Topics"):md.index("## Stance")]
    assert "Lau, Newman and Baldwin 2014" in topics and "Röder, Both and Hinneburg 2015" in topics
    # Stance: what each theme's poles mean, from the theme files.
    stance = md[md.index("## Stance"):md.index("## Validation")]
    for name, theme in lexicon(composed_params)["themes"].items():
        for pole in theme["poles"].values():
            assert pole["description"] in stance, (name, pole["description"])
    assert "| theme | −1 means | +1 means |" in stance
    # Minimum n: no interval of one or two sentences, and the cell says so.
    rows = [line for line in stance.splitlines() if re.match(r"\| \S+ \| \w+ \| evidence \|", line)]
    assert rows
    for line in rows:
        cells = [c.strip() for c in line.strip("|").split("|")]
        n = int(cells[6])
        if n < groups(composed_params)["stance"]["bootstrap"]["min_sentences"]:
            assert cells[5] == f"too few to estimate (n = {n})", line
    assert "[0.00, 0.00]" not in md
    # Evidence legend: theme cues and general-lexicon words are told apart.
    assert "_italics_†: general-lexicon (VADER) word" in stance
    # Dates: documents without one are counted, not silently dropped.
    assert re.search(r"\d+ of \d+ documents have no date and are left out", md)
    # Dates in table cells stay on one line in the HTML (a narrow column broke them at the hyphens).
    html_text = (seed_chain / "reports/index.html").read_text(encoding="utf-8")
    assert re.search(r'<td style="white-space:nowrap">\d{4}-\d{2}-\d{2}</td>', html_text)
    assert not re.search(r"<td>\d{4}-\d{2}-\d{2}</td>", html_text)
    # Methods: the interval resamples documents.
    assert "resamples documents, each with all its sentences (a cluster bootstrap)" in md


def test_provenance_identifies_python_and_corpus_contents(seed_chain):
    import hashlib
    import platform

    from pipeline.report.provenance import corpus_digest

    md = (seed_chain / "reports/index.md").read_text(encoding="utf-8")
    prov = md[md.index("## Provenance"):]
    table = [line for line in prov.splitlines() if line.startswith("|")]
    assert table[0] == "| item | value |"  # a header that says something, not an empty row
    assert not any(re.fullmatch(r"\|(\s*\|)+", line) for line in table)
    assert f"| Python | {platform.python_version()} |" in prov
    import yaml

    corpus = Path(yaml.safe_load((seed_chain / "params.yaml").read_text(encoding="utf-8"))["corpus"]["path"])
    digest = corpus_digest(corpus)
    assert digest["kind"] == "folder" and f"`{digest['sha256']}`" in prov
    # The folder digest is over names and contents: a file's bytes change it, its time does not.
    folder = corpus.parent / "digest_check"
    folder.mkdir(exist_ok=True)
    (folder / "a.txt").write_text("one", encoding="utf-8")
    first = corpus_digest(folder)["sha256"]
    (folder / "a.txt").write_text("two", encoding="utf-8")
    assert corpus_digest(folder)["sha256"] != first
    (folder / "a.txt").write_text("one", encoding="utf-8")
    assert corpus_digest(folder)["sha256"] == first
    single = corpus_digest(folder / "a.txt")
    assert single == {"sha256": hashlib.sha256(b"one").hexdigest(), "files": 1, "kind": "file"}


def test_provenance_identifies_the_lexicons_by_content(seed_chain, root, tmp_path):
    """The lexicons left params.yaml, so the provenance hashes the files the run read."""
    import yaml

    from pipeline.report.provenance import lexicon_digest

    prov = (seed_chain / "reports/index.md").read_text(encoding="utf-8").split("## Provenance")[1]
    themes = yaml.safe_load((seed_chain / "params.yaml").read_text(encoding="utf-8"))["themes"]
    row = next(line for line in prov.splitlines() if line.startswith("| lexicons SHA-256"))
    assert row.endswith(f"| `{lexicon_digest(root, themes)}` |"), row
    assert "`lexicon/stance.yaml`" in row and all(f"`lexicon/themes/{t}.yaml`" in row for t in themes)
    shutil.copytree(root / "lexicon", tmp_path / "lexicon")
    first = lexicon_digest(tmp_path, themes)
    assert first == lexicon_digest(root, themes) and first != lexicon_digest(tmp_path, themes[:1])
    path = tmp_path / "lexicon/themes/sanctions.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("illegal: 1.0", "illegal: 0.5"), encoding="utf-8")
    assert lexicon_digest(tmp_path, themes) != first


def _set_csv(path: Path, change) -> None:
    import csv

    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    for i, r in enumerate(rows):
        change(i, r)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def _rerun_report(copy: Path) -> str:
    import subprocess

    proc = subprocess.run([sys.executable, "-m", "pipeline.report"], cwd=copy, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return (copy / "reports/index.md").read_text(encoding="utf-8")


def test_topics_coherence_stability_and_grid_edge_are_said(seed_chain, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(seed_chain, copy, symlinks=True)
    tables = copy / "reports/tables"
    # Every topic negative, k the largest of the grid with NPMI rising into it.
    _set_csv(tables / "topics.csv", lambda i, r: r.update(c_npmi=str(-0.1 - i / 100), stable="yes"))
    ks = []
    _set_csv(tables / "topic_selection.csv", lambda i, r: (ks.append(int(r["k"])), r.update(c_npmi=str(-0.3 + i / 10))))

    def choose_last(i, r):
        r["chosen"] = "1" if int(r["k"]) == max(ks) else "0"

    _set_csv(tables / "topic_selection.csv", choose_last)
    md = _rerun_report(copy)
    glance = next(line for line in md.splitlines() if line.startswith("**At a glance:**"))
    assert "**every topic has negative NPMI, so the topics are too incoherent to interpret**" in glance
    assert f"k = {max(ks)} is the largest k searched" in glance
    topics = md[md.index("## Topics"):md.index("## Stance")]
    assert "> **These topics are too incoherent to interpret.**" in topics
    step = ks[-1] - ks[-2]
    wider = ",".join(str(max(ks) + i * step) for i in range(4))
    assert f"`dvc exp run -S 'lda.num_topics=[{wider}]'`" in topics
    assert "c_npmi was still rising there" in topics
    # NPMI rising into the largest k: no advice to take fewer topics beside the advice to search more.
    assert "fewer, broader topics" not in md and "more documents are needed" in topics

    # One coherent topic, one unstable one, k inside the grid: none of those warnings, the unstable topic named.
    _set_csv(tables / "topics.csv", lambda i, r: r.update(c_npmi="0.12" if i == 0 else r["c_npmi"],
                                                           stable="no" if i == 1 else "yes"))
    middle = sorted(ks)[len(ks) // 2]
    _set_csv(tables / "topic_selection.csv", lambda i, r: r.update(chosen="1" if int(r["k"]) == middle else "0"))
    md = _rerun_report(copy)
    glance = next(line for line in md.splitlines() if line.startswith("**At a glance:**"))
    label = next(line for line in md.splitlines() if line.startswith("| 1 |")).split(" | ")[1]
    assert f"unstable: topic 1 ({label})" in glance
    assert "too incoherent" not in md and "edge of the grid" not in md and "largest k searched" not in md
    overview = md[md.index("## Corpus overview"):md.index("## Preprocessing")]
    assert "0 input files or rows were skipped" in overview
    _set_csv(copy / "reports/tables/corpus.csv", lambda i, r: r.update(status="skipped") if i == 0 else None)
    assert "1 input file or row was skipped" in _rerun_report(copy)


@pytest.mark.parametrize("grid, chosen, expected", [
    ([4, 6, 8], 8, {"side": "largest", "suggest": [8, 10, 12, 14]}),
    ([4, 6, 8], 4, {"side": "smallest", "suggest": [2, 3, 4]}),
    ([10, 20, 30], 10, {"side": "smallest", "suggest": [2, 5, 10]}),
    ([4, 6, 8], 6, None),
    ([4, 8], 8, None),  # two values: no grid to be at the edge of
])
def test_grid_edge(grid, chosen, expected):
    from pipeline.report.stage import grid_edge

    rows = [{"k": str(k), "c_npmi": str(k / 100), "chosen": "1" if k == chosen else "0"} for k in grid]
    edge = grid_edge(rows, "c_npmi")
    if expected is None:
        assert edge is None
    else:
        assert {k: edge[k] for k in expected} == expected and edge["k"] == chosen


def test_provenance_of_a_job_names_the_parameters_that_differ_from_the_commit(tmp_path):
    """A sweep job runs on its own params.yaml in its own folder, which git status of the project does not see."""
    import subprocess

    import yaml

    from pipeline.report.provenance import changed_parameters, git_state

    project = tmp_path / "project"
    (project / "seeds").mkdir(parents=True)
    (project / "seeds/a.txt").write_text("text", encoding="utf-8")
    committed = {"corpus": {"path": "seeds"}, "lda": {"passes": 20, "num_topics": [4, 8]}}
    (project / "params.yaml").write_text(yaml.safe_dump(committed), encoding="utf-8")
    for cmd in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c"]):
        subprocess.run(["git", "-C", str(project), *cmd], check=True)
    state = git_state(project)
    assert state["dirty"] is False
    job = project / "multirun/0"
    same = {"corpus": {"path": str(project / "seeds")}, "lda": {"passes": 20, "num_topics": [4, 8]}}
    # The job writes corpus.path absolute: the same folder is no change.
    assert changed_parameters(project, state["commit"], same, job) == []
    other = {"corpus": {"path": str(project / "seeds")}, "lda": {"passes": 3, "num_topics": [4, 8], "extra": 1}}
    assert changed_parameters(project, state["commit"], other, job) == ["lda.extra", "lda.passes"]
    assert changed_parameters(project, None, other, job) is None


def test_methods_text_says_what_was_computed(params):
    from pipeline.core.config import group
    from pipeline.report import methods
    from pipeline.topics import SCHEMA as LDA
    from pipeline.tfidf import SCHEMA as TFIDF

    tf = group(params, "tfidf", TFIDF)
    for bounds, words in (([1, 1], "single words"), ([2, 2], "word 2-grams"), ([1, 2], "word 1- to 2-grams")):
        tf["ngram_range"] = bounds
        assert f"one row per {tf['unit']}, {words}, terms" in methods.tfidf(tf)
    lda = group(params, "lda", LDA)
    lda["num_topics"] = [4, 8]
    assert "perplexity on" in methods.lda(lda, 8)
    note = "not reported: the held-out set has 1 segment(s)"
    text = methods.lda(lda, 8, note)
    assert "perplexity on" not in text and f"not by held-out perplexity ({note}); k = 8 was chosen" in text
