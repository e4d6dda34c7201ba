"""What one explanation holds in memory, from the image's shape and the model alone (before any pixel is read).

A run adds this to what its raster read holds (:func:`hsi_lime_plugin.inputs.raster.read_footprint`)
and compares the sum with the memory available (:mod:`hsi_lime_plugin.memory`). The parts
follow :func:`~.pipeline.explain_with`: the image in model-input units and its difference to
the baseline, one fixed-size batch of perturbed images with the model's work on it (the
cautious :data:`~hsi_lime_plugin.models.device.ACTIVATION_FACTOR`), SLIC's principal
components, and the attribution maps. On CUDA the image and the batch live on the GPU, whose
batch size is chosen from its free memory, and are not counted here.
"""
from __future__ import annotations

from ..memory import Footprint
from ..models.device import ACTIVATION_FACTOR, choose_batch_size
from ..models.explainable import ExplainableModel
from ..models.preparation import shape_bytes
from ..settings import ExplainSettings, Runtime


def batch_footprint(model: ExplainableModel, shape: tuple[int, int, int], runtime: Runtime, n_samples: int,
                    passes: int = 1) -> Footprint:
    """The image in model-input units with its baseline difference, and one batch of perturbed images with
    the model's work on them (``passes`` 2: and their gradients), on the CPU."""
    if model.device.type == "cuda":
        return Footprint()
    bands, height, width = shape
    per_image = shape_bytes(shape, model)
    batch = int(min(max(1, runtime.batch_size or choose_batch_size(per_image, n_samples, model.device)),
                    max(1, n_samples)))
    return (Footprint.of(f"the image in model-input units and its difference to the baseline ({bands} x {height} x "
                         f"{width}, float32)", 2 * 4 * bands * height * width)
            + Footprint.of(f"a batch of {batch} perturbed images and the model's work on them",
                           passes * batch * per_image * ACTIVATION_FACTOR))


def explanation_footprint(model: ExplainableModel, shape: tuple[int, int, int], kind: str,
                          settings: ExplainSettings, runtime: Runtime, slic: bool = False) -> Footprint:
    """What :func:`~.pipeline.explain_with` holds for an image of ``shape`` (C, H, W), with SLIC segments
    computed on it when ``slic``."""
    bands, height, width = shape
    n_samples = int(settings.max_samples if settings.automatic else settings.n_samples)
    footprint = batch_footprint(model, shape, runtime, n_samples)
    if slic:
        footprint += Footprint.of("SLIC's principal components (float64)", 8 * (2 * bands + 3) * height * width)
    if kind == "spatial":
        n_targets = len(model.target_names or [None])
        footprint += Footprint.of(f"the segment labels and {n_targets} attribution maps",
                                  (3 * 8 + 2 * 4 * n_targets) * height * width)
    return footprint
