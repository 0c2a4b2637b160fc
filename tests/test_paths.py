"""One file contract: dvc.yaml, the stages and the report name the same files, from pipeline/core/paths.py."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from pipeline.core.paths import FILES, STAGES, Paths

PROJECT = Path(__file__).resolve().parent.parent
DVC_YAML = PROJECT / "dvc.yaml"


def _names(entries) -> set[str]:
    return {next(iter(e)) if isinstance(e, dict) else str(e) for e in entries or []}


def disagreements(dvc_yaml: Path) -> list[str]:
    """Where the stages of ``dvc_yaml`` read or write other files than the contract says."""
    stages = yaml.safe_load(dvc_yaml.read_text(encoding="utf-8"))["stages"]
    out = [f"stage {s}: in dvc.yaml, not in pipeline/core/paths.py" for s in sorted(set(stages) - set(STAGES))]
    out += [f"stage {s}: in pipeline/core/paths.py, not in dvc.yaml" for s in sorted(set(STAGES) - set(stages))]
    for name in sorted(set(stages) & set(STAGES)):
        s, contract = stages[name], STAGES[name]
        deps = {d for d in _names(s.get("deps")) if not d.startswith("pipeline") and "${" not in d}
        outs = _names(s.get("outs")) | _names(s.get("metrics")) | _names(s.get("plots"))
        for kind, have, want in (("deps", deps, {FILES[n] for n in contract.inputs}),
                                 ("outs", outs, {FILES[n] for n in contract.outputs})):
            out += [f"stage {name}: {p} is in its {kind} but not in the contract" for p in sorted(have - want)]
            out += [f"stage {name}: {p} is in the contract but not in its {kind}" for p in sorted(want - have)]
    return out


def test_dvc_yaml_and_the_contract_agree():
    assert disagreements(DVC_YAML) == []


def test_a_disagreement_names_the_stage_and_the_file(tmp_path):
    spec = yaml.safe_load(DVC_YAML.read_text(encoding="utf-8"))
    spec["stages"]["topics"]["outs"] = [o for o in spec["stages"]["topics"]["outs"]  # the report reads it
                                        if "topic_selection.csv" not in str(o)]
    spec["stages"]["report"]["deps"].append("reports/tables/extra.csv")
    mutated = tmp_path / "dvc.yaml"
    mutated.write_text(yaml.safe_dump(spec), encoding="utf-8")
    assert disagreements(mutated) == [
        "stage report: reports/tables/extra.csv is in its deps but not in the contract",
        "stage topics: reports/tables/topic_selection.csv is in the contract but not in its outs"]


def _inside(path: str, folder: str) -> bool:
    return Path(path).is_relative_to(folder)


def test_a_stage_reads_folders_that_hold_none_of_its_own_outputs():
    # the report depends on reports/tables, figures and metrics as folders: writing into one would be a cycle
    for name, contract in STAGES.items():
        folders = [FILES[n] for n in contract.inputs if (PROJECT / FILES[n]).is_dir() or n.endswith("_dir")]
        for out in contract.outputs:
            assert not any(_inside(FILES[out], f) for f in folders), (name, out)


def test_every_file_the_report_reads_is_another_stages_output_inside_its_inputs():
    source = (PROJECT / "pipeline/report/stage.py").read_text(encoding="utf-8")
    read = set()
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in
                {"csv", "json", "figure", "optional_figure", "path"} and getattr(node.func.value, "id", "") == "inp"
                and node.args and isinstance(node.args[0], ast.Constant)):
            read.add(node.args[0].value)
    assert {"corpus_table", "preprocess_metrics", "topic_selection", "stance_eval_files"} <= set(read)
    inputs = [FILES[n] for n in STAGES["report"].inputs]
    for name in read:
        assert any(FILES[name] == i or _inside(FILES[name], i) for i in inputs), name
        writers = [s for s, c in STAGES.items()
                   if any(FILES[name] == FILES[o] or _inside(FILES[name], FILES[o]) for o in c.outputs)]
        assert writers and writers != ["report"], name


def test_stage_commands_name_no_paths():
    # A path option (--tables ...) would suggest moving one file without its readers.
    for name, stage in yaml.safe_load(DVC_YAML.read_text(encoding="utf-8"))["stages"].items():
        assert "/" not in stage["cmd"] and "--" not in stage["cmd"], (name, stage["cmd"])


def _code_strings(path: Path) -> list[tuple[int, str]]:
    """String constants of a module's code, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def _report_files() -> list[str]:
    return [n for n in FILES if FILES[n].startswith("reports/") and Path(FILES[n]).suffix]


def test_readers_and_writers_take_their_paths_from_the_contract():
    # a folder's name under reports/ ("tables") is a common word; its full path still counts
    contract_paths = set(FILES.values()) | {Paths().under_reports(n) for n in _report_files()}
    found = []
    for path in sorted((PROJECT / "pipeline").rglob("*.py")):
        if path.name == "paths.py":
            continue
        found += [f"{path.relative_to(PROJECT)}:{line}: {text}" for line, text in _code_strings(path)
                  if text in contract_paths]
    assert found == []


def test_the_report_template_links_files_through_the_contract():
    template = (PROJECT / "pipeline/report/templates/report.md.j2").read_text(encoding="utf-8")
    written = [Paths().under_reports(n) for n in _report_files()]
    assert [p for p in written if p in template] == []
    assert "{{ files.topic_selection }}" in template


def test_paths_are_rooted_and_unknown_names_are_refused(tmp_path):
    paths = Paths(tmp_path)
    assert paths.topic_selection == tmp_path / "reports/tables/topic_selection.csv"
    assert paths.under_reports("topic_selection") == "tables/topic_selection.csv"
    try:
        paths.topic_selektion
    except AttributeError as exc:
        assert "topic_selektion" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("an unknown name must be refused")


def test_a_missing_input_names_the_stage_that_writes_it(tmp_path):
    from pipeline.core.errors import UserError

    with pytest.raises(UserError, match=r"corpus.jsonl: not found; run the ingest stage first \(dvc repro ingest\)"):
        Paths(tmp_path).require("corpus")
    with pytest.raises(UserError, match=r"run the preprocess stage first \(dvc repro preprocess\)"):
        Paths(tmp_path).require("segments")
