import random

import pytest

from desktop_chat.core.reasoning import (
    ANSWER,
    REASONING,
    ReasoningSplitter,
    prompt_opens_reasoning,
)


def split(chunks, in_reasoning=False):
    splitter = ReasoningSplitter(in_reasoning)
    events = []
    for chunk in chunks:
        events += splitter.feed(chunk)
    events += splitter.finish()
    return splitter, events


def merged(events):
    out = []
    for kind, text in events:
        if out and out[-1][0] == kind:
            out[-1] = (kind, out[-1][1] + text)
        else:
            out.append((kind, text))
    return out


R1_OUTPUT = ("\nThe user asks about France.\nIts capital is Paris.\n</think>\n\n"
             "The capital is **Paris**.")


def test_prefilled_think_block_output_holds_only_the_closing_tag():
    splitter, events = split([R1_OUTPUT], in_reasoning=True)
    assert merged(events) == [
        (REASONING, "The user asks about France.\nIts capital is Paris."),
        (ANSWER, "The capital is **Paris**."),
    ]
    assert splitter.reasoning_closed and not splitter.unfinished
    assert splitter.answer == "The capital is **Paris**."


@pytest.mark.parametrize("seed", range(40))
def test_any_chunking_gives_the_same_split(seed):
    rng = random.Random(seed)
    text = ("<think>\n思考一下：法国的首都。\n</think>\n\n"
            "巴黎 🇫🇷 is <b>it</b>. A <think> tag here is text.")
    cuts = sorted(rng.sample(range(1, len(text)), rng.randint(1, 12)))
    chunks = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    _, whole = split([text])
    _, pieces = split(chunks)
    assert merged(pieces) == merged(whole) == [
        (REASONING, "思考一下：法国的首都。"),
        (ANSWER, "巴黎 🇫🇷 is <b>it</b>. A <think> tag here is text."),
    ]


def test_tags_split_one_character_at_a_time():
    _, events = split(list(R1_OUTPUT), in_reasoning=True)
    assert merged(events)[1] == (ANSWER, "The capital is **Paris**.")


def test_a_stray_leading_open_tag_after_a_prefilled_one_is_ignored():
    _, events = split(["<th", "ink>\nHmm.</think>Yes."], in_reasoning=True)
    assert merged(events) == [(REASONING, "Hmm."), (ANSWER, "Yes.")]


def test_a_model_that_opens_the_block_itself():
    _, events = split(["  <think>", "plan</think>", "done"])
    assert merged(events) == [(REASONING, "plan"), (ANSWER, "done")]


def test_no_tags_means_everything_is_answer():
    splitter, events = split(["Hello ", "world", "!\n"])
    assert merged(events) == [(ANSWER, "Hello world!")]
    assert not splitter.reasoning_closed


def test_output_cut_off_inside_the_think_block_is_reasoning_marked_unfinished():
    splitter, events = split(["\nStill thinking about", " it <", "/thi"], in_reasoning=True)
    assert merged(events) == [(REASONING, "Still thinking about it </thi")]
    assert splitter.unfinished


def test_a_close_tag_in_the_answer_is_text():
    _, events = split(["a</think>b"], in_reasoning=True)
    _, again = split(["x"])
    assert merged(events) == [(REASONING, "a"), (ANSWER, "b")]
    assert merged(split(["Use </think> to close"])[1]) == [(ANSWER, "Use </think> to close")]
    assert merged(again) == [(ANSWER, "x")]


def test_inner_whitespace_streams_once_text_follows():
    splitter = ReasoningSplitter()
    assert splitter.feed("line one\n\n") == [(ANSWER, "line one")]
    assert splitter.feed("line two") == [(ANSWER, "\n\nline two")]


def test_prompt_detection():
    assert prompt_opens_reasoning("<｜User｜>hi<｜Assistant｜><think>\n")
    assert not prompt_opens_reasoning("<|im_start|>assistant\n")
    assert not prompt_opens_reasoning("<think>\n\n</think>\n\n")
