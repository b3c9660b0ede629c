"""The main window and its chrome.

- ``main_window.py``: builds the controllers and widgets and wires them (``_connect``).
- ``actions.py``: every action and menu, as a table.
- ``status_bar.py``, ``notice_bar.py``, ``sidebar.py``, ``composer.py``,
  ``empty_state.py``: the parts of the window around the conversation.
- ``model_dialogs.py``, ``settings_dialogs.py``, ``export_import.py``: what the menus
  open, and what happens with the answers; ``closing.py``: closing with unsaved work.
"""
