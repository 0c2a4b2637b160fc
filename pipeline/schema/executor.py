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
        "address": C.Free(_address, "null (local processes) or a Dask scheduler address such as tcp://host:8786"),
        "n_jobs": C.Int(min=0),
        "partition_size": C.Int(min=1),
    }
)
