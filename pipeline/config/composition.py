"""Composing ``conf/`` with Hydra into what ``params.yaml`` holds, as DVC does for ``dvc exp run``."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from ..errors import UserError
from .params import CONF_DIR


def compose(overrides: Sequence[str] = (), conf_dir: str | os.PathLike = CONF_DIR) -> dict:
    """Compose ``conf/config.yaml`` with Hydra, as DVC does for ``dvc exp run``."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.errors import HydraException
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    from .overrides import install

    install()  # an unknown key gets our one line with the keys that exist, as under dvc exp run
    try:
        with initialize_config_dir(config_dir=str(Path(conf_dir).resolve()), version_base=None):
            cfg = hydra_compose(config_name="config", overrides=list(overrides))
        return OmegaConf.to_container(cfg, resolve=True)  # type: ignore[return-value]
    except (HydraException, OmegaConfBaseException) as exc:
        raise UserError(f"composing {conf_dir}/: {str(exc).splitlines()[0]}") from None
