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

# Arguments that are Hydra's own, not overrides of the configuration (hydra-core 1.3's parser).
_FLAGS = {"-m", "--multirun", "-r", "--run", "--help", "-h", "--hydra-help", "--info", "-i", "--resolve",
          "--version"}
_FLAGS_WITH_VALUE = {"--cfg", "-c", "--package", "-p", "--config-path", "-cp", "--config-name", "-cn",
                     "--config-dir", "-cd", "--experimental-rerun"}
_CFG_CHOICES = ("job", "hydra", "all")
# With these Hydra prints and exits, so the configuration is not checked first.
_NO_RUN = {"--help", "-h", "--hydra-help", "--info", "-i", "--version", "--shell-completion", "-sc"}


def check_options(argv: list[str]) -> None:
    """Every option in ``argv`` is one of Hydra's.

    Raises
    ------
    UserError
        Naming the first unknown option and the options there are; Hydra's own
        parser prints its usage block instead.
    """
    from .core.errors import UserError

    for i, a in enumerate(argv):
        name, eq, inline = a.partition("=")
        if not a.startswith("-"):
            continue
        if name not in _FLAGS | _FLAGS_WITH_VALUE | _NO_RUN:
            known = ", ".join(sorted(o for o in _FLAGS | _FLAGS_WITH_VALUE if o.startswith("--")))
            raise UserError(f"unknown option {a!r}: the options are {known}; anything else is an override "
                            f"such as lda.num_topics=4,8 (python -m pipeline --help)")
        if name in _FLAGS_WITH_VALUE:
            value = inline if eq else (argv[i + 1] if i + 1 < len(argv) else None)
            if not value or (not eq and value.startswith("-")):
                raise UserError(f"option {name} needs a value (python -m pipeline --help)")
            if name in ("--cfg", "-c") and value not in _CFG_CHOICES:
                raise UserError(f"{name} {value!r} is not allowed: one of {', '.join(_CFG_CHOICES)}")


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
        if a.partition("=")[0] in _FLAGS_WITH_VALUE:  # -cn=name: the value is in the word
            continue
        if a in _FLAGS or a.startswith("--") or a.startswith("hydra.") or a.startswith("hydra/") \
                or a.startswith("+hydra") or a.startswith("~hydra"):
            continue
        out.append(a)
    return out


def parse(overrides: list[str]) -> list:
    """Hydra's parsed overrides; a value it cannot parse is one line that says how to quote it."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    from .core.errors import UserError

    try:
        return OverridesParser.create().parse_overrides(overrides)
    except Exception as exc:  # hydra raises its own OverrideParseException
        raise UserError(f"cannot parse overrides: {str(exc).splitlines()[0]}; {QUOTING}") from None


def expand_single(overrides: list[str]) -> list[list[str]]:
    """Override lists that together try every value of every swept key once.

    Each swept key varies on its own with the others at their first value, so
    validation costs the sum, not the product, of the sweep's sizes.
    """
    parsed = parse(overrides)
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


QUOTING = ("a value with spaces, commas, brackets or quotes goes in quotes inside the override, and the "
           "override in quotes for the shell: \"corpus.path='/data/my corpus/speeches, 2022.csv'\"")


def check_paths(overrides: list[str], root: Path = PROJECT) -> None:
    """Every file or folder an override names exists, for every value of a sweep.

    A value a comma split into a sweep ("speeches, 2022.csv") is said to be
    one, with how to quote it.

    Raises
    ------
    UserError
        Naming the key, the value that does not exist and, for a comma-split
        value, the quoting that keeps it whole.
    """
    from .core.config.composition import is_path_key
    from .core.errors import UserError

    for o in parse(overrides):
        key = o.input_line.partition("=")[0]
        if not is_path_key(key):
            continue
        values = list(o.sweep_iterator()) if o.is_sweep_override() else [o.value()]
        for value in values:
            if value is None or not isinstance(value, str) or not value:
                continue
            path = Path(value) if Path(value).is_absolute() else root / value
            if path.exists():
                continue
            hint = (f"; the comma in {o.input_line!r} made it a sweep over {len(values)} values: {QUOTING}"
                    if len(values) > 1 and "," in o.input_line.partition("=")[2] else "")
            raise UserError(f"{key} = {value!r}: no such file or folder{hint}")


def validate(overrides: list[str]) -> None:
    """Compose and validate every value the sweep will use; raise UserError on the first problem."""
    from .core.config import compose
    from .core.config.composition import check_words
    from .core.stages import validate_params

    check_words(overrides)
    check_paths(overrides)
    for variant in expand_single(overrides):
        params = compose(variant, PROJECT / "conf")
        validate_params(params, source="overrides " + " ".join(variant) if variant else "params", root=PROJECT)


def _task(cfg) -> None:
    from hydra.core.hydra_config import HydraConfig
    from omegaconf import OmegaConf

    from .chain import run_chain
    from .core.io import write_json

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
        "warnings": result["warnings"],
        "dir": job_dir.name,
    }
    write_json(job_dir / "job.json", job)
    if result["status"] != "ok":
        print(f"pipeline: job {job['num']} failed in stage {result['failed_stage']}: {result['error']}",
              file=sys.stderr)
        _FAILED.append(job)


# Jobs of this process that failed (a single run, or a multirun on the basic
# launcher); a multirun's summary callback also records its failures (sweep.FAILED),
# whichever launcher ran the jobs.
_FAILED: list[dict] = []


def exit_status() -> int:
    """1 when a job of this run failed (and says which), else 0."""
    from . import sweep

    failed = sweep.FAILED or _FAILED
    if not failed:
        return 0
    names = ", ".join(f"job {j.get('num')} ({j.get('failed_stage')})" for j in failed)
    print(f"pipeline: {len(failed)} job(s) failed: {names}", file=sys.stderr)
    return 1


def main() -> None:
    import hydra

    from .core.errors import UserError, setup_logging

    setup_logging("pipeline")
    argv = sys.argv[1:]
    if not any(a.split("=", 1)[0] in _NO_RUN for a in argv):
        try:
            check_options(argv)
            validate(config_overrides(argv))
        except UserError as exc:
            print(f"pipeline: error: {exc}", file=sys.stderr)
            sys.exit(2)
    app = hydra.main(config_path=str(PROJECT / "conf"), config_name="config", version_base=None)(_task)
    app()
    sys.exit(exit_status())


if __name__ == "__main__":
    main()

