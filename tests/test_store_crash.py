"""A process saving in a loop is killed at random moments; no conversation is ever torn."""

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.core.store import ConversationStore

IDS = [f"conv{n}" for n in range(4)]

CHILD = r"""
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from test_store_crash import version_of
from desktop_chat.core.store import ConversationStore
store = ConversationStore(Path(sys.argv[2]))
version = int(sys.argv[3])
print("ready", flush=True)
while True:
    version += 1
    for conversation_id in sys.argv[4:]:
        store.save(version_of(conversation_id, version))
"""


def version_of(conversation_id: str, version: int) -> Conversation:
    conversation = Conversation(id=conversation_id, title=f"v{version}",
                                created_at="2026-01-01T00:00:00.000Z")
    # Sizes vary with the version, so a torn write could not pass for a whole one.
    for turn in range(1 + version % 7):
        conversation.add(Message(role="user", content=f"v{version} " * (50 + version % 300),
                                 id=f"m{turn}", created_at="2026-01-01T00:00:00.000Z"))
    return conversation


def check(folder: Path, floor: dict[str, int]) -> dict[str, int]:
    versions = {}
    for conversation_id in IDS:
        data = json.loads((folder / f"{conversation_id}.json").read_text(encoding="utf-8"))
        conversation = Conversation.from_dict(data)
        version = int(conversation.title[1:])
        assert conversation == version_of(conversation_id, version)
        assert version >= floor.get(conversation_id, 0), "a save went backwards"
        versions[conversation_id] = version
    return versions


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_while_saving_never_leaves_a_torn_file(tmp_path):
    folder = tmp_path / "conversations"
    store = ConversationStore(folder)
    for conversation_id in IDS:
        store.save(version_of(conversation_id, 0))
    rng = random.Random(20261129)
    versions = {conversation_id: 0 for conversation_id in IDS}
    kills = 40
    for _ in range(kills):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(Path(__file__).parent), str(folder),
             str(max(versions.values())), *IDS],
            stdout=subprocess.PIPE, text=True,
        )
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.15))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        versions = check(folder, versions)
    assert max(versions.values()) > 0, "the child never got to save anything"
    listing = ConversationStore(folder).list()
    assert len(listing.conversations) == len(IDS) and listing.quarantined == []
