"""Time to first token after switching to another branch of a conversation, with the KV
caches of earlier branches kept (engine/transformers_engine/prefix_cache.py), against a
cache of the last generation only and a full prefill.

    python bench/branch_cache.py [--model PATH] [--turns 4]

SmolLM2-135M-Instruct (the demo model) on CPU. Branch A is a conversation of a few thousand
tokens; then its first message is edited, and branch B grows as long. The user switches
back to A (the version arrows) and
1. regenerates A's last answer, and
2. goes on from A with a new message.
Each TTFT is printed with its prompt and reused tokens, next to the same step with only the
last generation's cache kept (the engine before branches: B's) and a full prefill.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_chat.core.conversation import Message  # noqa: E402
from desktop_chat.core.inference import Finished, GenerationRequest  # noqa: E402
from desktop_chat.core.paths import demo_model_dir  # noqa: E402
from desktop_chat.core.settings import GenerationSettings  # noqa: E402

FILLER = ("The history of the river valley is long and full of small events that people "
          "remembered in songs. Farmers planted wheat and barley along the banks, traders "
          "carried salt and cloth between the towns, and every spring the water rose. ")
SETTINGS = GenerationSettings(do_sample=False, max_new_tokens=12)


def user(text: str) -> Message:
    return Message(role="user", content=text)


def reply(engine, history: list[Message]):
    events: list = []
    engine.generate(GenerationRequest(tuple(history), SETTINGS), threading.Event(),
                    events.append)
    assert isinstance(events[-1], Finished), events[-1]
    return events[-1].result


def branch(engine, name: str, turns: int) -> list[Message]:
    """A conversation of ``turns`` long messages, answered as it grows."""
    history: list[Message] = []
    for turn in range(turns):
        history.append(user(f"{name}, part {turn + 1}. " + FILLER * 8
                            + "Summarise it in a sentence."))
        history.append(Message(role="assistant", content=reply(engine, history).answer))
    return history


def switch_back(engine, turns: int, grow: bool = True) -> dict[str, tuple[float, int, int]]:
    """TTFT, prompt and reused tokens of the two steps on A after B ran."""
    if grow:
        a = branch(engine, "Version A", turns)
        branch(engine, "Version B", turns)  # the edit of A's first message
    else:  # a full prefill: the branches' texts are all that is needed
        a = branch_texts("Version A", turns)
    regenerated = reply(engine, a[:-1])
    if grow:
        branch(engine, "Version B", turns)  # B again is the last generation
    onward = reply(engine, [*a, user("And which songs did people sing?")])
    return {name: (r.stats.time_to_first_token_s, r.stats.prompt_tokens,
                   r.stats.reused_tokens)
            for name, r in (("regenerate A's last answer", regenerated),
                            ("go on from A", onward))}


def branch_texts(name: str, turns: int) -> list[Message]:
    history: list[Message] = []
    for turn in range(turns):
        history.append(user(f"{name}, part {turn + 1}. " + FILLER * 8
                            + "Summarise it in a sentence."))
        history.append(Message(role="assistant", content="The valley had a long history."))
    return history


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(demo_model_dir()))
    parser.add_argument("--turns", type=int, default=4)
    args = parser.parse_args()

    from desktop_chat.engine.transformers_engine.chat import TransformersEngine
    from desktop_chat.engine.transformers_engine.device import choose_device
    from desktop_chat.engine.transformers_engine.loader import inspect_model_folder, load_model

    folder = inspect_model_folder(args.model)
    loaded = load_model(folder, choose_device("cpu", "auto", folder.model_type),
                        lambda f, s: None, threading.Event())
    engine = TransformersEngine(loaded)
    reply(engine, [user("Warm up.")])
    engine.prefixes.clear()
    kept = switch_back(engine, args.turns)
    last_only = TransformersEngine(loaded)
    last_only.prefixes.max_entries = 1  # only the last generation, as before branches
    one = switch_back(last_only, args.turns)
    full = switch_back(TransformersEngine(loaded, reuse_cache=False), args.turns, grow=False)
    print(f"model {folder.name} on {loaded.choice.device_name}, {loaded.choice.dtype_name}; "
          f"{len(kept)} steps on branch A after branch B ran")
    print(f"{'':<28}{'prompt':>7}{'kept: TTFT':>12}{'reused':>7}{'last only':>11}"
          f"{'reused':>7}{'full':>9}{'kept/full':>10}")
    for name, (ttft, prompt, reused) in kept.items():
        one_ttft, _, one_reused = one[name]
        full_ttft = full[name][0]
        print(f"{name:<28}{prompt:>7}{ttft * 1000:>10.0f}ms{reused:>7}"
              f"{one_ttft * 1000:>9.0f}ms{one_reused:>7}{full_ttft * 1000:>7.0f}ms"
              f"{ttft / full_ttft:>10.2f}")


if __name__ == "__main__":
    main()
