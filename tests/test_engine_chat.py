"""The chat engine on the tiny R1-format model: prompts, streaming, cancel, errors, reuse."""

import dataclasses
import threading

import pytest
from conftest import TINY_R1, fail_at_call

from desktop_chat.core.conversation import Message
from desktop_chat.core.inference import (
    AnswerDelta,
    Failed,
    Finished,
    GenerationRequest,
    PrefillProgress,
    ReasoningDelta,
)
from desktop_chat.core.settings import GenerationSettings
from desktop_chat.engine.prompt import chat_messages
from desktop_chat.engine.transformers_engine.chat import TransformersEngine
from desktop_chat.engine.transformers_engine.device import choose_device
from desktop_chat.engine.transformers_engine.loader import inspect_model_folder, load_model

GREEDY = GenerationSettings(do_sample=False, max_new_tokens=200)


@pytest.fixture(scope="module")
def loaded():
    folder = inspect_model_folder(TINY_R1)
    return load_model(folder, choose_device(model_type=folder.model_type),
                      lambda f, s: None, threading.Event())


@pytest.fixture
def session(loaded):
    return TransformersEngine(loaded)


def ask(session, history, settings=GREEDY, cancel=None, on_chunk=None, events=None):
    """Generate; the result (from the one terminal event) and the text deltas."""
    chunks, ends = [], []

    def collect(event):
        if events is not None:
            events.append(event)
        if isinstance(event, (ReasoningDelta, AnswerDelta)):
            kind = "reasoning" if isinstance(event, ReasoningDelta) else "answer"
            chunks.append((kind, event.text))
            if on_chunk:
                on_chunk(kind, event.text)
        elif isinstance(event, (Finished, Failed)):
            ends.append(event)

    session.generate(GenerationRequest(tuple(history), settings),
                     cancel or threading.Event(), collect)
    assert len(ends) == 1, ends
    return ends[0].result, chunks


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
        session = TransformersEngine(loaded, reuse_cache=reuse)
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


def long_history(turns=12):
    history = []
    for n in range(turns):
        history += [user(f"Question number {n} about something long enough to matter"),
                    Message(role="assistant", content=f"Answer number {n}, also quite long.")]
    return [*history, user("What is the capital of France?")]


def test_a_long_prompt_is_prefilled_in_chunks_with_progress_and_the_same_output(
        session, monkeypatch):
    from desktop_chat.engine.transformers_engine import chat

    events = []
    chunked, _ = ask(session, long_history(), events=events)
    progress = [(e.done, e.total) for e in events if isinstance(e, PrefillProgress)]
    total = chunked.stats.prompt_tokens
    assert total > 2 * chat.PREFILL_CHUNK
    assert progress[0] == (0, total) and len(progress) >= 3
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    monkeypatch.setattr(chat, "PREFILL_CHUNK", 10_000)  # one pass, as generate() does it
    whole, _ = ask(TransformersEngine(session.loaded), long_history())
    assert (whole.reasoning, whole.answer) == (chunked.reasoning, chunked.answer)


def test_cancel_during_prefill_ends_within_a_chunk_with_nothing_generated(session):
    cancel = threading.Event()
    events = []

    def on_event(event):
        events.append(event)
        if isinstance(event, PrefillProgress) and event.done > 0:
            cancel.set()

    session.generate(GenerationRequest(tuple(long_history()), GREEDY), cancel, on_event)
    done = [e for e in events if isinstance(e, PrefillProgress) and e.done > 0]
    assert len(done) == 1  # no chunk ran after the cancel
    assert isinstance(events[-1], Finished)
    assert events[-1].result.stats.finish_reason == "cancelled"
    assert not events[-1].result.reasoning and not events[-1].result.answer
    after, _ = ask(session, [user("What is 2 + 2?")])  # the half-read prompt is not reused
    assert after.answer == "2 + 2 = 4"


def sliding_window_copy(tmp_path):
    import json
    import shutil

    folder = tmp_path / "sliding"
    shutil.copytree(TINY_R1, folder)
    config = json.loads((folder / "config.json").read_text())
    config.update(use_sliding_window=True, sliding_window=8, max_window_layers=0,
                  layer_types=["sliding_attention", "sliding_attention"])
    (folder / "config.json").write_text(json.dumps(config))
    return folder


def test_regenerate_and_edit_on_a_sliding_window_model(tmp_path):
    folder = inspect_model_folder(sliding_window_copy(tmp_path))
    engine = TransformersEngine(load_model(folder, choose_device(model_type="qwen2"),
                                           lambda f, s: None, threading.Event()))
    history = [user("What is the capital of France?")]
    first, _ = ask(engine, history)
    assert first.error is None and first.stats.prompt_tokens > 8  # past the window
    again, _ = ask(engine, history)  # regenerate: crop() refuses past the window
    edited, _ = ask(engine, [user("What is 2 + 2?")])  # an edited prompt
    assert again.error is None and edited.error is None
    assert again.stats.reused_tokens == 0  # read again from the start
    assert (again.reasoning, again.answer) == (first.reasoning, first.answer)


CHATML = ("{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
          "{{ message['content'] }}<|im_end|>\n{% endfor %}"
          "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")


def test_a_user_message_ending_in_think_is_answered_as_an_answer_on_chatml(tmp_path):
    import shutil

    folder = tmp_path / "chatml"
    shutil.copytree(TINY_R1, folder)
    (folder / "chat_template.jinja").write_text(CHATML)
    engine = TransformersEngine(load_model(inspect_model_folder(folder),
                                           choose_device(model_type="qwen2"),
                                           lambda f, s: None, threading.Event()))
    history = [user("Explain this tag: <think>")]
    prompt = engine.prepare(history, GREEDY)
    assert not prompt.opens_reasoning
    result, chunks = ask(engine, history, dataclasses.replace(GREEDY, max_new_tokens=20))
    assert not result.reasoning and {kind for kind, _ in chunks} <= {"answer"}


def test_the_r1_template_opens_reasoning_even_after_a_think_in_the_message(session):
    prompt = session.prepare([user("What does </think> mean?")], GREEDY)
    assert prompt.opens_reasoning


def test_a_typed_control_token_is_encoded_as_text(session):
    ids = session.prepare([user("<｜Assistant｜>")], GREEDY).input_ids
    assistant = session.tokenizer.convert_tokens_to_ids("<｜Assistant｜>")
    assert ids.count(assistant) == 1  # only the template's own


def test_the_automatic_context_is_what_the_free_memory_holds(loaded, monkeypatch):
    from desktop_chat.core import context_budget
    from desktop_chat.engine.transformers_engine import chat
    from desktop_chat.engine.transformers_engine.loader import kv_bytes_per_token

    config = loaded.model.config
    per_token = kv_bytes_per_token(config, loaded.choice)
    assert per_token == (config.num_hidden_layers * config.num_key_value_heads
                         * (config.hidden_size // config.num_attention_heads) * 2
                         * loaded.model.dtype.itemsize)
    monkeypatch.setattr(context_budget, "MIN_CONTEXT", 128)
    monkeypatch.setattr(context_budget, "ROUND_TO", 128)
    # Room for 384 tokens in half of the free memory: the context is 384, not the
    # model's 1,024, and a long conversation is trimmed to it without a settings limit.
    monkeypatch.setattr(chat, "free_memory", lambda device: per_token * 384 * 2)
    small = TransformersEngine(loaded)
    assert small.info.context_size == 384
    assert "384 tokens fit in half" in small.info.context_reason
    settings = dataclasses.replace(GREEDY, max_new_tokens=64)
    prompt = small.prepare(long_history(30), settings)
    assert prompt.dropped_messages > 0 and len(prompt.input_ids) <= 384 - 64
    # A limit set in the settings wins, up to the model's maximum.
    prompt = small.prepare(long_history(30), dataclasses.replace(settings, context_limit=900))
    assert 384 < len(prompt.input_ids) <= 900 - 64
