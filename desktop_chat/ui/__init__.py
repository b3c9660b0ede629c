"""The window and everything in it (Qt widgets). Never imports an engine, torch or the
workers: app.py hands the workers in, typed by ``ports.py``. Folders by kind and by area:

- ``controllers/``: widget-free QObjects that hold state and emit facts (the conversation
  list, the chat session, models).
- ``window/``: the main window and its chrome (actions, status bar, sidebar, composer,
  notice bar) and the launchers of its dialogs.
- ``conversation/``: the area that shows a conversation.
- ``dialogs/``: one module per dialog.
- ``render/``: Markdown, math, themes, PDF export.
- ``widgets/``: small pieces more than one area uses.
- ``ports.py`` (the workers as the ui sees them), ``language.py`` (translations).
"""
