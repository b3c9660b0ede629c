"""The composer's token count while typing: counted off the GUI thread with the open model's
tokenizer, equal to the tokenizer's count of the rendered prompt, and saying what would be
left out when the conversation outgrows the context."""

import dataclasses
import threading

import pytest
from conftest import REPLY_TIMEOUT_MS, TINY_R1
from test_window import open_model, send

from desktop_chat.core.conversation import Message
from desktop_chat.core.inference import LoadRequest
from desktop_chat.core.model_source import ModelSource
from desktop_chat.core.settings import GenerationSettings
from desktop_chat.core.token_count import TokenCountRequest
from desktop_chat.engine.registry import plan_load

FRANCE = "What is the capital of France?"


def rendered_prompt_tokens(messages):
    """The tokenizer's own count of the prompt its chat template renders."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(TINY_R1)
    text = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    return len(tokenizer(text, add_special_tokens=False)["input_ids"])


def counted(qtbot, window, prompt_tokens=None, **expected):
    """Wait until the composer shows a count with these values (typing pauses first)."""
    composer = window.composer

    def shows_it():
        count = composer.count
        return (count is not None and composer.token_count.isVisibleTo(composer)
                and (prompt_tokens is None or count.prompt_tokens == prompt_tokens)
                and all(getattr(count, k) == v for k, v in expected.items()))

    try:
        qtbot.waitUntil(shows_it, timeout=REPLY_TIMEOUT_MS)
    except Exception:  # say what was shown instead
        raise AssertionError(f"shown: {composer.count}, wanted {prompt_tokens} "
                             f"{expected}") from None
    return composer.count


@pytest.mark.slow
def test_the_count_follows_typing_and_matches_the_rendered_prompt(qtbot, window):
    open_model(qtbot, window)
    composer = window.composer
    qtbot.keyClicks(composer.input, "What is")
    first = counted(qtbot, window, rendered_prompt_tokens(
        [{"role": "user", "content": "What is"}]))
    assert first.message_tokens == first.prompt_tokens  # a new conversation: all of it
    qtbot.keyClicks(composer.input, " the capital of France?")
    second = counted(qtbot, window, rendered_prompt_tokens(
        [{"role": "user", "content": FRANCE}]))
    assert second.message_tokens > first.message_tokens
    assert composer.token_count.text() == (
        f"Message: {second.message_tokens} tokens · "
        f"Context: {second.prompt_tokens} of {second.context_size:,} tokens")

    # After an exchange the count takes in the conversation as it will be sent: the answer
    # without its thinking, as the template renders it.
    composer.input.clear()
    message = send(qtbot, window, FRANCE)
    qtbot.keyClicks(composer.input, "And of Italy?")
    history = [{"role": "user", "content": FRANCE},
               {"role": "assistant", "content": message.content},
               {"role": "user", "content": "And of Italy?"}]
    third = counted(qtbot, window, rendered_prompt_tokens(history))
    assert third.message_tokens == third.prompt_tokens - rendered_prompt_tokens(history[:2])
    assert third.dropped_messages == 0 and "left out" not in composer.token_count.text()


@pytest.mark.slow
def test_over_the_limit_it_says_what_will_be_left_out(qtbot, window):
    open_model(qtbot, window)
    settings = window.settings
    generation = dataclasses.replace(
        settings.generation, do_sample=False, context_limit=256, max_new_tokens=120)
    window.settings_dialogs.apply_settings(dataclasses.replace(settings, generation=generation))
    send(qtbot, window, FRANCE)
    composer = window.composer
    long_draft = "Tell me more about Paris and France. " * 5
    composer.input.setPlainText(long_draft)
    count = counted(qtbot, window, rendered_prompt_tokens(
        [{"role": "user", "content": long_draft}]))
    assert count.limit == 256 - 120
    assert count.dropped_messages == 2 and not count.too_long
    assert "The 2 oldest messages will be left out to fit" in composer.token_count.text()
    assert count.prompt_tokens <= count.limit

    composer.input.setPlainText(long_draft * 3)
    count = counted(qtbot, window, too_long=True)
    assert "too long for the context" in composer.token_count.text()


def test_llama_cpp_counts_with_its_own_tokenizer_and_closes_its_counter(tiny_r1_gguf):
    engine = plan_load(LoadRequest(ModelSource.local(tiny_r1_gguf), device="cpu")).load(
        lambda fraction, what: None, threading.Event())
    counter = engine.prompt_counter()
    history = (Message(role="user", content=FRANCE),
               Message(role="assistant", content="Paris.", reasoning_content="Easy."))
    count = counter.count(TokenCountRequest(history, "And of Italy?", GenerationSettings()))
    messages = [{"role": "user", "content": FRANCE}, {"role": "assistant", "content": "Paris."},
                {"role": "user", "content": "And of Italy?"}]
    assert count.prompt_tokens == len(engine.template.encode(messages))
    assert count.prompt_tokens == rendered_prompt_tokens(messages)
    engine.close()
    with pytest.raises(RuntimeError):
        counter.count(TokenCountRequest(history, "x", GenerationSettings()))

