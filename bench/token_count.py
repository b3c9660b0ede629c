"""Token count while typing: what one count costs, by conversation length.

    python dev.py bench token_count [--model PATH]

The composer asks for a count once typing pauses (300 ms); each count renders the whole
conversation through the chat template and tokenizes it (engine/prompt_counter.py), on a
thread of its own. Prints the median time of one count for conversations of 2 to 400
messages with the demo model's tokenizer (SmolLM2, a 49k vocabulary) or the one given,
and the same with a context small enough that older messages must be dropped (each drop
renders again).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_chat.core.conversation import Message  # noqa: E402
from desktop_chat.core.paths import demo_model_dir  # noqa: E402
from desktop_chat.core.settings import GenerationSettings  # noqa: E402
from desktop_chat.core.token_count import TokenCountRequest  # noqa: E402

PARAGRAPH = ("The user asks about the history of the city. It was founded on a river "
             "crossing, grew with the trade that passed through it, and became a capital. ")


def history(messages: int) -> tuple[Message, ...]:
    turns = []
    for i in range(messages // 2):
        turns.append(Message(role="user", content=f"Question {i}: tell me more. " * 3))
        turns.append(Message(role="assistant", content=PARAGRAPH * 4,
                             reasoning_content=PARAGRAPH * 8))
    return tuple(turns)


def median_ms(counter, request: TokenCountRequest, repeats: int = 7) -> tuple[float, int]:
    times = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = counter.count(request)
        times.append(time.perf_counter() - start)
    assert result is not None
    return statistics.median(times) * 1000, result.prompt_tokens


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, default=demo_model_dir())
    args = parser.parse_args()
    from transformers import AutoTokenizer

    from desktop_chat.engine.prompt_counter import PromptCounter
    from desktop_chat.engine.transformers_engine.chat import HFChatTemplate

    tokenizer = AutoTokenizer.from_pretrained(args.model)
    print(f"tokenizer: {args.model.name} ({len(tokenizer):,} tokens)")
    counter = PromptCounter(lambda: HFChatTemplate(tokenizer), context_size=131_072)
    draft = "And what happened next? " * 10
    print("messages  prompt tokens  one count (ms)  with 2,048-token context (ms, dropped)")
    for messages in (2, 20, 100, 400):
        request = TokenCountRequest(history(messages), draft, GenerationSettings())
        full_ms, tokens = median_ms(counter, request)
        small = TokenCountRequest(history(messages), draft,
                                  GenerationSettings(context_limit=2048, max_new_tokens=512))
        small_ms, _ = median_ms(counter, small, repeats=3)
        dropped = counter.count(small).dropped_messages
        print(f"{messages:8d}  {tokens:13,d}  {full_ms:14.1f}  {small_ms:10.1f} ({dropped})")


if __name__ == "__main__":
    main()
