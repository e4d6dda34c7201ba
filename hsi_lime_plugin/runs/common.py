"""The steps every file-to-file run shares besides its raster (:mod:`hsi_lime_plugin.inputs.scene`).

A run is the same sequence with its own features and outputs:

1. check every destination up front (:class:`~hsi_lime_plugin.outputs.atomic.OutputSet`);
2. open the raster (:func:`~hsi_lime_plugin.inputs.scene.open_raster`, or its header for a run
   over units) and the model, matched to the raster's bands (:func:`open_model`);
3. its features, and one explanation (or one per unit);
4. its outputs, written atomically inside ``OutputSet.writing()``.

Everything the user should read goes through the run's reporter.
"""
from __future__ import annotations

from ..models.explainable import ExplainableModel, load_model
from ..perturbation.result import Explanation
from ..reporting import Reporter
from ..settings import ModelSource


def open_model(source: ModelSource, n_bands: int, wavelengths, device: str, reporter: Reporter) -> ExplainableModel:
    """Load the model and reconcile its card with the raster's bands (resampling if needed)."""
    model = load_model(source.path, device, allow_python=source.allow_python, reporter=reporter)
    model.match_raster(n_bands, wavelengths, reporter=reporter)
    reporter.info(model.summary())
    return model


def reading(result: Explanation) -> str:
    """What each target's attributions are read against: the prediction, the model on the baseline, the
    surrogate's R2, and the samples used with the precision they reached (one log line)."""
    targets = "; ".join(
        f"{name}: prediction {result.prediction[t]:.4g}, base value {result.base_value[t]:.4g}, R2 {result.score[t]:.3f}"
        for t, name in enumerate(result.target_names)
    )
    return f"{targets} ({result.n_samples} samples, precision {result.precision:.3f})"
