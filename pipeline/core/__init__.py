"""What every stage imports: settings, the file contract, errors, atomic I/O and text normalisation.

- :mod:`.config` reads and validates ``params.yaml`` and recomposes it from ``conf/``;
  :mod:`.schema` holds one schema module per config group;
- :mod:`.paths` is the file contract (every file a stage reads or writes, named once);
- :mod:`.stages` loads and checks a stage's groups at its entry;
- :mod:`.errors` turns a user's mistake into one line and an exit code;
- :mod:`.io` writes files atomically and byte-stably; :mod:`.text` normalises and lemmatises.

They live in one folder because every stage depends on all of them: ``dvc.yaml`` then
lists ``pipeline/core`` once per stage (one column of ``dvc exp show``) and the list is
still each stage's exact imports (``python -m pipeline.codedeps check``). Helpers only
some stages use (figures, stats, the executor, the corpus and segment readers) stay
beside the stage packages, so a change to one re-runs only the stages that import it.
"""
