"""The KV caches of earlier branches (engine/transformers_engine/prefix_cache.py)."""

import threading

import pytest
import torch
from conftest import TINY_R1
from transformers import DynamicCache

from desktop_chat.core.conversation import Message
from desktop_chat.core.inference import Finished, GenerationRequest
from desktop_chat.core.settings import GenerationSettings
from desktop_chat.engine.transformers_engine.prefix_cache import PrefixCache, cache_bytes

LAYERS, HEADS, DIM = 2, 1, 4
BYTES_PER_TOKEN = LAYERS * 2 * HEADS * DIM * 4  # keys and values, float32


def cache_of(ids):
    """A cache whose keys and values for each position hold that position's token id."""
    cache = DynamicCache()
    extend(cache, ids)
    return cache


def extend(cache, ids):
    states = torch.tensor(ids, dtype=torch.float32).view(1, 1, -1, 1).expand(1, HEADS, -1, DIM)
    for layer in range(LAYERS):
        cache.update(states.clone(), states.clone(), layer)


def held_ids(cache):
    return cache.layers[0].keys[0, 0, :, 0].int().tolist()


def test_the_entry_sharing_the_longest_prefix_is_chosen_and_cropped():
    prefixes = PrefixCache(max_bytes=10**6)
    prefixes.put(cache_of([1, 2, 3, 4, 5]), [1, 2, 3, 4, 5])
    prefixes.put(cache_of([1, 2, 9, 9, 9, 9]), [1, 2, 9, 9, 9, 9])
    prefixes.put(cache_of([7, 7]), [7, 7])
    hit = prefixes.take([1, 2, 3, 4, 8, 8])
    assert hit.reused == 4 and held_ids(hit.cache) == [1, 2, 3, 4]
    hit = prefixes.take([1, 2, 9, 9, 9, 9, 5])  # extends an entry: nothing to crop
    assert hit.reused == 6 and held_ids(hit.cache) == [1, 2, 9, 9, 9, 9]
    assert prefixes.take([1, 2, 3, 4, 5]).reused == 4  # one prompt token is left to run
    assert prefixes.take([5, 5, 5]) is None


def test_entries_are_not_changed_by_what_generation_does_with_a_copy():
    prefixes = PrefixCache(max_bytes=10**6)
    prefixes.put(cache_of([1, 2, 3, 4, 5]), [1, 2, 3, 4, 5])
    first = prefixes.take([1, 2, 3, 6])
    extend(first.cache, [6, 6, 6])  # what generate does with it
    first.cache.crop(-4)
    second = prefixes.take([1, 2, 3, 4, 5, 6])
    assert second.reused == 5 and held_ids(second.cache) == [1, 2, 3, 4, 5]
    assert prefixes.ids() == [[1, 2, 3, 4, 5]]


def test_eviction_keeps_the_most_recently_used_within_the_memory_bound():
    prefixes = PrefixCache(max_bytes=10 * BYTES_PER_TOKEN)
    prefixes.put(cache_of([1] * 4), [1] * 4)
    prefixes.put(cache_of([2] * 4), [2] * 4)
    assert prefixes.bytes == 8 * BYTES_PER_TOKEN == cache_bytes(cache_of([0] * 8))
    prefixes.take([1, 1, 1, 1, 1])  # used: now the most recent
    prefixes.put(cache_of([3] * 4), [3] * 4)  # 12 tokens would be over: the oldest goes
    assert prefixes.ids() == [[1] * 4, [3] * 4]
    prefixes.put(cache_of([4] * 11), [4] * 11)  # larger than the bound on its own
    assert prefixes.ids() == [[1] * 4, [3] * 4]


def test_the_number_of_entries_is_bounded_and_an_extended_entry_replaces_its_prefix():
    prefixes = PrefixCache(max_bytes=10**6, max_entries=2)
    for token in (1, 2, 3):
        prefixes.put(cache_of([token] * 3), [token] * 3)
    assert prefixes.ids() == [[2] * 3, [3] * 3]
    prefixes.put(cache_of([3] * 3 + [4]), [3] * 3 + [4])
    assert prefixes.ids() == [[2] * 3, [3, 3, 3, 4]]


@pytest.fixture(scope="module")
def engine():
    from desktop_chat.engine.transformers_engine.chat import TransformersEngine
    from desktop_chat.engine.transformers_engine.device import choose_device
    from desktop_chat.engine.transformers_engine.loader import inspect_model_folder, load_model

    folder = inspect_model_folder(TINY_R1)
    return TransformersEngine(load_model(folder, choose_device(model_type=folder.model_type),
                                         lambda f, s: None, threading.Event()))


def reply(engine, history):
    ends = []
    engine.generate(GenerationRequest(tuple(history),
                                      GenerationSettings(do_sample=False, max_new_tokens=200)),
                    threading.Event(), lambda e: ends.append(e) if isinstance(e, Finished)
                    else None)
    result = ends[0].result
    return result, Message(role="assistant", content=result.answer,
                           reasoning_content=result.reasoning)


def test_going_back_to_an_earlier_branch_reads_only_what_it_does_not_share(engine):
    france = [Message(role="user", content="What is the capital of France?")]
    first, answer = reply(engine, france)
    edited, _ = reply(engine, [Message(role="user", content="What is 2 + 2?")])
    assert edited.stats.reused_tokens < edited.stats.prompt_tokens - 1  # another branch
    # Regenerating on the first branch: its whole prompt is still cached, though the
    # edited branch ran since.
    again, _ = reply(engine, france)
    assert again.stats.reused_tokens == again.stats.prompt_tokens - 1
    assert again.answer == first.answer
    # Going on from the first branch: everything up to its answer's reasoning is reused
    # (R1's template leaves earlier reasoning out of the prompt).
    italy, _ = reply(engine, [*france, answer, Message(role="user", content="And of Italy?")])
    assert italy.stats.reused_tokens == 10
    assert italy.answer == "The capital of Italy is **Rome**."
    assert len(engine.prefixes) >= 2
