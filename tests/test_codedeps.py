"""dvc.yaml lists as each stage's code exactly the files of pipeline/ its command imports."""
from __future__ import annotations

from pathlib import Path

import yaml

from pipeline import codedeps as D

PROJECT = Path(__file__).resolve().parent.parent
DVC_YAML = PROJECT / "dvc.yaml"


def _stages(path: Path = DVC_YAML) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["stages"]


def test_every_stage_lists_exactly_the_code_it_imports():
    assert D.differences(DVC_YAML) == []


def _mutated(tmp_path: Path, change) -> Path:
    spec = yaml.safe_load(DVC_YAML.read_text(encoding="utf-8"))
    change(spec["stages"])
    out = tmp_path / "dvc.yaml"
    out.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return out


def test_a_dependency_removed_from_dvc_yaml_is_named_with_its_stage(tmp_path):
    # The bug this guards against: report imports io.py (escaping, tables); without it in
    # its deps, a change to io.py never reaches reports/.
    # io.py now sits in pipeline/core, which every stage lists as one folder.
    def drop_core(stages):
        stages["report"]["deps"].remove("pipeline/core")

    lines = D.differences(_mutated(tmp_path, drop_core))
    assert "stage report: pipeline/core/io.py is imported by `python -m pipeline.report` but not in its deps" in lines
    assert all(line.startswith("stage report: pipeline/core/") for line in lines)


def test_a_folder_dependency_with_a_file_the_stage_never_imports_is_named(tmp_path):
    # a folder stands for every file in it: one module no stage imports breaks "exactly its imports"
    for rel, text in {"pipeline/__init__.py": "", "pipeline/core/__init__.py": "", "pipeline/core/io.py": "",
                      "pipeline/core/cli.py": "", "pipeline/a/__init__.py": "from ..core import io\n"}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    spec = {"stages": {"a": {"cmd": "python -m pipeline.a", "deps": ["pipeline/__init__.py", "pipeline/a",
                                                                      "pipeline/core"]}}}
    (tmp_path / "dvc.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    assert D.differences(tmp_path / "dvc.yaml", tmp_path) == [
        "stage a: pipeline/core/cli.py is in its deps but `python -m pipeline.a` never imports it"]
    assert D.as_listed(D.closure("pipeline.a", tmp_path), tmp_path) == [
        "pipeline/__init__.py", "pipeline/a", "pipeline/core/__init__.py", "pipeline/core/io.py"]


def test_a_template_removed_from_the_report_deps_is_named(tmp_path):
    def drop_folder(stages):
        stages["report"]["deps"].remove("pipeline/report")

    lines = D.differences(_mutated(tmp_path, drop_folder))
    assert "stage report: pipeline/report/templates/report.md.j2 is imported by `python -m pipeline.report` " \
           "but not in its deps" in lines


def test_a_dependency_no_module_imports_is_named(tmp_path):
    def add_sweep(stages):
        stages["ingest"]["deps"].append("pipeline/sweep.py")

    assert D.differences(_mutated(tmp_path, add_sweep)) == [
        "stage ingest: pipeline/sweep.py is in its deps but `python -m pipeline.ingest` never imports it"]


def test_imports_inside_functions_relative_imports_and_package_data_count(tmp_path):
    files = {
        "pipeline/__init__.py": "",
        "pipeline/shared.py": "",
        "pipeline/unused.py": "",
        "pipeline/a/__init__.py": "from .stage import run\n",
        "pipeline/a/__main__.py": "def main():\n    from ..b import helper\n    from .. import shared\n",
        "pipeline/a/stage.py": "import os\nfrom . import sub\n",
        "pipeline/a/sub.py": "",
        "pipeline/a/templates/page.j2": "text",
        "pipeline/b/__init__.py": "",
        "pipeline/b/helper.py": "import pipeline.shared\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    got = {p.as_posix() for p in D.closure("pipeline.a", tmp_path)}
    assert got == {"pipeline/__init__.py", "pipeline/shared.py", "pipeline/a/__init__.py", "pipeline/a/__main__.py",
                   "pipeline/a/stage.py", "pipeline/a/sub.py", "pipeline/a/templates/page.j2",
                   "pipeline/b/__init__.py", "pipeline/b/helper.py"}
    assert D.as_listed({Path(p) for p in got}, tmp_path) == [
        "pipeline/__init__.py", "pipeline/a", "pipeline/b", "pipeline/shared.py"]


def test_stage_commands_name_their_module():
    modules = {name: D.stage_module(s["cmd"]) for name, s in _stages().items()}
    assert modules["stance_eval"] == "pipeline.stance"
    assert all(m is not None for m in modules.values()), modules
