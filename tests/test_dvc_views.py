"""DVC views a person can read: an offline plots page, metrics reported once (issue 14)."""
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
    assert {m["role"] for m in evaluation.values()} <= {"development", "held-out"}
