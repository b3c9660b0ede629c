"""The child of test_fault.py: the real app window streaming a long reply until killed.

Every event is appended to a log file with one unbuffered ``os.write`` as it happens, so
what the parent reads after a SIGKILL is exactly what had streamed: a JSON line
{"conversation": id}, then {"kind", "text"} per chunk, {"answer_was_reasoning": true},
and {"finished": true}.
"""

import dataclasses
import json
import os
import sys

DRAFT_SAVE_INTERVAL_MS = 50  # save drafts all the time: kills must land inside saves


TOKEN_SECONDS = 0.005  # the tiny model decodes in ~1 ms: make a reply last seconds


def long_and_steady_replies() -> None:
    """The tiny model ends its replies after a few tokens, in a few milliseconds: make each
    as long as allowed (512 tokens here) and at least ``TOKEN_SECONDS`` a token, so the
    stream has over 80 chunks (the worker sends one per 30 ms) on any machine."""
    import time

    from transformers import LogitsProcessor

    from desktop_chat.engine.transformers_engine.chat import TransformersEngine

    class Steady(LogitsProcessor):
        """Sleeps before each token, then lets the engine's own processor work."""

        def __init__(self, engines_own: LogitsProcessor) -> None:
            self.engines_own = engines_own

        def __call__(self, input_ids, scores):
            time.sleep(TOKEN_SECONDS)
            return self.engines_own(input_ids, scores)

    sampling = TransformersEngine.sampling
    thinking_budget = TransformersEngine._thinking_budget

    def long(self, settings, max_new_tokens):
        kwargs = sampling(self, settings, max_new_tokens)
        return {**kwargs, "min_new_tokens": kwargs["max_new_tokens"]}

    def steady(self, request, reply):
        return Steady(thinking_budget(self, request, reply))

    TransformersEngine.sampling = long
    TransformersEngine._thinking_budget = steady


def run(model: str, data_dir: str, prompt: str, log_path: str) -> int:
    from PySide6.QtWidgets import QApplication

    from desktop_chat.app import create_main_window
    from desktop_chat.ui.controllers import chat_session

    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def say(**fields) -> None:
        os.write(log, (json.dumps(fields) + "\n").encode())

    chat_session.DRAFT_SAVE_INTERVAL_MS = DRAFT_SAVE_INTERVAL_MS
    long_and_steady_replies()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    window = create_main_window(["--model", model, "--data-dir", data_dir])
    settings = window.settings
    generation = dataclasses.replace(
        settings.generation, max_new_tokens=4000, do_sample=True, seed=None)
    window.settings_dialogs.apply_settings(dataclasses.replace(settings, generation=generation))
    chat = window.chat

    def on_ready(_info) -> None:
        chat.send(prompt)
        say(conversation=chat.current.id)

    window.models.model_ready.connect(on_ready)
    chat.chunk_received.connect(lambda kind, text: say(kind=kind, text=text))
    chat.answer_was_reasoning.connect(lambda: say(answer_was_reasoning=True))
    chat.reply_finished.connect(lambda *_: say(finished=True))
    window.show()
    window.start_engine()
    return app.exec()


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(run(*sys.argv[1:5]))
