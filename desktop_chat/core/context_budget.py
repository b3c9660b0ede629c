"""How long a context the machine can hold: the automatic context limit.

The KV cache grows by the same number of bytes for every token of context (layers x KV
heads x head dim x 2, keys and values, x bytes per value). Reasoning models are trained
for long contexts (131,072 tokens for the R1 distills): left to the model's maximum, the
cache of a long conversation outgrows the memory long before anything trims it. The
automatic limit is what fits in a share of the memory free once the weights are loaded,
capped by the model's maximum (and by an engine's own cap, for llama.cpp, which allocates
the whole cache up front).
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_chat.core.user_message import tr

KV_MEMORY_SHARE = 0.5  # of the memory free after loading, for the KV cache
MIN_CONTEXT = 2048  # below this a reasoning model cannot finish a thought
ROUND_TO = 1024


@dataclass(frozen=True)
class ContextBudget:
    tokens: int
    reason: str  # for the settings dialog and the status bar tooltip


def kv_bytes_per_token(layers: int, kv_heads: int, head_dim: int, value_bytes: int) -> int:
    return layers * kv_heads * head_dim * 2 * value_bytes


def automatic_context(per_token: int, free_bytes: int, model_max: int,
                      engine_cap: int = 0) -> ContextBudget:
    """The context that fits in KV_MEMORY_SHARE of ``free_bytes``, within the model's
    maximum (and the engine's cap, when it has one); never below MIN_CONTEXT."""
    if per_token <= 0:
        return ContextBudget(model_max, tr("the model's maximum, {max} tokens",
                                           max=f"{model_max:,}"))
    fits = int(free_bytes * KV_MEMORY_SHARE // per_token) // ROUND_TO * ROUND_TO
    tokens = min(model_max, engine_cap or model_max, max(MIN_CONTEXT, fits))
    share = tr("{kb} KB of memory per token", kb=f"{per_token / 1024:,.0f}")
    if tokens == model_max:
        reason = tr("the model's maximum, {max} tokens ({share})", max=f"{model_max:,}",
                    share=share)
    elif engine_cap and tokens == engine_cap:
        reason = tr("{tokens} tokens, as llama.cpp reserves the whole cache at once "
                    "({share}; the model supports {max})", tokens=f"{tokens:,}", share=share,
                    max=f"{model_max:,}")
    else:
        reason = tr("{tokens} tokens fit in half of the {free} GB free "
                    "({share}; the model supports {max})", tokens=f"{tokens:,}",
                    free=f"{free_bytes / 2**30:.1f}", share=share, max=f"{model_max:,}")
    return ContextBudget(tokens, reason)


def chosen_context(limit: int, model_max: int) -> ContextBudget:
    """A limit the user set: the model's maximum still applies."""
    tokens = min(limit, model_max)
    if limit > model_max:
        return ContextBudget(tokens, tr(
            "{tokens} tokens, as set in the settings (the model's maximum is {max})",
            tokens=f"{tokens:,}", max=f"{model_max:,}"))
    return ContextBudget(tokens, tr("{tokens} tokens, as set in the settings",
                                    tokens=f"{tokens:,}"))
