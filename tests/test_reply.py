"""ReplyStream: what every engine's reply turns into (events, counts, the result)."""

from desktop_chat.core.inference import (
    AnswerDelta,
    AnswerWasReasoning,
    Failed,
    Finished,
    PrefillProgress,
    ReasoningDelta,
)
from desktop_chat.core.reasoning import ReasoningSplitter
from desktop_chat.core.reply import ReplyStream


def stream(**begin):
    events = []
    reply = ReplyStream(events.append, context_size=100)
    reply.begin(**begin)
    return reply, events


def test_tokens_from_a_prefilled_think_split_count_and_time():
    reply, events = stream(opens_reasoning=True)
    reply.prefill(0, 10)
    for piece in ["Plan", " it", "\n</think>", "\n\n", "Done", "."]:
        reply.tokens(piece)
    result = reply.finish("stop")
    assert events[0] == PrefillProgress(0, 10) and isinstance(events[-1], Finished)
    assert (result.reasoning, result.answer) == ("Plan it", "Done.")
    # The token that closes the thinking counts as thinking; what follows as answer.
    assert (result.stats.reasoning_tokens, result.stats.answer_tokens) == (3, 3)
    assert result.stats.thinking_s is not None and not result.reasoning_unfinished
    assert result.stats.context_size == 100 and result.stats.finish_reason == "stop"


def test_separate_reasoning_drops_edge_whitespace_and_ends_at_the_content():
    reply, events = stream(opens_reasoning=False)
    for piece in ["\n", "Two and", " two.\n", "\n"]:
        reply.reasoning_text(piece)
    reply.tokens("Four.")
    result = reply.finish()
    assert [e.text for e in events if isinstance(e, ReasoningDelta)] == ["Two and", " two."]
    assert (result.reasoning, result.answer) == ("Two and two.", "Four.")
    assert result.stats.reasoning_tokens == 4 and result.stats.answer_tokens == 1


def test_reasoning_that_never_reaches_an_answer_is_unfinished():
    reply, _ = stream(opens_reasoning=False)
    reply.reasoning_text("Still thinking")
    assert reply.finish("length").reasoning_unfinished


def test_a_late_close_moves_the_answer_and_its_tokens_into_the_thinking():
    reply, events = stream(opens_reasoning=False, late_reasoning=True)
    for piece in ["Hmm", ", four", ".</think>", "Four."]:
        reply.tokens(piece)
    result = reply.finish()
    kinds = [type(e).__name__ for e in events]
    assert kinds.index("AnswerWasReasoning") > kinds.index("AnswerDelta")
    assert any(isinstance(e, AnswerWasReasoning) for e in events) and reply.reclassified
    assert (result.reasoning, result.answer) == ("Hmm, four.", "Four.")
    assert (result.stats.reasoning_tokens, result.stats.answer_tokens) == (3, 1)


def test_a_failure_keeps_the_partial_text_and_says_so():
    reply, events = stream(opens_reasoning=False)
    reply.tokens("Half")
    result = reply.fail("The server went away.", "details")
    assert isinstance(events[-1], Failed) and events[-1].message == "The server went away."
    assert result.answer == "Half" and result.error == "The server went away."
    assert result.stats.finish_reason == "error"
    assert [e.text for e in events if isinstance(e, AnswerDelta)] == ["Half"]


def test_the_splitter_reclassifies_only_a_close_nothing_opened():
    splitter = ReasoningSplitter(close_without_open=True)
    out = splitter.feed("<think>plan</think>answer </think> more") + splitter.finish()
    assert ("reclassified", "") not in out
    assert (splitter.reasoning, splitter.answer) == ("plan", "answer </think> more")
    held = ReasoningSplitter(close_without_open=True)
    assert held.feed("plan</thi") == [("answer", "plan")]  # the tag's start is held back
    assert held.feed("nk>x") == [("reclassified", ""), ("answer", "x")]


def test_presumed_reasoning_that_ends_unclosed_was_the_answer():
    reply, _ = stream(opens_reasoning=True, tentative=True)
    reply.tokens("Just")
    reply.tokens(" this.")
    result = reply.finish("stop")
    assert (result.reasoning, result.answer) == ("", "Just this.") and reply.reverted
    assert (result.stats.reasoning_tokens, result.stats.answer_tokens) == (0, 2)
    cut, _ = stream(opens_reasoning=True, tentative=True)
    cut.tokens("Still thinking")
    assert cut.finish("length").reasoning == "Still thinking"  # cut short: still thinking


def test_half_an_emoji_from_a_server_becomes_text_every_writer_takes():
    """A server's JSON may spell half a UTF-16 pair ("\\ud83d"), which the client hands on
    as a lone surrogate: the answer's saves all failed (UnicodeEncodeError) from then on,
    and with them every later save of its conversation."""
    reply, _ = stream(opens_reasoning=False)
    reply.reasoning_text("thinking \ud83d")
    reply.tokens("cut \ud83d")
    reply.tokens("\ude00 in two")
    result = reply.fail("the server said \udc00", "details \ud800")
    assert result.answer == "cut \ufffd\ufffd in two"
    for text in (result.reasoning, result.answer, result.error, result.error_details):
        text.encode("utf-8")  # raised
