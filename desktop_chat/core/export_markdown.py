"""A conversation as a Markdown document: the path shown, with its title, model and dates.

The thinking of an answer becomes a ``<details><summary>Thinking</summary>`` block (GitHub,
GitLab and most Markdown viewers fold it), or is left out. The words of the document
(headings, "Thinking") come from ``MarkdownLabels`` so that the ui can hand in translated
ones; the defaults are English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from desktop_chat.core.conversation import Conversation, Message


@dataclass(frozen=True)
class MarkdownLabels:
    user: str = "User"
    assistant: str = "Assistant"
    system: str = "System"
    thinking: str = "Thinking"
    model: str = "Model"
    created: str = "Created"
    updated: str = "Updated"
    untitled: str = "Untitled conversation"

    def role(self, role: str) -> str:
        return {"user": self.user, "assistant": self.assistant,
                "system": self.system}.get(role, role)


def conversation_markdown(conversation: Conversation, *, include_thinking: bool = True,
                          labels: MarkdownLabels | None = None) -> str:
    """The Markdown text of ``conversation``'s path shown (``Conversation.path``)."""
    labels = labels or MarkdownLabels()
    lines = [f"# {_one_line(conversation.title) or labels.untitled}", ""]
    if conversation.model:
        lines.append(f"- {labels.model}: {_one_line(conversation.model)}")
    lines.append(f"- {labels.created}: {readable_time(conversation.created_at)}")
    lines.append(f"- {labels.updated}: {readable_time(conversation.updated_at)}")
    for message in conversation.path():
        lines += ["", *_message_lines(message, include_thinking, labels)]
    return "\n".join(lines).rstrip("\n") + "\n"


def _message_lines(message: Message, include_thinking: bool,
                   labels: MarkdownLabels) -> list[str]:
    heading = labels.role(message.role)
    if message.role == "assistant" and message.model:
        heading += f" ({_one_line(message.model)})"
    lines = [f"## {heading}", ""]
    if include_thinking and message.reasoning_content and message.reasoning_content.strip():
        # Blank lines around the body: viewers render Markdown inside <details> only then.
        lines += [f"<details><summary>{labels.thinking}</summary>", "",
                  message.reasoning_content.strip(), "", "</details>", ""]
    lines.append(message.content.strip())
    return lines


def readable_time(stamp: str) -> str:
    """``2026-11-29T14:42:18.123Z`` as ``2026-11-29 14:42 UTC``; other text as it is."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            return moment.strftime("%Y-%m-%d %H:%M")
        return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    except (ValueError, OverflowError):  # not a time, or one UTC cannot hold (year 10000)
        return stamp


def _one_line(text: str) -> str:
    return " ".join(text.split())


_UNSAFE_IN_FILE_NAMES = re.compile(r'[\x00-\x1f<>:"/\\|?*]+')
_WINDOWS_DEVICE = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³]|CONIN\$|CONOUT\$)\Z",
                             re.IGNORECASE)


def file_name_for(conversation: Conversation, suffix: str, limit: int = 60) -> str:
    """A file name made of the title, safe on every OS (``Untitled`` when it has none)."""
    name = _UNSAFE_IN_FILE_NAMES.sub(" ", _one_line(conversation.title))
    name = " ".join(name.split())[:limit].strip(" .") or "Untitled"
    if _WINDOWS_DEVICE.match(name.split(".")[0].strip()):
        name = f"_{name}"  # "CON.md" is the console on Windows, whatever the suffix
    return f"{name}{suffix}"
