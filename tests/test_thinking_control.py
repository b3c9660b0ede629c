"""Answer now and the thinking budget: the model is made to close its thinking and answer,
through the real window on tiny-r1, for a template that pre-fills ``<think>`` (R1's) and
for one where the model opens it itself; the saved message says the thinking was cut."""

import dataclasses
import json
import shutil
import threading

import pytest
from conftest import REPLY_TIMEOUT_MS, TINY_R1, on_gui_thread
from test_window import open_model, send

from desktop_chat.core.conversation import Message
from desktop_chat.core.inference import GenerationStats
from desktop_chat.core.reply import ReplyStream
from desktop_chat.engine.thinking_budget import (
    CUT_BY_ANSWER_NOW,
    CUT_BY_BUDGET,
    ThinkingBudget,
)
from desktop_chat.ui.conversation.assistant_message import AssistantMessageWidget
from desktop_chat.ui.conversation.thinking_panel import ThinkingPanel

FRANCE = "What is the capital of France?"
FULL_REASONING = ("The user asks for the capital of France. France is in Europe; its capital "
                  "is Paris.")
END_IDS = [7, 8, 9]  # stand-ins for "\n", "</think>", "\n\n" in the unit tests


@pytest.fixture(scope="module")
def model_that_opens_thinking(tmp_path_factory):
    """tiny-r1 whose template does not pre-fill ``<think>`` (its generation prompt is a bare
    ``<｜Assistant｜>``) and whose output layer makes the model write ``<think>`` first, as
    models that open their thinking themselves do."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = tmp_path_factory.mktemp("opens") / "tiny-r1-opens-thinking"
    shutil.copytree(TINY_R1, folder)
    template = folder / "chat_template.jinja"
    text = template.read_text(encoding="utf-8")
    prefilled = "{{ '<｜Assistant｜><think>\\n' }}"
    assert prefilled in text
    template.write_text(text.replace(prefilled, "{{ '<｜Assistant｜>' }}"), encoding="utf-8")
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder)
    ids = tokenizer.apply_chat_template([{"role": "user", "content": FRANCE}],
                                        add_generation_prompt=True, return_dict=True,
                                        return_tensors="pt")["input_ids"]
    with torch.no_grad():
        out = model(ids, output_hidden_states=True)
    # Lift <think>'s output row along the state after <｜Assistant｜>: there, and nowhere
    # much else, <think> becomes the most likely token.
    state, logits = out.hidden_states[-1][0, -1], out.logits[0, -1]
    think = tokenizer.convert_tokens_to_ids("<think>")
    head = model.get_output_embeddings().weight.detach().clone()
    head[think] += state / state.dot(state) * (logits.max() - logits[think] + 8)
    model.config.tie_word_embeddings = False
    model.lm_head.weight = torch.nn.Parameter(head)
    model.save_pretrained(folder)
    return folder


def hold_until_answer_now(monkeypatch, owner, name, worker, after_calls=6):
    """``owner.name`` (called once per token) waits, from its ``after_calls``-th call on,
    until Answer now reached the worker: the model is still thinking when the user clicks,
    however slow the machine."""
    real = getattr(owner, name)
    calls = {"n": 0}

    def held(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] >= after_calls:
            worker._answer_now.wait(REPLY_TIMEOUT_MS / 1000)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, held)


def greedy(window, **changes):
    """Deterministic replies of a bounded length (the cut answer is tiny-r1's babble)."""
    settings = window.settings
    generation = dataclasses.replace(
        settings.generation, do_sample=False, max_new_tokens=80, **changes)
    window.settings_dialogs.apply_settings(dataclasses.replace(settings, generation=generation))


def saved_reply(window):
    assert window.conversations.flush_saves()
    path = window.conversations.store.path_for(window.chat.current.id)
    return json.loads(path.read_text(encoding="utf-8"))["messages"][-1]


@pytest.mark.slow
@pytest.mark.parametrize("template", ["prefills", "model_opens"])
def test_answer_now_ends_the_thinking_and_an_answer_follows(
        qtbot, window, monkeypatch, template, request):
    model = TINY_R1 if template == "prefills" else request.getfixturevalue(
        "model_that_opens_thinking")
    open_model(qtbot, window, model)
    assert window.models.model.can_answer_now
    greedy(window)
    hold_until_answer_now(monkeypatch, window.worker.engine.model, "forward", window.worker)
    seen = []

    def on_chunk(kind, text):
        if kind == "reasoning" and not seen:
            [panel] = window.view.findChildren(ThinkingPanel)
            seen.append(not panel.answer_now_button.isHidden())
            panel.answer_now_button.click()  # as a click does (the view may not have
            # placed the new panel yet, so a click at its position could land elsewhere)

    window.chat.chunk_received.connect(on_chunk)
    message = send(qtbot, window, FRANCE)
    assert seen == [True]  # offered while thinking
    assert message.stats["thinking_cut"] == "answer_now"
    assert message.finish_reason in ("stop", "length")
    assert message.reasoning_content and len(message.reasoning_content) < len(FULL_REASONING)
    assert message.content.strip()  # an answer followed the forced </think>
    assert "</think>" not in message.content
    [panel] = window.view.findChildren(ThinkingPanel)
    assert panel.answer_now_button.isHidden()
    assert panel.header.text().endswith("(ended early with Answer now)")
    assert saved_reply(window)["stats"]["thinking_cut"] == "answer_now"


@pytest.mark.slow
@pytest.mark.parametrize("template", ["prefills", "model_opens"])
def test_a_thinking_budget_ends_the_thinking_after_n_tokens(qtbot, window, template, request):
    model = TINY_R1 if template == "prefills" else request.getfixturevalue(
        "model_that_opens_thinking")
    open_model(qtbot, window, model)
    greedy(window, thinking_budget=6)
    message = send(qtbot, window, FRANCE)
    stats = message.stats
    assert stats["thinking_cut"] == "budget"
    # Six thinking tokens, then the forced "\n" and "</think>" (which count as thinking).
    assert stats["reasoning_tokens"] == 6 + 2
    assert message.reasoning_content and FULL_REASONING.startswith(message.reasoning_content)
    assert message.content.strip() and "</think>" not in message.content
    [panel] = window.view.findChildren(ThinkingPanel)
    assert "thinking budget" in panel.header.text()
    assert saved_reply(window)["stats"]["thinking_cut"] == "budget"
    # Without a budget the same question thinks to the end, and nothing is recorded.
    greedy(window, thinking_budget=0)
    message = send(qtbot, window, FRANCE)
    assert "thinking_cut" not in message.stats
    assert "thinking_cut" not in saved_reply(window)["stats"]


@pytest.mark.slow
def test_answer_now_and_the_budget_on_llama_cpp(qtbot, window, monkeypatch, tiny_r1_gguf):
    open_model(qtbot, window, tiny_r1_gguf)
    assert window.models.model.can_answer_now
    greedy(window, thinking_budget=6)
    message = send(qtbot, window, FRANCE)
    assert message.stats["thinking_cut"] == "budget"
    assert message.stats["reasoning_tokens"] == 6 + 2
    assert message.content.strip() and "</think>" not in message.content

    greedy(window, thinking_budget=0)
    # detokenize is called once per token
    hold_until_answer_now(monkeypatch, window.worker.engine.llm, "detokenize", window.worker)
    window.chat.chunk_received.connect(
        lambda kind, text: kind == "reasoning" and window.chat.answer_now())
    message = send(qtbot, window, FRANCE)
    assert message.stats["thinking_cut"] == "answer_now"
    assert len(message.reasoning_content) < len(FULL_REASONING)
    assert message.content.strip() and "</think>" not in message.content


def test_answer_now_is_not_offered_when_the_engine_cannot_end_the_thinking(qtbot):
    from desktop_chat.ui.render.markdown import MarkdownRenderer
    from desktop_chat.ui.render.theme import LIGHT

    widgets = []  # kept alive until the end, as a view keeps its messages
    for available in (False, True):
        widget = AssistantMessageWidget(MarkdownRenderer(LIGHT.markdown), True, False)
        qtbot.addWidget(widget)
        widgets.append(widget)
        widget.start_streaming()
        widget.set_answer_now_available(available)
        widget.append("reasoning", "Let me think")
        button = widget.thinking.answer_now_button
        assert button.isHidden() is not available
        assert button.objectName() == "answerNowButton" and button.accessibleName()
        widget.append("answer", "Done.")  # the answer began: the offer goes
        assert button.isHidden()
        widget.show_message(Message(role="assistant", content="Done.",
                                    reasoning_content="Let me think",
                                    stats={"thinking_cut": "budget", "thinking_s": 2.0}))
        assert button.isHidden()
        assert "thinking budget" in widget.thinking.header.text()


# ----- the mechanism, on its own ------------------------------------------------------------

def thinking_reply() -> ReplyStream:
    reply = ReplyStream(lambda event: None)
    reply.begin(opens_reasoning=True)
    return reply


def test_the_budget_counts_thinking_tokens_then_forces_the_end_once():
    reply = thinking_reply()
    budget = ThinkingBudget(reply, END_IDS, budget=3)
    for word in ("one ", "two ", "three "):
        assert budget.forced_token() is None
        reply.tokens(word)
    assert [budget.forced_token() for _ in END_IDS] == END_IDS
    assert reply.stats.thinking_cut == CUT_BY_BUDGET
    reply.tokens("\n</think>\n\n", count=3)
    reply.tokens("The answer.")
    assert budget.forced_token() is None and not budget.forcing
    result = reply.finish()
    assert (result.reasoning, result.answer) == ("one two three", "The answer.")
    assert GenerationStats(thinking_cut=CUT_BY_BUDGET).to_dict()["thinking_cut"] == "budget"
    assert "thinking_cut" not in GenerationStats().to_dict()


def test_answer_now_waits_for_the_end_of_a_character_and_never_cuts_an_answer():
    reply = thinking_reply()
    now = threading.Event()
    budget = ThinkingBudget(reply, END_IDS, answer_now=now)
    reply.tokens("巴")
    assert budget.forced_token() is None  # not asked yet
    now.set()
    assert budget.forced_token(mid_character=True) is None  # half a character so far
    assert budget.forced_token(mid_character=False) == END_IDS[0]
    assert reply.stats.thinking_cut == CUT_BY_ANSWER_NOW

    answering = ReplyStream(lambda event: None)
    answering.begin(opens_reasoning=False)  # no thinking at all
    answering.tokens("An answer")
    assert ThinkingBudget(answering, END_IDS, budget=1, answer_now=now).forced_token() is None

    closed = thinking_reply()
    closed.tokens("done</think>Answer")  # the model ended its thinking itself
    assert ThinkingBudget(closed, END_IDS, budget=1, answer_now=now).forced_token() is None


@pytest.mark.parametrize("engine", ["transformers", "llama.cpp"])
def test_a_budget_never_cuts_a_chinese_character_in_half(engine, tiny_r1_gguf):
    """tiny-r1's byte-level tokens split each of these characters in three: the end of the
    thinking is forced only once a character is whole, the same in both engines."""
    from desktop_chat.core.inference import GenerationRequest, LoadRequest
    from desktop_chat.core.model_source import ModelSource
    from desktop_chat.core.settings import GenerationSettings
    from desktop_chat.engine.registry import plan_load

    path = TINY_R1 if engine == "transformers" else tiny_r1_gguf
    opened = plan_load(LoadRequest(ModelSource.local(path), device="cpu")).load(
        lambda fraction, what: None, threading.Event())
    try:
        thoughts = []
        for budget in (4, 5, 7):
            events = []
            settings = GenerationSettings(do_sample=False, max_new_tokens=40,
                                          thinking_budget=budget)
            opened.generate(GenerationRequest(
                (Message(role="user", content="法国的首都是哪里？"),), settings),
                threading.Event(), events.append)
            result = events[-1].result
            assert result.stats.thinking_cut == CUT_BY_BUDGET
            assert "\ufffd" not in result.reasoning + result.answer
            thoughts.append(result.reasoning)
        assert thoughts == ["用户", "用户", "用户在"]
    finally:
        opened.close()


@pytest.mark.slow
def test_a_server_offers_neither_answer_now_nor_a_count(qtbot, window, tiny_r1_gguf):
    """A server samples out of reach and keeps its tokenizer: the button and the count
    stay hidden, and the thinking budget leaves its reply alone."""
    from servers import start_llama_cpp_server

    from desktop_chat.core.model_source import ModelSource

    with start_llama_cpp_server(tiny_r1_gguf, alias="tiny-r1", n_ctx=1024) as server:
        open_model(qtbot, window, ModelSource.server(server.base_url, "tiny-r1").to_string())
        assert not window.models.model.can_answer_now
        greedy(window, thinking_budget=3)
        counted = on_gui_thread(window.chat.counting.counted)  # sent from the count thread
        with qtbot.waitSignal(counted, timeout=REPLY_TIMEOUT_MS) as told:
            qtbot.keyClicks(window.composer.input, "What is")
        assert told.args == [(None,)] and window.composer.token_count.isHidden()
        window.composer.input.clear()
        message = send(qtbot, window, FRANCE)
        assert message.reasoning_content == FULL_REASONING and "thinking_cut" not in \
            message.stats
        [panel] = window.view.findChildren(ThinkingPanel)
        assert panel.answer_now_button.isHidden()
