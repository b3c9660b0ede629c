"""The real InferenceWorker on its QThread, driven through its signals."""

import time

import pytest
from conftest import TINY_R1, fail_at_call, load, on_gui_thread, slow_down

from desktop_chat.core.conversation import Message
from desktop_chat.core.inference import GenerationRequest, LoadRequest
from desktop_chat.core.settings import GenerationSettings

GREEDY = GenerationSettings(do_sample=False, max_new_tokens=200)


def request(*texts_and_answers, settings=GREEDY):
    messages = []
    for n, text in enumerate(texts_and_answers):
        messages.append(Message(role="user" if n % 2 == 0 else "assistant", content=text))
    return GenerationRequest(tuple(messages), settings)


def generate(qtbot, worker, generation_request, signal="generation_finished"):
    chunks = []
    worker.chunk_received.connect(lambda kind, text: chunks.append((kind, text)))
    with qtbot.waitSignal(on_gui_thread(getattr(worker, signal)), timeout=60_000) as done:
        worker.request_generation(generation_request)
    worker.chunk_received.disconnect()
    return done.args[0], chunks


def test_model_loaded_reports_name_device_dtype_and_context(r1_worker):
    info = r1_worker.info
    assert info.name == "tiny-r1" and info.device == "cpu" and info.engine == "transformers"
    assert info.precision in ("bfloat16", "float32") and info.context_size == 1024
    assert info.memory_bytes > 100_000
    assert "CPU" in info.device_name and info.reason


def test_load_progress_is_reported(qtbot, worker):
    progress = []
    worker.load_progressed.connect(lambda fraction, what: progress.append(fraction))
    load(qtbot, worker, TINY_R1)
    assert progress[-1] == 1.0 and len(progress) > 2


def test_reasoning_chunks_then_answer_chunks_arrive_in_order(qtbot, r1_worker):
    (result,), chunks = generate(qtbot, r1_worker, request("What is the capital of France?"))
    kinds = [kind for kind, _ in chunks]
    assert kinds[0] == "reasoning" and kinds[-1] == "answer"
    assert "reasoning" not in kinds[kinds.index("answer"):]
    assert "".join(t for k, t in chunks if k == "reasoning") == result.reasoning
    assert "".join(t for k, t in chunks if k == "answer") == result.answer
    assert result.answer == "The capital of France is **Paris**."
    assert result.stats.finish_reason == "stop"


def test_the_next_turn_sends_no_reasoning_to_the_model(qtbot, r1_worker, monkeypatch):
    (first,), _ = generate(qtbot, r1_worker, request("What is the capital of France?"))
    rendered = []
    template = r1_worker.engine.template
    real_encode = template.encode
    monkeypatch.setattr(template, "encode",
                        lambda messages: rendered.append(messages) or real_encode(messages))
    follow_up = GenerationRequest((
        Message(role="user", content="What is the capital of France?"),
        Message(role="assistant", content=first.answer, reasoning_content=first.reasoning),
        Message(role="user", content="And of Italy?"),
    ), GREEDY)
    (second,), _ = generate(qtbot, r1_worker, follow_up)
    sent = repr(rendered)
    assert first.reasoning not in sent and "France is in Europe" not in sent
    assert first.answer in sent
    assert second.answer == "The capital of Italy is **Rome**."


def test_a_chinese_prompt_streams_without_replacement_characters(qtbot, r1_worker):
    (result,), chunks = generate(qtbot, r1_worker, request("法国的首都是哪里？"))
    assert all("\ufffd" not in text for _, text in chunks)
    assert result.answer == "法国的首都是巴黎。🗼"


def test_cancel_mid_stream_finishes_as_cancelled_with_the_partial_text(
        qtbot, r1_worker, monkeypatch):
    slow_down(monkeypatch, r1_worker.engine.model)
    chunks = []

    def on_chunk(kind, text):
        chunks.append(text)
        r1_worker.cancel()

    r1_worker.chunk_received.connect(on_chunk)
    finished = on_gui_thread(r1_worker.generation_finished)
    with qtbot.waitSignal(finished, timeout=30_000) as done:
        r1_worker.request_generation(request("What is the capital of France?"))
    (result,) = done.args[0]
    assert result.stats.finish_reason == "cancelled"
    # Chunks stop at the cancel; the result holds everything generated until it took effect.
    assert result.reasoning and result.reasoning.startswith("".join(chunks))
    assert not result.answer


def test_chunks_are_coalesced_to_about_thirty_a_second(qtbot, r1_worker, monkeypatch):
    slow_down(monkeypatch, r1_worker.engine.model, seconds=0.005)
    stamps = []
    r1_worker.chunk_received.connect(lambda kind, text: stamps.append((time.monotonic(), kind)))
    finished = on_gui_thread(r1_worker.generation_finished)
    with qtbot.waitSignal(finished, timeout=30_000) as done:
        r1_worker.request_generation(request("What is the capital of France?"))
    (result,) = done.args[0]
    tokens = result.stats.reasoning_tokens + result.stats.answer_tokens
    assert len(stamps) < tokens / 2  # several tokens a signal
    # Mid-stream, a signal goes out once CHUNK_INTERVAL_S has passed since the last one (the
    # worker's own clock, stamped on its thread). The last one is the flush at the end of
    # the reply and may come sooner.
    mid_stream = stamps[:-1]
    same_kind_gaps = [b[0] - a[0] for a, b in zip(mid_stream, mid_stream[1:], strict=False)
                      if a[1] == b[1]]
    assert min(same_kind_gaps) > 0.02


def test_an_exception_inside_generate_becomes_generation_failed(qtbot, r1_worker, monkeypatch):
    heal = fail_at_call(monkeypatch, r1_worker.engine.model, 8)
    (message, partial), chunks = generate(
        qtbot, r1_worker, request("What is the capital of France?"), "generation_failed")
    assert "injected failure" in message
    assert partial.stats.finish_reason == "error" and partial.reasoning
    heal()
    (result,), _ = generate(qtbot, r1_worker, request("What is 2 + 2?"))
    assert result.answer == "2 + 2 = 4"


@pytest.mark.parametrize("breakage, message", [
    (lambda p: (p / "config.json").unlink(), "no config.json"),
    (lambda p: (p / "model.safetensors").write_bytes(b"\0" * 100), "truncated or damaged"),
    (lambda p: (p / "tokenizer.json").unlink(), "no tokenizer"),
])
def test_a_bad_folder_fails_with_its_message_and_the_old_model_keeps_working(
        qtbot, r1_worker, tmp_path, breakage, message):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(TINY_R1, broken)
    breakage(broken)
    load_failed = on_gui_thread(r1_worker.model_load_failed)
    with qtbot.waitSignal(load_failed, timeout=30_000) as failed:
        r1_worker.request_load(LoadRequest.for_path(str(broken)))
    assert message in failed.args[0][0].message
    (result,), _ = generate(qtbot, r1_worker, request("What is the capital of France?"))
    assert result.answer == "The capital of France is **Paris**."


def test_custom_code_asks_for_consent(qtbot, worker, tmp_path):
    import json
    import shutil

    folder = tmp_path / "custom"
    shutil.copytree(TINY_R1, folder)
    config = json.loads((folder / "config.json").read_text())
    config.update(model_type="mystery", auto_map={"AutoModelForCausalLM": "m.MysteryLM"})
    (folder / "config.json").write_text(json.dumps(config))
    with qtbot.waitSignal(on_gui_thread(worker.model_load_failed), timeout=30_000) as failed:
        worker.request_load(LoadRequest.for_path(str(folder)))
    (failure,) = failed.args[0]
    assert failure.remedy == "allow_remote_code"
    assert "trust" in failure.message and "MysteryLM" in failure.details


def test_generating_without_a_model_fails_cleanly(qtbot, worker):
    (message, _), _ = generate(qtbot, worker, request("hi"), "generation_failed")
    assert "No model" in message


def test_shutdown_during_generation_joins_within_three_seconds(qtbot, r1_worker, monkeypatch):
    slow_down(monkeypatch, r1_worker.engine.model, seconds=0.05)
    with qtbot.waitSignal(on_gui_thread(r1_worker.chunk_received), timeout=30_000):
        r1_worker.request_generation(request("What is the capital of France?"))
    started = time.monotonic()
    assert r1_worker.shutdown()
    assert time.monotonic() - started < 3


@pytest.mark.slow
def test_smollm2_answers_paris_through_the_worker(qtbot, worker, demo_model):
    info = load(qtbot, worker, demo_model)
    assert info.name == "SmolLM2-135M-Instruct"
    (result,), chunks = generate(qtbot, worker, request("What is the capital of France?"))
    assert "Paris" in result.answer
    assert not result.reasoning and {kind for kind, _ in chunks} == {"answer"}


@pytest.mark.slow
def test_smollm2_greedy_output_is_identical_with_and_without_cache_reuse(
        qtbot, worker, demo_model):
    # float32: reading a prompt whole or only its new part sums in another order, and in
    # bfloat16 that alone changes a greedy pick on some CPUs (AVX2's kernels, seen here).
    load(qtbot, worker, demo_model, dtype="float32")
    questions = ["What is the capital of France?", "And of Germany?",
                 "Name a famous painting in the Louvre.", "Who painted it?"]
    transcripts = {}
    for reuse in (True, False):
        worker.engine.reuse_cache = reuse
        worker.engine._drop_cache()
        messages, answers, reused = [], [], []
        for question in questions:
            messages.append(Message(role="user", content=question))
            (result,), _ = generate(qtbot, worker, GenerationRequest(
                tuple(messages), GenerationSettings(do_sample=False, max_new_tokens=48)))
            answers.append(result.answer)
            reused.append(result.stats.reused_tokens)
            messages.append(Message(role="assistant", content=result.answer))
        transcripts[reuse] = answers
        assert (min(reused[1:]) > 0) if reuse else (max(reused) == 0)
    assert transcripts[True] == transcripts[False]


def test_a_broken_engine_install_is_reported_not_hung(qtbot, monkeypatch):
    import sys

    import desktop_chat.engine
    from desktop_chat.workers.inference import InferenceWorker

    monkeypatch.setitem(sys.modules, "desktop_chat.engine.registry", None)  # import fails
    monkeypatch.delattr(desktop_chat.engine, "registry", raising=False)
    worker = InferenceWorker()
    try:
        with qtbot.waitSignal(on_gui_thread(worker.engine_failed), timeout=60_000) as failed:
            worker.start()
        assert "could not start" in failed.args[0][0]
        with qtbot.waitSignal(on_gui_thread(worker.model_load_failed), timeout=60_000) as load:
            worker.request_load(LoadRequest.for_path(str(TINY_R1)))
        assert "could not start" in load.args[0][0].message
    finally:
        assert worker.shutdown()
