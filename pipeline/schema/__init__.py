"""One module per config group: the schema its owning stage validates it with, and nothing else.

The schemas live apart from the stages' code because every stage entry
checks every group before it starts (:mod:`pipeline.stages`): a stage's code
dependencies in ``dvc.yaml`` then include these small modules, not the
other stages' code.
"""
