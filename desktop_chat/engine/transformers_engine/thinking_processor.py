"""The thinking budget as a transformers LogitsProcessor (see engine/thinking_budget.py).

``generate`` calls it before sampling each token, after the streamer has handed the
previous token to the reply; when the budget forces a token, every other logit becomes
-inf, so greedy search and sampling alike pick it, whatever the temperature or top-p.
"""

from __future__ import annotations

from typing import Any

import torch
from transformers import LogitsProcessor

from desktop_chat.engine.thinking_budget import ThinkingBudget

TAIL_TOKENS = 4  # a UTF-8 character spans at most 4 byte-level tokens


class ThinkingBudgetProcessor(LogitsProcessor):
    def __init__(self, budget: ThinkingBudget, tokenizer: Any) -> None:
        self.budget = budget
        self.tokenizer = tokenizer

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor
                 ) -> torch.FloatTensor:
        if input_ids.shape[0] != 1:  # one reply per budget: batches go unlimited
            return scores
        budget = self.budget
        mid = budget.due() is not None and self._mid_character(input_ids[0])
        token = budget.forced_token(mid_character=mid)
        if token is None:
            return scores
        forced = torch.full_like(scores, float("-inf"))
        forced[:, token] = 0.0
        return forced

    def _mid_character(self, ids: torch.Tensor) -> bool:
        """The text so far ends with a character still missing bytes."""
        tail = ids[-TAIL_TOKENS:].tolist()
        return self.tokenizer.decode(tail, skip_special_tokens=True).endswith("\ufffd")
