"""``python -m pipeline``: the whole chain as a Hydra app, for sweeps outside DVC.

    python -m pipeline                                   # one run in outputs/<time>/
    python -m pipeline -m lda.num_topics=4,8 stance.window=0,1
    python -m pipeline -m lda.num_topics=4,8 hydra/launcher=joblib
    python -m pipeline --help

Each job runs every stage of ``dvc.yaml`` in its own directory (the
workspace's ``data/`` and ``reports/`` are untouched) and records its
overrides, status and metrics in ``job.json``; a multirun ends with
``summary.csv``, ``summary.md`` and one figure per headline metric in the
sweep directory. Overrides are checked before any job starts, so a typo in a
key costs one line, not a sweep.
"""
from __future__ import annotations

import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

# Arguments that are Hydra's own, not overrides of the configuration.
_FLAGS = {"-m", "--multirun", "--help", "-h", "--hydra-help", "--info", "--resolve", "--version"}
_FLAGS_WITH_VALUE = {"--cfg", "-c", "--package", "-p", "--config-path", "-cp", "--config-name", "-cn",
                     "--config-dir", "-cd", "--experimental-rerun"}


def config_overrides(argv: list[str]) -> list[str]:
    """The overrides in ``argv`` that change the configuration (not Hydra's own)."""
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
            continue
        if a in _FLAGS_WITH_VALUE:
            skip = True
            continue
        if a in _FLAGS or a.startswith("--") or a.startswith("hydra.") or a.startswith("hydra/") \
                or a.startswith("+hydra") or a.startswith("~hydra"):
            continue
        out.append(a)
    return out


def expand_single(overrides: list[str]) -> list[list[str]]:
    """Override lists that together try every value of every swept key once.

    Each swept key varies on its own with the others at their first value, so
    validation costs the sum, not the product, of the sweep's sizes.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    from .errors import UserError

    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
    except Exception as exc:  # hydra raises its own OverrideParseException
        raise UserError(f"cannot parse overrides: {str(exc).splitlines()[0]}") from None
    values = []
    for o in parsed:
        key = o.input_line.split("=", 1)[0]
        vals = list(o.sweep_string_iterator()) if o.is_sweep_override() else [o.get_value_element_as_str()]
        values.append((key, vals))
    base = [f"{k}={v[0]}" for k, v in values]
    variants = [base]
    for i, (k, vals) in enumerate(values):
        for v in vals[1:]:
            variants.append(base[:i] + [f"{k}={v}"] + base[i + 1 :])
    return variants


def validate(overrides: list[str]) -> None:
    """Compose and validate every value the sweep will use; raise UserError on the first problem."""
    from .config import compose
    from .stages import validate_params

    for variant in expand_single(overrides):
        params = compose(variant, PROJECT / "conf")
        validate_params(params, source="overrides " + " ".join(variant) if variant else "params")


def _task(cfg) -> None:
    from hydra.core.hydra_config import HydraConfig
    from omegaconf import OmegaConf

    from .chain import run_chain
    from .io import write_json

    hc = HydraConfig.get()
    job_dir = Path(hc.runtime.output_dir)
    params = OmegaConf.to_container(cfg, resolve=True)
    result = run_chain(job_dir, PROJECT, params)
    job = {
        "num": hc.job.get("num", 0) if hc.job.get("num") is not None else 0,
        "overrides": list(hc.overrides.task),
        "status": result["status"],
        "failed_stage": result["failed_stage"],
        "error": result["error"],
        "metrics": result["metrics"],
        "dir": job_dir.name,
    }
    write_json(job_dir / "job.json", job)
    if result["status"] != "ok":
        print(f"pipeline: job {job['num']} failed in stage {result['failed_stage']}: {result['error']}",
              file=sys.stderr)


def main() -> None:
    import hydra

    from .errors import UserError, setup_logging

    setup_logging("pipeline")
    argv = sys.argv[1:]
    if not any(a in ("--help", "-h", "--hydra-help", "--info") for a in argv):
        try:
            validate(config_overrides(argv))
        except UserError as exc:
            print(f"pipeline: error: {exc}", file=sys.stderr)
            sys.exit(2)
    app = hydra.main(config_path=str(PROJECT / "conf"), config_name="config", version_base=None)(_task)
    app()


if __name__ == "__main__":
    main()

