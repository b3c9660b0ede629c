"""Screenshots of the real window, light and dark, for people to look at.

    .venv/bin/python scripts/screenshots.py [--out screenshots]

Offscreen, in a throwaway data dir: a saved conversation with reasoning, a code block and a
table (folded thinking panel), then a live reply from tests/fixtures/tiny-r1 whose thinking
panel is left open. Writes light.png, dark.png and empty.png (first start, no model).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop_chat.app import create_main_window  # noqa: E402
from desktop_chat.core.conversation import Conversation, Message  # noqa: E402
from desktop_chat.core.store import ConversationStore  # noqa: E402

TINY_R1 = ROOT / "tests" / "fixtures" / "tiny-r1"

ANSWER = """Here is a small, fast prime test:

```python
def is_prime(n: int) -> bool:
    \"\"\"True if n is a prime number.\"\"\"
    if n < 2:
        return False
    for d in range(2, int(n ** 0.5) + 1):
        if n % d == 0:
            return False
    return True
```

The two usual approaches compare like this:

| Approach | Time per number | Best for |
|---|---|---|
| Trial division | O(√n) | a few numbers |
| Sieve of Eratosthenes | O(log log n) amortised | all primes up to a limit |

For a single number under a million, `is_prime` is instant."""

REASONING = ("The user wants a prime check in Python and a comparison.\n"
             "Trial division up to the square root is simple and correct; a sieve is better "
             "when many numbers are needed. A table makes the trade-off clear.")


def wait_for(signal, timeout_ms: int = 120_000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def seed_conversation(data_dir: Path) -> None:
    store = ConversationStore(data_dir / "conversations")
    conversation = Conversation(title="Prime numbers in Python")
    conversation.add(Message(role="user", content="Write a Python function that checks "
                             "whether a number is prime, and compare it with a sieve."))
    conversation.add(Message(
        role="assistant", content=ANSWER, reasoning_content=REASONING, finish_reason="stop",
        stats={"thinking_s": 4.2, "reasoning_tokens": 48, "answer_tokens": 171,
               "decode_tokens_per_s": 38.6}))
    store.save(conversation)
    older = Conversation(title="Weekend trip to Lyon", created_at="2026-11-20T09:00:00.000Z")
    older.add(Message(role="user", content="Plan a weekend in Lyon",
                      created_at="2026-11-20T09:00:00.000Z"))
    store.save(older)


def save_model_dialogs(window, app: QApplication, out: Path) -> None:
    """picker.png (Choose Model…, with a folder, a GGUF file and a server) and server.png."""
    recent = (str(TINY_R1), "http://localhost:11434/v1#deepseek-r1:1.5b",
              str(Path.home() / "Models" / "DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M.gguf"))
    window.settings_dialogs.apply_settings(dataclasses.replace(window.settings, theme="light",
                                              recent_models=recent))
    picker = window.model_dialogs.choose_model()
    app.processEvents()
    picker.grab().save(str(out / "picker.png"))
    picker.reject()
    dialog = window.model_dialogs.connect_server()
    dialog.url.setText("http://localhost:11434/v1")
    dialog.model.addItems(["deepseek-r1:1.5b", "qwen2.5:7b"])
    dialog.status.setText("The server offers 2 models.")
    app.processEvents()
    dialog.grab().save(str(out / "server.png"))
    dialog.reject()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        empty = create_main_window(["--data-dir", str(Path(folder) / "empty")])
        empty.resize(1180, 760)
        empty.show()
        app.processEvents()
        empty.grab().save(str(out / "empty.png"))
        empty.close()

        data_dir = Path(folder) / "data"
        seed_conversation(data_dir)
        window = create_main_window(["--data-dir", str(data_dir), "--model", str(TINY_R1)])
        window.resize(1180, 860)
        window.show()
        window.start_engine()
        wait_for(window.models.model_ready)
        window.sidebar.list.setCurrentIndex(window.sidebar.model.index(0, 0))
        window.composer.input.setPlainText("法国的首都是哪里？")
        window.composer.send_button.click()
        wait_for(window.chat.reply_finished)
        window.view.assistant_widgets()[-1].thinking.set_expanded(True)
        for theme in ("light", "dark"):
            window.settings_dialogs.apply_settings(
                dataclasses.replace(window.settings, theme=theme))
            window.view.assistant_widgets()[-1].thinking.set_expanded(True)
            for _ in range(3):
                app.processEvents()
            window.view.scroll_to_bottom()
            app.processEvents()
            window.grab().save(str(out / f"{theme}.png"))
        save_model_dialogs(window, app, out)
        window.close()
    print(f"saved {', '.join(p.name for p in sorted(out.glob('*.png')))} in {out}")


if __name__ == "__main__":
    main()
