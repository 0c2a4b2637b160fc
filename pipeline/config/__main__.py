"""``python -m pipeline.config compose|check|options``: keep ``params.yaml`` the composition of ``conf/``, list optional keys."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Collection

from ..core.errors import UserError, run_cli
from ..core.io import write_text
from ..core.config.composition import compose
from ..core.config.params import CONF_DIR, PARAMS_FILE, changed_keys, dump_params, leaves, load_params
from ..core.stages import validate_params

USAGE = """\
    python -m pipeline.config compose [overrides...]   # rewrite params.yaml from conf/
    python -m pipeline.config check                    # exit 1 if params.yaml is stale
    python -m pipeline.config options                  # the optional keys and their defaults (Markdown)

    overrides: Hydra overrides applied to conf/ (default: none), e.g.
               corpus=kremlin lda.num_topics=8 'themes=[sanctions,ukraine]'
    -h, --help: this text"""


def changes(before: dict, after: dict, asked: Collection[str] = ()) -> str:
    """What a new composition changes in ``params.yaml``, in one line: per group, how many values and one of them.

    A composition does not remember the overrides of the last one (``dvc exp
    run -S corpus=kremlin`` edits ``params.yaml`` in place), so a group that
    comes back to its ``conf/`` default is named here rather than reset silently.

    Parameters
    ----------
    before, after : dict
        The parameters as they were and as composed now.
    asked : collection of str
        The dotted keys (or prefixes: a group) this composition's overrides
        set; when every changed value is one of them or under one, the note
        on dropped overrides is left out.

    Returns
    -------
    str
        ``"no value changed"`` or ``"changed <group> (<n> values; <key> <old> -> <new>), ..."``, a
        group's ``name`` being the key shown when it changed.
    """
    old, new = leaves(before), leaves(after)
    keys = changed_keys(before, after)
    if not keys:
        return "no value changed"
    groups: dict[str, list[str]] = {}
    for k in keys:
        groups.setdefault(k.split(".")[0], []).append(k)
    parts = []
    for g, ks in groups.items():
        k = f"{g}.name" if f"{g}.name" in ks else ks[0]  # a group's name says most
        parts.append(f"{g} ({len(ks)} value{'s' if len(ks) > 1 else ''}; {k} {old.get(k, '(absent)')!r} -> "
                     f"{new.get(k, '(absent)')!r})")
    unasked = [k for k in keys if not any(k == a or k.startswith(a + ".") for a in asked)]
    note = (" (a composition starts from conf/: overrides of an earlier one or of `dvc exp run -S` are not kept)"
            if unasked else "")
    return f"changed {', '.join(parts)}{note}"


def main(argv: list[str]) -> int:
    """Rewrite ``params.yaml`` from ``conf/`` (``compose``), say whether it is stale (``check``), or list the
    keys ``params.yaml`` may leave out with their defaults (``options``, the README's table).

    Parameters
    ----------
    argv : list of str
        ``compose`` or ``check``, then Hydra overrides; or ``options``.

    Returns
    -------
    int
        0 when done, up to date or asked for help, 1 when ``params.yaml`` is stale, 2 on a usage error.
    """
    if argv and argv[0] in {"-h", "--help", "help"}:
        # Asked for: the usage on stdout and success; a wrong command still exits 2.
        print("usage:\n" + USAGE)
        return 0
    if argv and argv[0] == "options":
        from .options import table

        sys.stdout.write(table())
        return 0
    if not argv or argv[0] not in {"compose", "check"}:
        print(USAGE, file=sys.stderr)
        return 2
    composed = compose(argv[1:])
    if argv[0] == "compose":
        # Refused before it is written: a params.yaml every stage would reject only moves the error to dvc repro.
        validate_params(composed, f"the composition of {CONF_DIR}/")
        try:
            # What this composition's overrides set: their keys (a group's choice: the whole group) and
            # whatever they change elsewhere (a preset such as corpus=ungdc also sets lda and report).
            named = [o.split("=", 1)[0].lstrip("+~") for o in argv[1:]]
            asked = named + changed_keys(compose([]), composed) if named else []
            note = f": {changes(load_params(), composed, asked)}"
        except UserError as exc:  # compose is also how a broken params.yaml is mended
            note = f" (the previous one was unreadable: {exc})" if Path(PARAMS_FILE).exists() else ""
        write_text(PARAMS_FILE, dump_params(composed))
        print(f"wrote {PARAMS_FILE}{note}", file=sys.stderr)
        return 0
    current = load_params()
    if current != composed:
        print(f"{PARAMS_FILE} differs from the composition of {CONF_DIR}/: run `python -m pipeline.config compose`",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    run_cli("config", main)
