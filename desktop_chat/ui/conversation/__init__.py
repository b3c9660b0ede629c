"""The area of the window that shows a conversation. One module per job:

- ``view.py``: ``ConversationView``, what the window talks to (messages, the reply
  streaming, versions, thinking settings, find), on top of
- ``slot_area.py``: the scroll area that gives widgets only to the messages near the
  viewport and places them itself, from
- ``slots.py``: one slot per message, its height (measured or estimated) and its top;
  arithmetic only.
- ``user_message.py``, ``assistant_message.py``: a message's widget; the answer's
  reasoning in ``thinking_panel.py``; the text of both in ``segmented_text.py`` (a label
  per block), whose links go through ``links.py``.
- ``message_actions.py`` (Edit, Fork, the context menu), ``version_switcher.py`` (the
  ``‹ 2/3 ›`` arrows), ``message_editor.py`` (editing a sent message in place).
- Find: ``find.py`` (searching, stepping), ``find_bar.py`` (the bar),
  ``find_highlight.py`` (the rule a match follows, and its marks in a label), over the
  text the labels show, ``shown_text.py``.
- ``header.py`` (the title strip), ``branches.py`` (versions, edits and forks wired to
  the chat session), ``alternatives_view.py`` (several answers streaming at once).
"""
