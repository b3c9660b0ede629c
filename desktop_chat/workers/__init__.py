"""Everything that owns a thread and reports by signal (QtCore only, never widgets).

- ``inference.py``: ``InferenceWorker``, a QObject moved to its own QThread, the one
  bridge to the engines; ``stream_relay.py`` coalesces a reply's deltas into its signals.
- ``jobs.py``: ``JobRunner``, the one way to run a one-off function off the GUI thread.
- ``token_counting.py``, ``downloads.py``, ``saves.py`` (the writer thread),
  ``search.py`` (the search index's thread).

app.py creates them and hands them to the ui, which knows them as ui/ports.py says.
"""
