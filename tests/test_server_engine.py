"""The server engine's handling of what servers do wrong, against a scripted server (the
flows that work run against real servers in test_engine_contract.py)."""

import threading

import pytest
from fake_openai import fake_openai_server, unused_port

from desktop_chat.core.conversation import Message
from desktop_chat.core.inference import (
    AnswerDelta,
    AnswerWasReasoning,
    Failed,
    Finished,
    GenerationRequest,
    LoadRequest,
    ReasoningDelta,
)
from desktop_chat.core.model_source import ModelSource
from desktop_chat.core.secrets import api_key_for, remember_api_key
from desktop_chat.core.settings import GenerationSettings
from desktop_chat.engine import server_engine
from desktop_chat.engine.registry import plan_load
from desktop_chat.engine.server_errors import ServerError, describe

GREEDY = GenerationSettings(do_sample=False, max_new_tokens=50)


def open_server(base_url, model=""):
    plan = plan_load(LoadRequest(ModelSource.server(base_url, model)))
    return plan.load(lambda fraction, what: None, threading.Event())


def ask(engine, text="Hi", settings=GREEDY, cancel=None):
    events = []
    engine.generate(GenerationRequest((Message(role="user", content=text),), settings),
                    cancel or threading.Event(), events.append)
    ends = [e for e in events if isinstance(e, (Finished, Failed))]
    assert len(ends) == 1 and events[-1] is ends[0]
    return events


@pytest.fixture
def fake():
    with fake_openai_server() as (base_url, script):
        yield base_url, script


def test_the_first_listed_model_is_taken_and_named(fake):
    base_url, script = fake
    script.models = ["first", "second"]
    engine = open_server(base_url)
    assert engine.info.name == "first" and engine.info.engine == "server"
    assert engine.info.source == ModelSource.server(base_url, "first")
    assert engine.info.path == f"{base_url}#first"


def test_a_model_the_server_does_not_offer_is_refused_with_the_list(fake):
    base_url, script = fake
    with pytest.raises(ServerError, match="does not offer the model “other”") as error:
        open_server(base_url, "other")
    assert "fake-model" in error.value.details


def test_a_server_with_no_models_asks_for_a_name(fake):
    base_url, script = fake
    script.models = []
    with pytest.raises(ServerError, match="lists no models"):
        open_server(base_url)
    assert open_server(base_url, "typed-name").info.name == "typed-name"


def test_connection_refused_says_nothing_answers():
    with pytest.raises(ServerError, match="connection refused"):
        open_server(f"http://127.0.0.1:{unused_port()}/v1")


def test_an_unknown_host_says_the_name_was_not_found():
    with pytest.raises(ServerError, match="could not be found|Could not connect"):
        open_server("http://desktop-chat-test.invalid:8000/v1")


@pytest.mark.parametrize("status, message", [
    (401, "refused the API key"), (403, "does not allow"), (404, "does not know the model"),
    (429, "rate limit"), (500, "internal error"), (503, "internal error"),
    (400, "refused the request"),
])
def test_each_error_status_gets_its_own_message(fake, status, message):
    base_url, script = fake
    engine = open_server(base_url)
    script.status = status
    script.error_body = {"error": {"message": "detail from the server"}}
    events = ask(engine)
    assert isinstance(events[-1], Failed)
    assert message in events[-1].message and "detail from the server" in events[-1].message


def test_reasoning_fields_become_reasoning_and_usage_replaces_our_counts(fake):
    base_url, script = fake
    engine = open_server(base_url)
    script.say("The answer", " is 4.", reasoning=("\nLet me", " add."))
    script.chunks.append({"id": "x", "object": "chat.completion.chunk", "created": 0,
                          "model": "fake-model", "choices": [],
                          "usage": {"prompt_tokens": 11, "completion_tokens": 9,
                                    "total_tokens": 20,
                                    "completion_tokens_details": {"reasoning_tokens": 5}}})
    events = ask(engine)
    reasoning = "".join(e.text for e in events if isinstance(e, ReasoningDelta))
    answer = "".join(e.text for e in events if isinstance(e, AnswerDelta))
    result = events[-1].result
    assert (reasoning, answer) == ("Let me add.", "The answer is 4.")
    assert (result.reasoning, result.answer) == (reasoning, answer)
    stats = result.stats
    assert (stats.prompt_tokens, stats.reasoning_tokens, stats.answer_tokens) == (11, 5, 4)
    assert stats.thinking_s is not None and not result.reasoning_unfinished


def test_the_reasoning_field_of_vllm_and_ollama_counts_too(fake):
    base_url, script = fake
    engine = open_server(base_url)
    script.say("Four.")
    script.chunks.insert(0, {"id": "x", "object": "chat.completion.chunk", "created": 0,
                             "model": "fake-model", "choices": [{
                                 "index": 0, "delta": {"reasoning": "Two and two."},
                                 "finish_reason": None}]})
    result = ask(engine)[-1].result
    assert (result.reasoning, result.answer) == ("Two and two.", "Four.")


def test_a_close_tag_nothing_opened_turns_the_text_before_it_into_reasoning(fake):
    base_url, script = fake
    engine = open_server(base_url)
    script.say("Two and", " two.\n</th", "ink>\n\nFour.")
    events = ask(engine)
    assert any(isinstance(e, AnswerWasReasoning) for e in events)
    result = events[-1].result
    assert (result.reasoning, result.answer) == ("Two and two.", "Four.")
    assert result.stats.reasoning_tokens == 2 and result.stats.answer_tokens == 1
    # Learned: this server's template opens the thinking, so the next reply streams into
    # the thinking from its first word...
    script.say("Plan", " more.</think>", "Five.")
    events = ask(engine)
    assert not any(isinstance(e, AnswerWasReasoning) for e in events)
    assert isinstance(next(e for e in events if isinstance(e, (ReasoningDelta, AnswerDelta))),
                      ReasoningDelta)
    assert events[-1].result.reasoning == "Plan more." and events[-1].result.answer == "Five."
    # ...presumed only: a reply that ends by itself without closing it was an answer.
    script.say("Just an", " answer.")
    result = ask(engine)[-1].result
    assert (result.reasoning, result.answer) == ("", "Just an answer.")
    assert result.stats.answer_tokens == 2 and result.stats.reasoning_tokens == 0
    # And the guess is dropped: the next reply is an answer until a </think> says otherwise.
    script.say("Plain.")
    events = ask(engine)
    assert isinstance(next(e for e in events if isinstance(e, (ReasoningDelta, AnswerDelta))),
                      AnswerDelta)


def test_a_stream_that_ends_without_a_finish_is_a_dropped_connection(fake):
    base_url, script = fake
    engine = open_server(base_url)
    script.say("Half an ans", "wer")
    script.chunks.pop()  # no finish_reason: the server went away
    events = ask(engine)
    assert isinstance(events[-1], Failed)
    assert "lost in the middle of the reply" in events[-1].message
    assert events[-1].result.answer == "Half an answer"


def test_a_broken_chunk_fails_with_what_arrived_kept(fake):
    base_url, script = fake
    engine = open_server(base_url)
    script.say("Kept text")
    script.chunks.insert(1, "data: {this is not json")
    events = ask(engine)
    assert isinstance(events[-1], Failed) and events[-1].result.answer == "Kept text"


def test_a_server_that_ignores_max_tokens_is_cut_at_the_limit(fake):
    # A server that streams past max_tokens (a buggy or hostile one) would otherwise fill
    # the conversation without end; 5000 chunks stand in for "forever".
    base_url, script = fake
    engine = open_server(base_url)
    script.ignores_max_tokens = 5000
    events = ask(engine, settings=GenerationSettings(do_sample=False, max_new_tokens=20))
    assert script.requests[-1]["max_tokens"] == 20
    assert isinstance(events[-1], Finished)
    result = events[-1].result
    assert result.stats.finish_reason == "length"
    assert result.answer.split() == [f"w{i}" for i in range(20)]
    assert result.stats.answer_tokens == 20


def test_stop_ends_the_reply_at_once_while_the_server_is_silent(fake, monkeypatch):
    base_url, script = fake
    engine = open_server(base_url)
    script.hang.set()
    cancel = threading.Event()
    events = []
    worker = threading.Thread(target=lambda: engine.generate(
        GenerationRequest((Message(role="user", content="Hi"),), GREEDY), cancel,
        events.append))
    worker.start()
    while not script.requests:
        threading.Event().wait(0.01)
    cancel.set()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert isinstance(events[-1], Finished)
    assert events[-1].result.stats.finish_reason == "cancelled"


def test_a_server_that_never_answers_times_out_with_a_message(fake, monkeypatch):
    base_url, script = fake
    monkeypatch.setattr(server_engine, "READ_TIMEOUT_S", 0.5)
    engine = open_server(base_url)
    script.hang.set()
    events = ask(engine)
    assert isinstance(events[-1], Failed) and "did not answer in time" in events[-1].message


def test_sampling_settings_are_sent_and_extras_only_when_set(fake):
    base_url, script = fake
    engine = open_server(base_url)
    script.say("ok")
    ask(engine)
    sent = script.requests[-1]
    assert sent["temperature"] == 0.0 and sent["max_tokens"] == 50 and sent["stream"]
    assert "top_k" not in sent and "repetition_penalty" not in sent and "seed" not in sent
    assert sent["messages"] == [{"role": "user", "content": "Hi"}]
    ask(engine, settings=GenerationSettings(temperature=0.7, top_p=0.9, top_k=20, seed=3,
                                            repetition_penalty=1.1, system_prompt="Be brief."))
    sent = script.requests[-1]
    assert (sent["temperature"], sent["top_p"], sent["top_k"], sent["seed"]) == (
        0.7, 0.9, 20, 3)
    assert sent["repetition_penalty"] == 1.1
    assert sent["messages"][0] == {"role": "system", "content": "Be brief."}


def test_the_api_key_comes_from_the_environment(fake, monkeypatch):
    base_url, script = fake
    monkeypatch.setenv("DESKTOP_CHAT_API_KEY", "sk-test-123")
    client = server_engine.make_client(base_url)
    assert client.api_key == "sk-test-123"


@pytest.mark.parametrize("base_url, sent", [
    ("https://api.example.com/v1", True),
    ("HTTPS://API.EXAMPLE.COM/v1", True),
    ("http://127.0.0.1:8000/v1", True),
    ("http://127.8.9.10:8000/v1", True),
    ("http://localhost:8000/v1", True),
    ("http://[::1]:8000/v1", True),
    ("http://192.168.1.20:8000/v1", False),  # plain http across a network: readable there
    ("http://example.com/v1", False),
    ("http://localhost.example.com/v1", False),
    ("http://[::ffff:8.8.8.8]:8000/v1", False),
    ("ftp://127.0.0.1.example.com/v1", False),
    ("http://[broken/v1", False),
])
def test_the_environment_key_goes_only_over_https_or_to_this_computer(monkeypatch, base_url,
                                                                       sent):
    monkeypatch.setenv("DESKTOP_CHAT_API_KEY", "sk-test-123")
    assert (api_key_for(base_url) == "sk-test-123") is sent


def test_a_key_given_for_a_plain_http_server_goes_to_that_server_only(monkeypatch):
    monkeypatch.delenv("DESKTOP_CHAT_API_KEY", raising=False)
    remember_api_key("http://192.168.1.20:8000/v1", "sk-for-this-one")
    try:
        assert api_key_for("http://192.168.1.20:8000/v1") == "sk-for-this-one"
        assert api_key_for("http://192.168.1.21:8000/v1") != "sk-for-this-one"
    finally:
        remember_api_key("http://192.168.1.20:8000/v1", "")


def refused_key_error(base_url: str) -> BaseException:
    import httpx2
    import openai

    response = httpx2.Response(401, request=httpx2.Request("POST", base_url + "/chat"))
    return openai.AuthenticationError("no key", response=response,
                                      body={"error": {"message": "Missing API key"}})


def test_a_401_from_a_plain_http_server_says_the_environment_key_was_withheld(monkeypatch):
    monkeypatch.setenv("DESKTOP_CHAT_API_KEY", "sk-test-123")
    message = str(describe(refused_key_error("http://192.168.1.20:8000/v1"),
                           "http://192.168.1.20:8000/v1"))
    assert "sent only over https or to this computer" in message
    assert "192.168.1.20:8000 uses plain http" in message and "Missing API key" in message
    # over https the key was sent: the server refused it
    message = str(describe(refused_key_error("https://api.example.com/v1"),
                           "https://api.example.com/v1"))
    assert "refused the API key" in message


def test_a_server_that_refuses_top_k_is_asked_again_without_it(fake):
    base_url, script = fake
    engine = open_server(base_url)
    script.refused_fields = {"top_k", "repetition_penalty"}
    script.say("fine")
    settings = GenerationSettings(top_k=20, repetition_penalty=1.1)
    events = ask(engine, settings=settings)
    assert isinstance(events[-1], Finished) and events[-1].result.answer == "fine"
    assert "top_k" in script.requests[0] and "top_k" not in script.requests[1]
    ask(engine, settings=settings)
    assert "top_k" not in script.requests[2]  # not sent again to this server


def test_a_reply_that_ends_before_anything_says_so(fake):
    base_url, script = fake
    engine = open_server(base_url)
    script.chunks = []  # llama.cpp's server, for a prompt longer than its context
    events = ask(engine)
    assert isinstance(events[-1], Failed)
    assert "without sending anything" in events[-1].message


@pytest.mark.slow
def test_a_real_server_killed_mid_reply_fails_with_the_text_kept(smollm2_gguf):
    from servers import start_llama_cpp_server

    server = start_llama_cpp_server(smollm2_gguf, alias="smollm2")
    try:
        engine = open_server(server.base_url)
        settings = GenerationSettings(do_sample=False, max_new_tokens=400)

        def kill_at_the_first_words(event):
            if isinstance(event, AnswerDelta) and server.alive:
                server.kill()

        events = []
        engine.generate(GenerationRequest(
            (Message(role="user", content="Write a long story about the sea."),), settings),
            threading.Event(), lambda e: (events.append(e), kill_at_the_first_words(e)))
        assert isinstance(events[-1], Failed), events[-1]
        assert "lost in the middle of the reply" in events[-1].message
        kept = events[-1].result.answer
        assert kept and kept == "".join(e.text for e in events if isinstance(e, AnswerDelta))
    finally:
        server.kill()
