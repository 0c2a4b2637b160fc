"""Reading and validating ``params.yaml``, and recomposing it from ``conf/``.

``conf/`` is the Hydra tree; ``params.yaml`` is its composition. DVC recomposes
it on ``dvc exp run`` (``hydra.enabled`` in ``.dvc/config``) and ``dvc repro``
reads it as it is. Stages never use ``@hydra.main``: they read ``params.yaml``
and validate its groups at their entry, so ``run`` only ever sees validated
groups.

The package is split along what changes together: the field types of the
schemas (:mod:`.fields`), reading ``params.yaml`` (:mod:`.params`), Hydra
composition (:mod:`.composition`) and the lexicon files (:mod:`.lexicons`).
The command line is the separate package :mod:`pipeline.config`, which no
stage imports::

    python -m pipeline.config compose [overrides...]   # rewrite params.yaml from conf/
    python -m pipeline.config check                    # exit 1 if params.yaml is stale
"""
from ..errors import UserError
from .composition import compose
from .fields import AnyOf, Bool, Field, Float, Free, Int, List, Regex, Section, Str, fail, optional
from .params import CONF_DIR, PARAMS_FILE, dump_params, group, load_params

__all__ = ["AnyOf", "Bool", "CONF_DIR", "Field", "Float", "Free", "Int", "List", "PARAMS_FILE", "Regex", "Section",
           "Str", "UserError", "compose", "dump_params", "fail", "group", "load_params", "optional"]
