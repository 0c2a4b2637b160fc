"""DVC views a person can read: an offline plots page, metrics reported once, a table of few columns (issue 14)."""
from __future__ import annotations

import json
import re
import sys

import pytest
import yaml

from test_dvc import repo, sh  # noqa: F401  (the scratch git repository fixture)

pytestmark = pytest.mark.slow

NETWORK = re.compile(r"(?:https?:)?//[\w.-]+\.\w{2,}", re.I)


def test_dvc_yaml_declares_image_plots_only(root):
    spec = yaml.safe_load((root / "dvc.yaml").read_text(encoding="utf-8"))
    assert not [name for name, st in spec["stages"].items() if st.get("plots")], "a data plot pulls scripts from a CDN"
    plots = [next(iter(p)) if isinstance(p, dict) else p for p in spec["plots"]]
    assert plots and all(p.endswith((".png", ".svg", ".jpg")) for p in plots)
    assert "/dvc_plots/" in (root / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_plots_page_references_no_network_address(repo, tmp_path):  # noqa: F811
    out = tmp_path / "plots"
    sh(repo, sys.executable, "-m", "dvc", "plots", "show", "-o", str(out))
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<img" in page
    assert not NETWORK.findall(page), NETWORK.findall(page)[:5]
    assert "<script src" not in page
    # Every image the page shows was written beside it.
    for src in re.findall(r'<img[^>]*src="([^"]+)"', page):
        assert src.startswith("data:") or (out / src).is_file(), src


def _flat(node, prefix=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _flat(v, f"{prefix}{k}.")
    else:
        yield prefix.rstrip(".")


def test_validation_metrics_are_reported_once(root):
    """Development-set figures live in stance_eval.json only, not again in stance.json."""
    stance = set(_flat(json.loads((root / "reports/metrics/stance.json").read_text(encoding="utf-8"))))
    evaluation = json.loads((root / "reports/metrics/stance_eval.json").read_text(encoding="utf-8"))
    assert not [k for k in stance if k.startswith("validation") or "macro_f1" in k or k.split(".")[0] in evaluation]
    assert set(evaluation) <= {"development", "held_out"}


# ------------------------------------------------ the columns of `dvc exp show`
#: What `dvc exp show --csv` prints before any parameter, metric or dependency (DVC 3).
FIXED = ["Experiment", "rev", "typ", "Created", "parent"]
#: The budget of the table: what a person compares, parameters and headline metrics.
MAX_COLUMNS = 80


def param_columns(params: dict) -> list[str]:
    """One column per leaf of params.yaml, as DVC flattens it: a mapping is one per key, a list one."""
    def walk(node, prefix):
        if isinstance(node, dict) and node:
            for k, v in node.items():
                yield from walk(v, f"{prefix}{k}.")
        else:
            yield prefix.rstrip(".")
    return list(walk(params, ""))


def metric_columns(value, prefix="") -> list[str]:
    """One column per number or string of a metrics file; DVC drops nulls and lists (dvc.repo.metrics.show)."""
    if isinstance(value, dict):
        return [c for k, v in value.items() for c in metric_columns(v, f"{prefix}{k}.")]
    return [prefix.rstrip(".")] if isinstance(value, (int, float, str)) else []


def declared(root, kind: str) -> list[str]:
    spec = yaml.safe_load((root / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    return [next(iter(e)) if isinstance(e, dict) else e for st in spec.values() for e in st.get(kind, [])]


def table_columns(root) -> dict[str, list[str]]:
    """The columns `dvc exp show` makes of this project, by kind (one experiment, the workspace)."""
    params = yaml.safe_load((root / "params.yaml").read_text(encoding="utf-8"))
    metrics = [f"{m}:{c}" for m in declared(root, "metrics")
               for c in metric_columns(json.loads((root / m).read_text(encoding="utf-8")))]
    deps = sorted({d.replace("${corpus.path}", params["corpus"]["path"]) for d in declared(root, "deps")})
    return {"fixed": FIXED, "params": param_columns(params), "metrics": metrics, "deps": deps}


def test_the_table_shows_what_a_person_compares(root, composed_params):
    """Parameters one sets, headline metrics and the dependency hashes fit in 80 columns, without --drop.

    Lexicons and per-theme detail are not columns; code shared by every stage is one folder
    (pipeline/core) and the report reads the stages' tables, figures and metrics as three folders.
    """
    cols = table_columns(root)
    assert sum(len(v) for v in cols.values()) <= MAX_COLUMNS, {k: len(v) for k, v in cols.items()}
    assert len(cols["deps"]) <= 30, cols["deps"]
    assert len(cols["params"]) <= 40, cols["params"]  # the knobs, not the lexicons (~790 leaves before)
    assert not [c for c in cols["params"] if c.startswith(("stance.rules", "stance.polarity.overrides", "themes."))]
    # Stable metric names: no theme and no gold file names a column, so adding one adds none.
    names = [*composed_params["themes"], *(v["name"] for v in yaml.safe_load(
        (root / "params.yaml").read_text(encoding="utf-8"))["stance"]["validation"])]
    assert not [c for c in cols["metrics"] for n in names if n in c.split(":", 1)[1].split(".")
                or c.split(":", 1)[1].startswith(f"{n}_")], cols["metrics"]
    assert len(cols["metrics"]) <= 25, cols["metrics"]


def test_a_theme_file_is_a_dependency_of_the_stages_that_read_it(root):
    """Lexicons left params.yaml, so a cue weight is tracked as a file: editing it re-runs these stages."""
    stages = yaml.safe_load((root / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    deps = {name: [next(iter(d)) if isinstance(d, dict) else d for d in st.get("deps", [])]
            for name, st in stages.items()}
    for name in ("stance", "stance_eval", "report"):
        assert "lexicon/themes" in deps[name], name
        assert "themes" in stages[name]["params"], name  # the selection is a parameter
    for name in ("stance", "stance_eval"):
        assert "lexicon/stance.yaml" in deps[name], name
    for name in ("ingest", "preprocess", "tfidf", "topics"):
        assert not [d for d in deps[name] if d.startswith("lexicon")], name


def test_dvc_counts_the_columns_as_the_table_model_does(repo):  # noqa: F811
    """`dvc exp show --csv` has exactly the fixed, parameter, metric and dependency columns counted here.

    DVC adds one column per dependency path of dvc.yaml (a hash), whatever the options; the
    README shows how to drop them (`--drop`) when comparing runs.
    """
    header = sh(repo, sys.executable, "-m", "dvc", "exp", "show", "--csv").stdout.splitlines()[0].split(",")
    cols = table_columns(repo)
    assert len(header) == sum(len(v) for v in cols.values()), (len(header), {k: len(v) for k, v in cols.items()})
    assert set(cols["deps"]) <= set(header)
    kept = sh(repo, sys.executable, "-m", "dvc", "exp", "show", "--csv", "--drop", DROP_DEPS)
    assert len(kept.stdout.splitlines()[0].split(",")) == len(header) - len(cols["deps"])


#: The README's pattern for hiding the dependency columns (file hashes) of `dvc exp show`.
DROP_DEPS = "^(pipeline|reports|data|lexicon|seeds|tests|coding)(/[^:]*)?$"


def test_editing_a_cue_weight_re_runs_stance(repo):  # noqa: F811
    """dvc status names stance, stance_eval and report after a cue weight changes in a theme file."""
    def changed(stage):
        out = sh(repo, sys.executable, "-m", "dvc", "status", stage).stdout
        return re.findall(r"modified:\s+(lexicon/\S+)", out)

    assert changed("stance") == []
    path = repo / "lexicon/themes/sanctions.yaml"
    text = path.read_text(encoding="utf-8")
    assert "    illegal: " in text
    path.write_text(re.sub(r"^(    illegal: )[\d.]+", r"\g<1>0.5", text, count=1, flags=re.M), encoding="utf-8")
    for stage in ("stance", "stance_eval", "report"):
        assert changed(stage) == ["lexicon/themes"], stage
