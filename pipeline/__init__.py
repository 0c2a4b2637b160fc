"""Topic and stance modelling for political text, one DVC stage per module.

Stages: ``ingest`` -> ``preprocess`` -> ``tfidf``, ``topics``, ``stance`` -> ``report``.
Each is ``python -m pipeline.<stage>`` reading ``params.yaml``.
"""
__version__ = "0.1.0"
