"""``python -m pipeline.config``: the command that keeps ``params.yaml`` the composition of ``conf/``.

The settings code itself (reading, validating and composing) is :mod:`pipeline.core.config`,
which every stage imports; this package is only the command line (:mod:`.__main__`) and the
table of optional keys it prints (:mod:`.options`), which no stage needs.
"""
