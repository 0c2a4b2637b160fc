"""Imported by Hydra's plugin discovery when DVC composes conf/ for `dvc exp run`.

`.dvc/config` names this folder's parent as `hydra.plugins_path`; DVC puts it
on sys.path and lets Hydra scan `hydra_plugins`, so this runs before the
composition: an override of a key that does not exist then gets the
project's one-line message (pipeline/core/config/composition.py).
"""
try:
    from pipeline.core.config.composition import install
except ImportError:  # the project is not installed where DVC runs: Hydra's own message
    pass
else:
    install()
