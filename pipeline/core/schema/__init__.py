"""One module per config group: the schema its owning stage validates it with, and nothing else.

The schemas live apart from the stages' code because every stage entry
checks every group before it starts (:mod:`pipeline.core.stages`): a stage's code
dependencies in ``dvc.yaml`` then include these small modules, not the
other stages' code.
"""


def bootstrap_section(resamples: int, seed: int):
    """The ``bootstrap`` section of ``stance`` and ``report``, with these defaults.

    Percentile bootstrap of means; below either minimum the mean is reported
    but no interval ("too few to estimate (n = 2)"), a bootstrap of a handful of
    values being far too narrow. ``min_documents`` applies where documents are
    resampled (a date, a group, the corpus); fewer than 2 leave nothing to resample.
    """
    from .. import config as C

    return C.optional(C.Section(
        {
            "resamples": C.optional(C.Int(min=100), resamples),
            "seed": C.optional(C.Int(min=0), seed),
            "confidence": C.optional(C.Float(min=0.5, max=0.999), 0.95),
            "min_sentences": C.optional(C.Int(min=1), 10),
            "min_documents": C.optional(C.Int(min=2), 5),
        }
    ))
