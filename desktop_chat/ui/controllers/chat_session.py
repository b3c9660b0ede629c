"""The open chat: what happens when the user sends, stops, regenerates, edits, switches
versions, forks, or opens another conversation.

``ChatSession`` holds the conversation on screen (``current``) and asks the worker for
replies to it; ``ReplyRun`` (one answer) and ``AlternativesRun`` (several at once) follow
each reply as it streams and hand back the messages it became, which the session adds
to the conversation's tree. It saves through the conversation list
(``ConversationListController``), which it tells which conversation is open. The worker
is handed in by app.py (ui/ports.py ``InferencePort``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop_chat.core.conversation import Conversation, Message, title_from_text
from desktop_chat.core.conversation_settings import (
    OVERRIDABLE,
    effective_settings,
    override_problems,
)
from desktop_chat.core.inference import GenerationRequest, GenerationResult
from desktop_chat.core.settings import GenerationSettings, SettingsFile
from desktop_chat.core.versions import version_at
from desktop_chat.ui.controllers.alternatives import AlternativesRun
from desktop_chat.ui.controllers.conversation_list import ConversationListController
from desktop_chat.ui.controllers.reply_run import ReplyRun
from desktop_chat.ui.language import translated
from desktop_chat.ui.ports import InferencePort, TokenCountPort

DRAFT_SAVE_INTERVAL_MS = 3000  # a crash mid-reply loses at most this much of it


class ChatSession(QObject):
    conversation_opened = Signal(object)  # Conversation, or None for a new empty chat
    conversation_reloaded = Signal(object)  # the open Conversation took another writer's
    user_message_added = Signal(object)  # Message
    last_reply_removed = Signal()  # regenerate: the answer being replaced
    reply_started = Signal()
    chunk_received = Signal(str, str)
    answer_was_reasoning = Signal()  # the answer streamed so far moves to the thinking
    prefill_progressed = Signal(int, int)  # prompt tokens read, total
    reply_finished = Signal(object, object)  # Message saved, GenerationResult
    generating_changed = Signal(bool)
    problem = Signal(object)  # something the user should read
    path_changed = Signal(object)  # Conversation: another branch of it is shown (an edit,
    # a version switch); the view redraws conversation.path()

    def __init__(self, conversations: ConversationListController, worker: InferencePort,
                 counting: TokenCountPort, settings_source: SettingsFile,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.conversations = conversations
        self.worker = worker
        self.counting = counting
        self.settings_source = settings_source
        self.model_path: str | None = None
        self.current: Conversation | None = None
        self.generating = False
        self._request_id = 0  # results of earlier, abandoned requests are ignored
        conversations.open_saved_as_copy.connect(self._on_open_saved_as_copy)
        conversations.open_merged.connect(self._on_open_merged)
        self.reply = ReplyRun(worker, lambda: self.model_path, self,
                              draft_interval_ms=DRAFT_SAVE_INTERVAL_MS)
        self.reply.chunk_received.connect(self.chunk_received)
        self.reply.answer_was_reasoning.connect(self.answer_was_reasoning)
        self.reply.prefill_progressed.connect(self.prefill_progressed)
        self.reply.draft_ready.connect(conversations.save)
        self.reply.ended.connect(self._on_reply_ended)
        # Generate answers: several versions at once (controllers/alternatives.py).
        self.alternatives = AlternativesRun(worker, lambda: self.model_path, self,
                                            draft_interval_ms=DRAFT_SAVE_INTERVAL_MS)
        self.alternatives.ended.connect(self._on_alternatives_ended)
        self.alternatives.draft_ready.connect(conversations.save)

    # ----- which conversation is open ------------------------------------------------------

    def _set_current(self, conversation: Conversation | None) -> None:
        self.current = conversation
        self.conversations.open_id = conversation.id if conversation else None

    def _show(self, conversation: Conversation | None) -> None:
        self._set_current(conversation)
        self.conversation_opened.emit(conversation)

    def new_conversation(self) -> None:
        self.stop_and_keep()
        self._show(None)

    def open_conversation(self, conversation_id: str) -> None:
        if self.current is not None and self.current.id == conversation_id:
            return
        self.stop_and_keep()
        conversation = self.conversations.load(conversation_id)
        if conversation is None:
            return
        self._show(conversation)
        if conversation.read_only_reason:  # messages of a kind this version does not know
            self.problem.emit(conversation.read_only_reason)

    def rename(self, conversation_id: str, title: str) -> None:
        conversation = self._get(conversation_id)
        if conversation is not None:
            self.conversations.rename(conversation, title)

    def delete(self, conversation_id: str) -> None:
        """To the trash; kept in memory, the open one as it is on screen, for ``restore``."""
        kept = self._get(conversation_id, quiet=True)
        if self.current is not None and self.current.id == conversation_id:
            self.stop_and_keep()
            kept = self.current
            self._show(None)
        self.conversations.delete(conversation_id, kept)

    def restore(self, conversation_id: str) -> None:
        """Undo a delete: listed and opened at once."""
        self.conversations.restore(conversation_id)
        self.open_conversation(conversation_id)

    def _get(self, conversation_id: str, quiet: bool = False) -> Conversation | None:
        if self.current is not None and self.current.id == conversation_id:
            return self.current
        return self.conversations.load(conversation_id, quiet=quiet)

    def _on_open_saved_as_copy(self, copy: Conversation) -> None:
        """Our version of the open conversation went to a copy: go on in the copy (what
        is on screen is ours), saving there from now on."""
        assert self.current is not None
        self.current.id = copy.id  # the same object: a streaming reply follows it
        self.current.title = copy.title
        self.conversations.open_id = copy.id
        self.conversations.remember(self.current)

    def _on_open_merged(self, merged: Conversation) -> None:
        """Another writer's changes, merged into the open conversation's file: take them
        in, unless a reply is streaming into it (its save merges them again)."""
        current = self.current
        if self.generating or current is None:
            return
        current.messages = list(merged.messages)
        current.current_leaf = merged.current_leaf
        current.settings = dict(merged.settings)
        current.title = merged.title
        current.updated_at = merged.updated_at
        current.extra = dict(merged.extra)
        self.conversations.remember(current)
        self.conversations.conversations_changed.emit()
        self.conversation_reloaded.emit(current)

    # ----- sending and answering -----------------------------------------------------------

    def send(self, text: str) -> None:
        if self.generating or not text.strip():
            return
        if self.current is not None and self.current.read_only_reason:
            self._set_current(None)  # never rewritten: the message starts a new one
        if self.current is None:
            self._show(Conversation(title=title_from_text(text), model=self.model_path))
        assert self.current is not None
        message = self.current.add(Message(role="user", content=text))
        self.current.model = self.model_path
        self._save_and_list(self.current)
        self.user_message_added.emit(message)
        self._request_reply()

    def regenerate(self) -> None:
        """Answer the last question again: the new answer is another version of the last
        one, which stays (a failed or stopped regenerate keeps both)."""
        conversation = self.current
        if self.generating or conversation is None or conversation.read_only_reason:
            return
        path = conversation.path()
        asked = path[:-1] if path and path[-1].role == "assistant" else path
        if not asked or asked[-1].role != "user":
            return  # no question right above (an imported path): the answer stays shown
        if asked is not path:
            self.last_reply_removed.emit()  # the view makes room for the new version
        self._request_reply(asked[-1].id)

    def generate_alternatives(self) -> None:
        """Several answers to the last question at once (as many as the settings say);
        they become versions of its answer, the one shown stays among them."""
        conversation = self.current
        if self.generating or conversation is None or conversation.read_only_reason:
            return
        path = conversation.path()
        if path and path[-1].role == "assistant":
            path.pop()
            self.last_reply_removed.emit()  # the view makes room for the new versions
        if not path or path[-1].role != "user":
            return
        self._request_id += 1
        request = GenerationRequest(tuple(path), self._settings_for(conversation),
                                    self._request_id,
                                    alternatives=self.settings_source.settings.alternatives)
        self._set_generating(True)
        self.alternatives.start(conversation, path[-1].id, request)
        self.worker.request_generation(request)

    def _on_alternatives_ended(self, conversation: Conversation, question_id: str,
                               answers: list[Message], error: str) -> None:
        """Every answer ended (or was stopped): those with text join the tree below the
        question, the first of them shown; the others are a click on the arrows away."""
        for answer in answers:
            conversation.add(answer, parent_id=question_id)
        if answers:
            conversation.select(answers[0].id)
            conversation.touch()
            self._save_and_list(conversation)
        self._set_generating(False)
        if error:
            self.problem.emit(translated(error))
        if conversation is self.current:
            self.path_changed.emit(conversation)

    def stop(self) -> None:
        if self.generating:
            self.worker.cancel()

    def answer_now(self) -> None:
        """End the model's thinking here and let it answer (engine/thinking_budget.py)."""
        if self.generating:
            self.worker.answer_now()

    def stop_and_keep(self) -> None:
        """Before switching away or closing: stop, and save what was written so far."""
        for run in (self.alternatives, self.reply):
            if run.running:
                self.worker.cancel()
                run.stop_and_keep()

    def request_token_count(self, draft: str) -> None:
        """Count what sending ``draft`` would take (``counting.counted`` answers), with the
        conversation as shown and the settings a reply would use."""
        conversation = self.current
        history = tuple(conversation.path()) if conversation is not None else ()
        self.counting.request(history, draft, self._settings_for(conversation))

    # ----- branches: edit and resend, versions, fork, the conversation's settings ---------

    def edit_and_resend(self, message_id: str, text: str) -> None:
        """Send ``text`` as a new version of the user message ``message_id`` (its sibling:
        the old one and everything below it stay) and answer it."""
        conversation = self.current
        original = conversation.find(message_id) if conversation else None
        if (self.generating or conversation is None or original is None
                or original.role != "user" or not text.strip()
                or conversation.read_only_reason):
            return
        conversation.add(Message(role="user", content=text), parent_id=original.parent_id)
        self._save_and_list(conversation)
        self.path_changed.emit(conversation)
        self._request_reply()

    def switch_version(self, message_id: str, step: int) -> None:
        """Show the version ``step`` away from ``message_id`` with its whole continuation.
        Refused while a reply streams: its branch stays on screen until it ends."""
        conversation = self.current
        if self.generating or conversation is None:
            return
        target = version_at(conversation, message_id, step)
        if target is None:
            return
        conversation.select(target.id)
        if not conversation.read_only_reason:
            self.conversations.save(conversation)  # the branch shown comes back at start
        self.path_changed.emit(conversation)

    def fork_from(self, message_id: str) -> Conversation | None:
        """A new conversation holding the path up to ``message_id``; saved and opened."""
        source = self.current
        if source is None or source.find(message_id) is None:
            return None
        fork = source.fork(message_id)
        fork.title = self.tr("{title} (fork)").format(title=source.title)
        self.stop_and_keep()  # like opening another conversation
        self.conversations.save(fork)
        self._set_current(fork)
        self.conversations.conversations_changed.emit()
        self.conversation_opened.emit(fork)
        return fork

    def set_conversation_settings(self, overrides: dict[str, Any]) -> bool:
        """The open conversation's own generation settings (``{}``: the defaults). Values
        out of range are refused with the reason, and nothing changes."""
        conversation = self.current
        if conversation is None or conversation.read_only_reason:
            return False
        if problems := override_problems(overrides):
            self.problem.emit("; ".join(problems.values()))
            return False
        kept = {k: v for k, v in conversation.settings.items() if k not in OVERRIDABLE}
        conversation.settings = {**kept, **overrides}  # a newer version's keys stay
        conversation.touch()
        self._save_and_list(conversation)
        return True

    # ----- the reply streaming -------------------------------------------------------------

    def _settings_for(self, conversation: Conversation | None) -> GenerationSettings:
        """The conversation's own settings (core/conversation_settings.py) over the
        defaults."""
        overrides = conversation.settings if conversation is not None else {}
        return effective_settings(self.settings_source.settings.generation, overrides)

    def _request_reply(self, parent_id: str | None = None) -> None:
        """Ask for an answer below ``parent_id`` (default: the end of the path shown)."""
        assert self.current is not None
        parent_id = parent_id or self.current.current_leaf
        self._request_id += 1
        self.reply.start(self.current, parent_id, self._request_id)
        self._set_generating(True)
        self.reply_started.emit()
        self.worker.request_generation(
            GenerationRequest(tuple(self.current.path(parent_id)),
                              self._settings_for(self.current), self._request_id))

    def _on_reply_ended(self, conversation: Conversation, parent_id: str | None,
                        message: Message, result: GenerationResult) -> None:
        self._set_generating(False)
        conversation.add(message, parent_id=parent_id)
        self._save_and_list(conversation)  # replaces any draft: the same message id
        self.reply_finished.emit(message, result)

    def _set_generating(self, generating: bool) -> None:
        self.generating = generating
        self.generating_changed.emit(generating)

    def _save_and_list(self, conversation: Conversation) -> None:
        self.conversations.save(conversation)
        self.conversations.conversations_changed.emit()
