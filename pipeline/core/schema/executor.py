"""The ``executor`` group's schema."""
from __future__ import annotations

import re
from typing import Any

from .. import config as C
from ..errors import UserError

# scheme://host:port, host:port or scheme://host; what distributed.Client accepts.
_ADDRESS = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?\[?[\w.:-]+\]?(?::\d+)?$", re.IGNORECASE)


def _address(key: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _ADDRESS.match(value.strip()):
        raise UserError(f"{key} = {value!r} is not allowed: null (local processes) or a Dask scheduler "
                        "address such as tcp://host:8786")
    return value.strip()


SCHEMA = C.Section(
    {
        # null: local processes; tcp://host:8786: that Dask scheduler (pip install -e '.[dask]')
        "address": C.optional(
            C.Free(_address, "null (local processes) or a Dask scheduler address such as tcp://host:8786"), None),
        "n_jobs": C.Int(min=0),  # local processes (0: one per core; 1: all in the stage's own process)
        # documents per task in preprocessing and stance scoring
        "partition_size": C.optional(C.Int(min=1), 16),
    }
)
