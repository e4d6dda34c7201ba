"""The baseline: what a removed segment or band becomes, in model input units."""
from __future__ import annotations

import math

import numpy as np
import torch

from ..errors import HsiLimeError, arg

#: The named baselines: 0 in model input units, or each band's mean over the valid pixels.
NAMED_BASELINES = ("zero", "mean")


def parse_baseline(baseline) -> str | float:
    """``"zero"``, ``"mean"`` or a finite float, from a name, a number or text such as ``" Mean "`` or ``"0.25"``.

    Raises :class:`HsiLimeError` naming the accepted values for anything else.
    """
    if isinstance(baseline, str):
        text = baseline.strip()
        if text.lower() in NAMED_BASELINES:
            return text.lower()
        try:
            value = float(text)
        except ValueError:
            raise HsiLimeError(
                f"{arg('baseline')}: unknown baseline '{baseline}'; choose 'zero', 'mean' or a number (model input "
                "units)."
            ) from None
    elif isinstance(baseline, (int, float, np.number)) and not isinstance(baseline, bool):
        value = float(baseline)
    else:
        raise HsiLimeError(
            f"{arg('baseline')}: {baseline!r} is not a baseline; choose 'zero', 'mean' or a number (model input units)."
        )
    if not math.isfinite(value):
        raise HsiLimeError(f"{arg('baseline')}: {baseline} is not a finite number; give 'zero', 'mean' or a finite number.")
    return value


def baseline_tensor(inputs: torch.Tensor, baseline: str | float, valid: np.ndarray | None) -> torch.Tensor | None:
    """The parsed baseline as a (C, 1, 1) tensor in model units for ``inputs`` (C, H, W), or None for zero."""
    if baseline == "zero" or baseline == 0.0:
        return None
    if baseline == "mean":
        if valid is None:
            return inputs.mean(dim=(1, 2), keepdim=True)
        weight = torch.as_tensor(valid, dtype=inputs.dtype, device=inputs.device)
        return (inputs * weight).sum(dim=(1, 2), keepdim=True) / torch.clamp(weight.sum(), min=1.0)
    return torch.full((inputs.shape[0], 1, 1), float(baseline), dtype=inputs.dtype, device=inputs.device)
