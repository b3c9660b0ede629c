"""The chat engine on the tiny R1-format model: prompts, streaming, cancel, errors, reuse."""

import dataclasses
import threading

import pytest
from conftest import TINY_R1, fail_at_call

from desktop_chat.core.conversation import Message
from desktop_chat.core.settings import GenerationSettings
from desktop_chat.engine.chat import ChatSession, chat_messages
from desktop_chat.engine.device import choose_device
from desktop_chat.engine.loader import inspect_model_folder, load_model

GREEDY = GenerationSettings(do_sample=False, max_new_tokens=200)


@pytest.fixture(scope="module")
def loaded():
    folder = inspect_model_folder(TINY_R1)
    return load_model(folder, choose_device(model_type=folder.model_type),
                      lambda f, s: None, threading.Event())


@pytest.fixture
def session(loaded):
    return ChatSession(loaded)


def ask(session, history, settings=GREEDY, cancel=None, on_chunk=None):
    chunks = []

    def collect(kind, text):
        chunks.append((kind, text))
        if on_chunk:
            on_chunk(kind, text)

    result = session.generate(history, settings, collect, cancel or threading.Event())
    return result, chunks


def user(text):
    return Message(role="user", content=text)


def test_reasoning_then_answer_with_stats(session):
    result, chunks = ask(session, [user("What is the capital of France?")])
    assert result.error is None
    assert result.reasoning.startswith("The user asks for the capital of France")
    assert result.answer == "The capital of France is **Paris**."
    kinds = [kind for kind, _ in chunks]
    assert kinds == sorted(kinds, key=lambda k: k != "reasoning")  # reasoning strictly first
    assert "".join(t for k, t in chunks if k == "answer") == result.answer
    stats = result.stats
    assert stats.finish_reason == "stop" and not result.reasoning_unfinished
    assert stats.prompt_tokens == 12 and stats.reasoning_tokens > 10 and stats.answer_tokens > 5
    assert 0 < stats.time_to_first_token_s < stats.thinking_s < stats.total_s
    assert stats.decode_tokens_per_s > 0


def test_the_prompt_has_one_bos_and_no_earlier_reasoning(session):
    history = [
        user("What is the capital of France?"),
        Message(role="assistant", content="The capital of France is **Paris**.",
                reasoning_content="SECRET REASONING"),
        user("And of Italy?"),
    ]
    prompt = session.prepare(history, GREEDY)
    text = session.tokenizer.decode(prompt.input_ids)
    bos = session.tokenizer.bos_token_id
    assert prompt.input_ids[0] == bos and prompt.input_ids.count(bos) == 1
    assert "SECRET" not in text and "Paris" in text
    assert text.endswith("<｜Assistant｜><think>\n") and prompt.opens_reasoning


def test_reasoning_left_in_an_answer_is_stripped_and_system_prompt_only_when_set():
    history = [user("q"), Message(role="assistant", content="plan</think>\n\nanswer")]
    assert chat_messages(history, "") == [{"role": "user", "content": "q"},
                                          {"role": "assistant", "content": "answer"}]
    assert chat_messages(history, "Be brief.")[0] == {"role": "system", "content": "Be brief."}
    assert chat_messages(history, "   ")[0]["role"] == "user"


def test_second_turn_uses_the_answer_only_and_greedy_output_matches_without_reuse(loaded):
    prompts = ["What is the capital of France?", "And of Italy?"]
    outputs = {}
    for reuse in (True, False):
        session = ChatSession(loaded, reuse_cache=reuse)
        history, answers, reused = [], [], []
        for prompt in prompts:
            history.append(user(prompt))
            result, _ = ask(session, history)
            answers.append((result.reasoning, result.answer))
            reused.append(result.stats.reused_tokens)
            history.append(Message(role="assistant", content=result.answer,
                                   reasoning_content=result.reasoning))
        outputs[reuse] = answers
        if reuse:
            # Turn two shares everything up to the previous <｜Assistant｜>, not its reasoning.
            assert reused == [0, 10]
        else:
            assert reused == [0, 0]
    assert outputs[True] == outputs[False]
    assert outputs[True][1][1] == "The capital of Italy is **Rome**."


def test_regenerate_and_edit_reuse_what_matches(session):
    history = [user("What is the capital of France?")]
    first, _ = ask(session, history)
    again, _ = ask(session, history)  # regenerate: the whole prompt but one token is cached
    assert again.stats.reused_tokens == again.stats.prompt_tokens - 1
    assert again.answer == first.answer
    edited, _ = ask(session, [user("What is 2 + 2?")])
    assert 0 < edited.stats.reused_tokens < edited.stats.prompt_tokens - 1
    assert edited.answer == "2 + 2 = 4"


def test_chinese_streams_without_replacement_characters(session):
    result, chunks = ask(session, [user("法国的首都是哪里？")])
    assert result.answer == "法国的首都是巴黎。🗼"
    assert result.reasoning == "用户在问法国的首都。答案是巴黎。"
    assert all("\ufffd" not in text for _, text in chunks)
    assert len(chunks) > 1


def test_cancel_mid_stream_keeps_the_partial_text(session):
    cancel = threading.Event()
    result, chunks = ask(session, [user("What is the capital of France?")], cancel=cancel,
                         on_chunk=lambda kind, text: cancel.set())
    assert result.stats.finish_reason == "cancelled"
    assert result.reasoning and not result.answer
    assert result.reasoning_unfinished
    assert "The capital of France is" not in result.reasoning


def test_length_limit_is_reported(session):
    result, _ = ask(session, [user("What is the capital of France?")],
                    dataclasses.replace(GREEDY, max_new_tokens=5))
    assert result.stats.finish_reason == "length"
    assert result.stats.reasoning_tokens == 5 and result.reasoning_unfinished


def test_an_exception_inside_generate_becomes_an_error_result(session, monkeypatch):
    heal = fail_at_call(monkeypatch, session.model, 6)
    result, _ = ask(session, [user("What is the capital of France?")])
    assert result.stats.finish_reason == "error"
    assert "injected failure" in result.error and "Traceback" in result.error_details
    assert result.reasoning.startswith("The user")  # what streamed before the failure is kept
    heal()
    after, _ = ask(session, [user("What is the capital of France?")])
    assert after.answer == "The capital of France is **Paris**."
    assert after.stats.reused_tokens == 0  # the cache of a failed turn is never reused


def test_the_oldest_turns_are_dropped_to_fit_the_context(session):
    history = []
    for n in range(30):
        history += [user(f"Question number {n} about something long enough"),
                    Message(role="assistant", content=f"Answer number {n}, also quite long.")]
    history.append(user("What is the capital of France?"))
    settings = dataclasses.replace(GREEDY, system_prompt="Be brief.", context_limit=300,
                                   max_new_tokens=100)
    prompt = session.prepare(history, settings)
    assert len(prompt.input_ids) <= 200
    assert prompt.dropped_messages > 0 and prompt.dropped_messages % 2 == 0
    text = session.tokenizer.decode(prompt.input_ids)
    assert text.startswith("<｜begin▁of▁sentence｜>Be brief.<｜User｜>Question number")
    assert "Question number 0 " not in text and "capital of France?" in text
    assert prompt.max_new_tokens == 100


def test_a_message_too_long_for_the_context_is_refused_with_a_reason(session):
    settings = dataclasses.replace(GREEDY, context_limit=256, max_new_tokens=100)
    result, _ = ask(session, [user("word " * 400)], settings)
    assert result.stats.finish_reason == "error"
    assert "too long for the model's context" in result.error
