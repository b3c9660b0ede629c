"""The automatic context limit: what fits in memory, within the model's maximum."""

from desktop_chat.core.context_budget import (
    automatic_context,
    chosen_context,
    kv_bytes_per_token,
)

GB = 2**30


def test_the_r1_1_5b_cache_costs_28_kib_a_token_in_bf16():
    # 28 layers x 2 KV heads x 128 dims x (keys + values) x 2 bytes
    assert kv_bytes_per_token(28, 2, 128, 2) == 28_672


def test_a_small_machine_gets_what_fits_in_half_its_free_memory():
    budget = automatic_context(28_672, free_bytes=2 * GB, model_max=131_072)
    assert budget.tokens == 36_864  # 1 GiB / 28 KiB, rounded down to 1024s
    assert "fit in half of the 2.0 GB free" in budget.reason and "131,072" in budget.reason


def test_a_big_machine_gets_the_models_maximum():
    budget = automatic_context(28_672, free_bytes=64 * GB, model_max=131_072)
    assert budget.tokens == 131_072 and "the model's maximum" in budget.reason


def test_llama_cpp_caps_what_it_reserves_up_front():
    budget = automatic_context(28_672, free_bytes=64 * GB, model_max=131_072,
                               engine_cap=32_768)
    assert budget.tokens == 32_768 and "reserves the whole cache" in budget.reason


def test_never_below_a_usable_minimum_nor_above_the_model():
    assert automatic_context(28_672, free_bytes=0, model_max=131_072).tokens == 2048
    assert automatic_context(28_672, free_bytes=0, model_max=1024).tokens == 1024


def test_a_limit_from_the_settings_is_kept_within_the_model():
    assert chosen_context(8192, 131_072).tokens == 8192
    too_long = chosen_context(200_000, 131_072)
    assert too_long.tokens == 131_072 and "maximum is 131,072" in too_long.reason
