"""Widget-free QObjects: they hold what the window shows, ask the workers for work, and
emit facts; they open no dialogs and import no widgets (tests/test_architecture.py).

- ``conversation_list.py``: the conversations (listing, rename, delete, restore, import,
  search) and what the writer thread did with each save.
- ``chat_session.py``: the open conversation and the replies to it, which
  ``reply_run.py`` (one answer) and ``alternatives.py`` (several at once) follow.
- ``models.py``: opening models, and what a failed load says or asks.
- ``save_problems.py``: why saves fail, in words.
"""
