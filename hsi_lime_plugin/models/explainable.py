"""A loaded model with its card, wrapped as ``batch -> (batch, targets)`` on a device
(:mod:`.loading` loads it).

:class:`ExplainableModel` is what the explanation engine talks to. The card's
preprocessing is split in two around the perturbation:

* :meth:`ExplainableModel.prepare` maps raw raster values (C, H, W) once to the
  *perturbation space*: the raster's own bands and grid (spectral features index raster
  bands, spatial features raster pixels), in units where 0 means "absent" exactly as the
  model sees masked pixels. The engine perturbs there: a switched-off feature, a nodata
  pixel and the padding all take 0.
* :meth:`ExplainableModel.__call__` maps a perturbed batch (B, C, H, W) to (B, T)
  outputs: spectral resampling to the card's wavelengths and per-band standardisation,
  then the spatial part (pad to square, resize), the network, and the output part
  (activation; for segmentation, the reduction of the score map to one value per class).

The model's input layout (``input.layout`` in the card, :mod:`hsi_lime_plugin.models.layouts`)
stays inside ``__call__``: every method perturbs images, and a model that takes spectra
answers for each image with the mean of its per-pixel outputs over the image's valid pixels
(``pixels``) or its output on the mean spectrum of the pixels an image keeps
(``mean_spectrum``). The valid pixels are those of the image the model was prepared for
(:meth:`ExplainableModel.on_image`, called by
:func:`~hsi_lime_plugin.models.preparation.prepare_image`, returns a copy bound to them);
which pixels a perturbed image keeps, the evaluator says (``kept_pixels``), because a removed
pixel cannot be told apart from a pixel whose value is 0 in model units.

What "absent" means, and why the normalisation is split as it is
----------------------------------------------------------------
The model input is ``(R (x * scale + offset) - mean) / std`` with ``R`` the
(card bands x raster bands) linear-interpolation matrix (the identity when the raster has
the card's bands) and ``mean``/``std`` the card's per-band statistics (0 and 1 when it
gives none). "Absent" is 0 *in model input units*: with standardisation that is the
training mean of each band, the uninformative value standardised models are padded and
masked with; without it, it is a raw 0 (after ``offset``), as before. To keep that exact
while perturbing raster bands, ``prepare`` subtracts a per-raster-band mean ``m``
(``z = x * scale + offset - m``) and ``__call__`` computes ``(R z + c) / std``, where
``m`` is the card's mean interpolated to the raster's wavelengths plus the smallest
correction for which ``R m = mean`` and ``c = R m - mean``. Then:

* the unperturbed image reaches the model exactly as the card prescribes, always;
* z = 0 (a switched-off band or pixel, nodata, padding) reaches the model as exactly 0
  whenever ``R m = mean`` can be solved: always without resampling and whenever the
  raster has at least as many bands as the card inside its range; otherwise (the raster
  has fewer bands than the card) as ``c / std``, the interpolation error of the mean
  spectrum, which is small for smooth spectra.

Per-band statistics cannot simply be interpolated to the raster and applied in
``prepare``: interpolation does not commute with division by a band-varying ``std``, so
the model would not see the card's preprocessing. Applying the whole affine map after
resampling with a raw-zero baseline would be exact but would make "absent" mean "zero
reflectance", far outside what a standardised model was trained on.
"""
from __future__ import annotations

import copy
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from ..errors import HsiLimeError, arg, plural
from ..reporting import Reporter, reporter_or_default
from .card import ModelCard
from .device import rows_per_call
from .layouts import kept_mean, pixel_index, pixel_spectra
from .resampling import (
    WAVELENGTH_TOLERANCE,
    describe_bands,
    plan_resampling,
    raster_mean,
    wavelength_range,
)


#: Spectra that always go through a spectra model in one call (fewer than any batch budget allows).
FEW_ROWS = 4096
#: How a failing spectra model's input is described, and the card fields to check.
SPECTRA = "spectra in model input units after the preprocessing of the model card"
SPECTRA_FIELDS = "'input.bands' and 'input.layout'"


class ExplainableModel:
    """A model plus its card, callable on batches in perturbation space.

    Parameters
    ----------
    network : callable
        Maps a float tensor in model input units to its output: images (B, C', H', W') for
        the ``image`` layout, spectra (N, C') for ``pixels`` and ``mean_spectrum``.
    card : ModelCard
    device : torch.device
    device_note : str
        Which device runs the model and why (logged by the caller).
    model_format : {"torchscript", "onnx", "python", "skops"} or None
    layout : {"image", "pixels", "mean_spectrum"} or None
        What the network takes; None: the card's ``input.layout``, else ``image``.
    """

    def __init__(
        self,
        network: Callable,
        card: ModelCard,
        device: torch.device,
        device_note: str = "",
        model_format: str | None = None,
        layout: str | None = None,
    ):
        self.network = network
        self.card = card
        self.device = device
        self.device_note = device_note
        self.format = model_format
        self.layout = layout or card.layout or "image"
        self._n_bands: int | None = None
        self._resampling: torch.Tensor | None = None  # (card bands, raster bands)
        self._band_mean: torch.Tensor | None = None  # (raster bands, 1, 1), subtracted in prepare
        self._correction: torch.Tensor | None = None  # (card bands,), added after resampling
        self._inverse_std: torch.Tensor | None = None  # (card bands,)
        self._valid: torch.Tensor | None = None  # (H, W) bool: the valid pixels of the image prepared for
        self._pixels: torch.Tensor | None = None  # their flat indices (spectral layouts)

    @property
    def differentiable(self) -> bool:
        """Whether gradients flow through the model (TorchScript and Python recipes, in any layout; not ONNX,
        not scikit-learn)."""
        return self.format not in ("onnx", "skops") and getattr(self.network, "differentiable", True)

    def on_image(self, valid: np.ndarray | None) -> "ExplainableModel":
        """A copy bound to the valid pixels (H, W) of the image it will explain (None: every pixel); the
        network and the band set-up are shared. The spectral layouts average over those pixels only."""
        bound = copy.copy(self)
        bound._valid = None if valid is None else torch.as_tensor(np.asarray(valid, dtype=bool), device=self.device)
        bound._pixels = None if valid is None else pixel_index(bound._valid)
        return bound

    @property
    def target_names(self) -> list[str] | None:
        """Output names from the card (class names for classification and segmentation), or None."""
        return list(self.card.targets) if self.card.targets else None

    # --- matching the raster's bands -------------------------------------------------------
    def match_raster(
        self,
        n_bands: int,
        wavelengths=None,
        what: str = arg("raster"),
        refuse_resampling: bool = False,
        reporter: Reporter | None = None,
    ) -> str:
        """Reconcile the raster's bands with the card's; set up resampling and standardisation.

        Parameters
        ----------
        n_bands : int
            The raster's band count.
        wavelengths : array-like of float or None
            The raster's band centres in nm (``RasterCube.wavelengths``), None if unknown.
        what : str
            The parameter name used in messages.
        refuse_resampling : bool
            Raise instead of resampling when the wavelengths differ (also when the card
            says ``"spectral_resampling": "refuse"``).
        reporter : Reporter, optional
            Receives a warning when the raster is resampled (with the largest shift), or
            has no wavelengths and its band count is assumed to be the card's.

        Returns
        -------
        str
            What was done, for the log ("" when the raster has the card's bands).

        Raises
        ------
        HsiLimeError
            When the band counts cannot be reconciled (the message gives both lists'
            ranges), or resampling was refused.
        """
        card = self.card
        raster = None if wavelengths is None else np.asarray(wavelengths, dtype=np.float64).reshape(-1)
        if raster is not None and (len(raster) != n_bands or not np.all(np.isfinite(raster))):
            raster = None
        expected = card.n_bands
        resampling = None
        note = ""
        if card.wavelengths is None:
            if expected is not None and expected != n_bands:
                raise HsiLimeError(
                    f"{what}: the raster has {plural(n_bands, 'band')} but the model card {card.source} says the model "
                    f"takes {expected} bands; choose the raster the model was trained for, or fix 'input.bands' in "
                    f"the card. (Raster: {describe_bands(n_bands, raster)}; card: {expected} bands, no wavelengths: add "
                    "'input.wavelengths' to the card to let hsi-lime resample other sensors.)"
                )
        else:
            target = np.asarray(card.wavelengths, dtype=np.float64)
            if raster is None:
                if n_bands != len(target):
                    raise HsiLimeError(
                        f"{what}: the raster has {plural(n_bands, 'band')} and no wavelength metadata, but the model card "
                        f"{card.source} takes {describe_bands(len(target), target)}; the bands cannot be matched. Choose "
                        "the raster the model was trained for, or give the raster its wavelengths (ENVI header, band "
                        "tags or a sidecar) so that it can be resampled."
                    )
                note = (
                    f"{what}: the raster has no wavelength metadata; assuming its {n_bands} bands are the model "
                    f"card's ({wavelength_range(target)})."
                )
            elif len(raster) != len(target) or np.max(np.abs(raster - target)) > WAVELENGTH_TOLERANCE:
                resampling, note = plan_resampling(raster, target, self.card, what, refuse_resampling)
        if note:
            reporter_or_default(reporter).warning(note)
        self._set_up(n_bands, resampling, raster)
        return note

    def _set_up(self, n_bands: int, resampling: np.ndarray | None, raster: np.ndarray | None) -> None:
        card = self.card
        n_card = resampling.shape[0] if resampling is not None else n_bands
        as_tensor = lambda values, shape=(-1,): torch.as_tensor(  # noqa: E731
            np.asarray(values, dtype=np.float32).reshape(shape), device=self.device
        )
        self._resampling = None if resampling is None else torch.as_tensor(
            resampling, dtype=torch.float32, device=self.device
        )
        self._band_mean = self._correction = self._inverse_std = None
        if card.mean is not None:
            mean = np.broadcast_to(np.asarray(card.mean, dtype=np.float64), (n_card,))
            if resampling is None:
                band_mean = mean
            else:
                band_mean = raster_mean(resampling, mean, raster, np.asarray(card.wavelengths, dtype=np.float64))
                correction = resampling @ band_mean - mean
                if np.any(np.abs(correction) > 0):
                    self._correction = as_tensor(correction)
            self._band_mean = as_tensor(band_mean, (-1, 1, 1))
        if card.std is not None:
            self._inverse_std = as_tensor(1.0 / np.broadcast_to(np.asarray(card.std, dtype=np.float64), (n_card,)))
        self._n_bands = n_bands

    # --- the two halves of the preprocessing -------------------------------------------------
    def prepare(self, image: torch.Tensor) -> torch.Tensor:
        """Raw values (C, H, W) -> perturbation space: ``x * scale + offset - m`` (0 = absent)."""
        if self._n_bands != image.shape[0]:
            self.match_raster(image.shape[0], None, what=arg("image"))
        if self.card.scale != 1.0 or self.card.offset != 0.0:
            image = image * self.card.scale + self.card.offset
        if self._band_mean is not None:
            image = image - self._band_mean
        return image

    def spectral_input(self, values: torch.Tensor, rows: bool = False) -> torch.Tensor:
        """Perturbation space -> the card's bands in model input units: resampled and standardised, on
        images (B, C, H, W) or, with ``rows``, on spectra (N, C)."""
        shape = (-1,) if rows else (-1, 1, 1)
        if self._resampling is not None:
            values = values @ self._resampling.T if rows else torch.einsum("kc,bchw->bkhw", self._resampling, values)
        if self._correction is not None:
            values = values + self._correction.view(shape)
        if self._inverse_std is not None:
            values = values * self._inverse_std.view(shape)
        return values

    def model_input(self, batch: torch.Tensor) -> torch.Tensor:
        """A perturbed batch (B, C, H, W) -> what an image network takes: resampled, standardised, padded,
        resized."""
        batch = self.spectral_input(batch)
        if self.card.pad_to_square:
            height, width = batch.shape[-2:]
            side = max(height, width)
            if (height, width) != (side, side):
                batch = F.pad(batch, (0, side - width, 0, side - height))
        if self.card.size is not None and tuple(batch.shape[-2:]) != self.card.size:
            if self.card.interpolation == "nearest":
                batch = F.interpolate(batch, size=self.card.size, mode="nearest")
            else:
                batch = F.interpolate(batch, size=self.card.size, mode="bilinear", align_corners=False)
        return batch

    def __call__(self, batch: torch.Tensor, kept_pixels: torch.Tensor | None = None) -> torch.Tensor:
        """A perturbed batch (B, C, H, W) in perturbation space -> outputs (B, T).

        ``kept_pixels`` (B, 1, H, W), 1 where a perturbed image keeps a pixel and 0 where it removed it, is
        what the ``mean_spectrum`` layout averages over (None: every pixel kept); the other layouts see
        removed pixels at the baseline, as they are in the batch.
        """
        if self.layout != "image":
            return self._spectral_layout(batch, kept_pixels)
        height, width = batch.shape[-2:]
        inputs = self.model_input(batch)
        output = self._run_network(inputs, "the raster after the preprocessing of the model card "
                                   f"{self.card.source}", "'input.bands', 'input.size' and 'input.pad_to_square'")
        if self.card.task == "segmentation":
            return self._reduce_segmentation(output, height, width)
        return self._per_row(output)

    def _spectral_layout(self, batch: torch.Tensor, kept_pixels: torch.Tensor | None) -> torch.Tensor:
        """(B, C, H, W) -> (B, T) for a model that takes spectra: the mean of the per-pixel outputs over the
        valid pixels (``pixels``), or the output on the mean spectrum of the kept valid pixels."""
        if self._valid is not None and tuple(self._valid.shape) != tuple(batch.shape[-2:]):
            raise HsiLimeError(
                f"{arg('image')}: the model was prepared for an image of {tuple(self._valid.shape)} pixels but got a "
                f"batch of {tuple(batch.shape[-2:])}; prepare it for this image (prepare_image)."
            )
        if self.layout == "pixels":
            spectra = pixel_spectra(batch, self._pixels)  # (B, P, C)
            outputs = self.pixel_outputs(spectra.reshape(-1, spectra.shape[-1]))
            return outputs.reshape(spectra.shape[0], spectra.shape[1], -1).mean(dim=1)
        return self.pixel_outputs(kept_mean(batch, self._valid, kept_pixels))

    def pixel_outputs(self, spectra: torch.Tensor) -> torch.Tensor:
        """Spectra (N, C) in perturbation space -> the model's outputs (N, T) after the card's activation,
        the network called on at most :func:`~hsi_lime_plugin.models.device.rows_per_call` spectra at once."""
        inputs = self.spectral_input(spectra, rows=True)
        rows = inputs.shape[0]
        step = rows if rows <= FEW_ROWS else rows_per_call(inputs.shape[-1] * inputs.element_size(), self.device)
        if step >= rows:  # the common case, called once per perturbed batch: no list, no concatenation
            return self._per_row(self._run_network(inputs, f"{SPECTRA} {self.card.source}", SPECTRA_FIELDS))
        parts = [self._run_network(inputs[start:start + step], f"{SPECTRA} {self.card.source}", SPECTRA_FIELDS)
                 for start in range(0, rows, step)]
        return self._per_row(torch.cat(parts))

    def _run_network(self, inputs: torch.Tensor, what: str, fields: str) -> torch.Tensor:
        """The network's first output on ``inputs`` as a float32 tensor; its failure told in one line."""
        try:
            output = self.network(inputs)
        except HsiLimeError:
            raise
        except Exception as error:  # noqa: BLE001 (whatever the model raises is the model's failure, told in one line)
            raise HsiLimeError(
                f"{arg('model')}: the model failed on a batch of shape {tuple(inputs.shape)} ({what}): "
                f"{_model_error(error)}; check {fields} in the card against what the model takes."
            ) from None
        if isinstance(output, (tuple, list)):
            output = output[0]
        if isinstance(output, np.ndarray):
            output = torch.from_numpy(output)
        return output if output.dtype == torch.float32 else output.to(torch.float32)

    def _per_row(self, output: torch.Tensor) -> torch.Tensor:
        """(B, T) outputs after the activation, from a (B,) or (B, T) output; anything else is refused."""
        if output.ndim == 1:
            output = output[:, None]
        if output.ndim > 2 and sum(size > 1 for size in output.shape[1:]) > 1:
            raise HsiLimeError(
                f"{arg('model')}: the model returns outputs of shape {tuple(output.shape)} for a batch of "
                f"{output.shape[0]}; a {self.card.task} model must return (batch, targets), one value per target "
                "(for a score per pixel, set \"task\": \"segmentation\" in the model card)."
            )
        output = self._activate(output)
        return output if output.ndim == 2 else output.reshape(output.shape[0], -1)

    def _class_axis(self, output: torch.Tensor) -> int:
        axis = self.card.class_axis
        if not -output.ndim <= axis < output.ndim or axis % output.ndim == 0:
            raise HsiLimeError(
                f"{arg('model')}: the model card {self.card.source} field 'output.class_axis' is {axis}, but the model returns "
                f"shape {tuple(output.shape)}; give the axis of the classes (1 for batch x classes x ..., -1 for "
                "channels last)."
            )
        return axis % output.ndim

    def _activate(self, output: torch.Tensor, axis: int | None = None) -> torch.Tensor:
        if self.card.activation == "softmax":
            return torch.softmax(output, dim=self._class_axis(output) if axis is None else axis)
        if self.card.activation == "sigmoid":
            return torch.sigmoid(output)
        return output

    def _reduce_segmentation(self, output: torch.Tensor, height: int, width: int) -> torch.Tensor:
        """(B, K, H', W') scores -> (B, K): per class, the sum of its scores (soft) or the number of
        pixels (hard) where it is the most likely class. Pixels of the square padding are left out."""
        if output.ndim != 4:
            raise HsiLimeError(
                f"{arg('model')}: the model card {self.card.source} says task 'segmentation', so the model should return "
                f"(batch, classes, height, width) scores, but it returned shape {tuple(output.shape)}; fix 'task' "
                "or 'output.class_axis' in the card."
            )
        output = output.movedim(self._class_axis(output), 1)
        output = self._activate(output, axis=1)
        if self.card.pad_to_square and height != width:
            side = max(height, width)
            rows = max(1, round(output.shape[2] * height / side))
            cols = max(1, round(output.shape[3] * width / side))
            output = output[:, :, :rows, :cols]
        classes = output.shape[1]
        winner = F.one_hot(output.argmax(dim=1), classes).permute(0, 3, 1, 2).to(output.dtype)
        if self.card.reduction == "hard":
            return winner.sum(dim=(2, 3))
        return (output * winner).sum(dim=(2, 3))

    def summary(self) -> str:
        """One line for the log: format, card source, task and targets."""
        targets = ", ".join(self.card.targets) if self.card.targets else "t0, t1, ... (no card)"
        what = {"classification": "classes", "segmentation": "classes"}.get(self.card.task, "targets")
        extra = f", {self.card.reduction} reduction" if self.card.task == "segmentation" else ""
        activation = f", {self.card.activation} on the output" if self.card.activation != "none" else ""
        layout = {"pixels": ", per pixel (a region's prediction: the mean over its valid pixels)",
                  "mean_spectrum": ", on a region's mean spectrum"}.get(self.layout, "")
        return (
            f"{arg('model')}: {self.format or 'callable'} model, card {self.card.source}: {self.card.task}, {what} "
            f"{targets}{activation}{extra}{layout}"
        )


def _model_error(error: Exception) -> str:
    """The line of a model's exception a user can act on: the first, or for TorchScript the last
    (the interpreter's own first line says only that an operation failed)."""
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    return lines[-1] if "TorchScript interpreter" in lines[0] else lines[0]
