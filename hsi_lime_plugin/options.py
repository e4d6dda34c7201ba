"""Choices and defaults shared by the engine and the QGIS side, in one place, and the method registry.

Nothing here imports numpy or torch: the QGIS side reads these when it declares its
parameters, long before (and whether or not) an algorithm runs. Enumerated choices are
tuples whose order is the order of the QGIS enum parameters (index = enum value).

:data:`REGISTRY` declares every attribution method once: its name (the engine's argument
value), its family (``perturbation``: :func:`hsi_lime_plugin.explain`; ``attribution``:
:func:`hsi_lime_plugin.attribute`), its label (English, for dialogs and reports), whether it
needs the model's gradients (then it needs a differentiable model: TorchScript or a Python
recipe, not ONNX, not scikit-learn), and the object that implements it. The method tuples below, the QGIS enums, the messages and the dispatch
(:func:`implementation`) are all derived from it.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Method:
    """One attribution method (see the module docstring)."""

    name: str
    family: str
    label: str
    needs_gradients: bool
    #: ``module:object``; a module starting with a dot is one of the engine's.
    implementation: str


REGISTRY = (
    Method("lime", "perturbation", "LIME", False, ".perturbation.methods:Lime"),
    Method("kernelshap", "perturbation", "Kernel SHAP", False, ".perturbation.methods:KernelShap"),
    Method("integrated_gradients", "attribution", "Integrated Gradients", True, "captum.attr:IntegratedGradients"),
    Method("saliency", "attribution", "Saliency", True, "captum.attr:Saliency"),
    Method("input_x_gradient", "attribution", "Input x Gradient", True, "captum.attr:InputXGradient"),
    Method("occlusion", "attribution", "Occlusion", False, ".attribution.occlusion:occlusion"),
)
_BY_NAME = {method.name: method for method in REGISTRY}


def method(name: str) -> Method:
    """The registry entry of ``name`` (KeyError for an unknown name: callers check against the tuples below)."""
    return _BY_NAME[name]


def implementation(name: str):
    """The class or function that implements method ``name``, imported on first use."""
    module, _, attribute = method(name).implementation.partition(":")
    return getattr(importlib.import_module(module, package=__package__), attribute)


def method_names(family: str) -> tuple[str, ...]:
    """The names of one family's methods, in registry order (the order of the QGIS enum)."""
    return tuple(entry.name for entry in REGISTRY if entry.family == family)


#: Where the model runs: ``auto`` = CUDA when torch sees a GPU, else the CPU.
DEVICES = ("auto", "cpu", "cuda")
#: Perturbation methods (explain): a weighted linear surrogate, or Shapley values.
METHODS = method_names("perturbation")
#: Where spatial segments come from.
SEGMENTATIONS = ("polygons", "slic", "patches")
#: What an explanation perturbs: regions of pixels, or groups of bands.
KINDS = ("spatial", "spectral")
#: Gradient and occlusion attribution methods (:func:`hsi_lime_plugin.attribute`).
ATTRIBUTION_METHODS = method_names("attribution")
#: The attribution methods that need gradients (differentiable models only: TorchScript and Python recipes).
GRADIENT_METHODS = tuple(entry.name for entry in REGISTRY if entry.needs_gradients)
#: Noise around a gradient method: none, captum's NoiseTunnel (SmoothGrad, SmoothGrad
#: squared, VarGrad), or band dropout (meteors' HyperNoiseTunnel: random bands set to the baseline).
NOISE_TYPES = ("none", "smoothgrad", "smoothgrad_sq", "vargrad", "band_dropout")
#: Integrated Gradients' quadrature (captum's ``method``): Gauss-Legendre, or the midpoint Riemann sum.
#: Not captum 0.9.0's ``riemann_trapezoid``: its weights sum to (n - 1) / n, so its attributions
#: of a linear model are (n - 1) / n of the truth (measured in tests/test_gradients.py).
INTEGRATION_RULES = ("gausslegendre", "riemann_middle")
#: LIME's surrogate models.
SURROGATES = ("ridge", "lasso")

DEFAULT_N_SAMPLES = 500
#: With N_SAMPLES = 0 (automatic): sample until every 95 % interval half-width is below this
#: fraction of its target's largest |attribution|, or MAX_SAMPLES images were evaluated.
DEFAULT_PRECISION = 0.05
DEFAULT_MAX_SAMPLES = 4000
DEFAULT_N_SEGMENTS = 50
DEFAULT_COMPACTNESS = 0.3
DEFAULT_PATCH_SIZE = 16
#: Width of LIME's similarity kernel on the cosine distance (0 to 1) to the original image: the
#: all-off sample keeps weight exp(-1/2) = 0.61, so every sample counts and close ones count most.
DEFAULT_KERNEL_WIDTH = 1.0
#: Ridge penalty of LIME's surrogate, in scikit-learn's units. Small enough that its bias stays
#: below the sampling error from N = 64 on (95 % intervals then hold the truth 94-95 % of the
#: time, tests/test_uncertainty.py), large enough to keep an underdetermined fit finite.
DEFAULT_RIDGE_ALPHA = 0.1
#: The default baseline: spectra of the scene, the exact expectation over a 16-spectrum summary. Measured with
#: benchmarks/baselines.py (README, "Baselines"): the zero spectrum is far from every real input (a land-cover
#: forest calls it water), ``mean`` changes nothing a model of the field's mean spectrum sees, and the sampled
#: mode's rankings at the default sample count are mostly noise, while the exact expectation over 16 spectra ranks
#: alike under another seed (median Spearman 0.96 to 1.0) and alike to 64 spectra.
DEFAULT_BASELINE = "background"
#: What a removed feature becomes (besides a number in model input units): 0; each band's mean over the image's
#: valid pixels; spectra drawn from a background set (the expectation over it: interventional Shapley values);
#: the image Gaussian-blurred; each removed segment inpainted from its surroundings.
BASELINES = ("zero", "mean", "background", "blur", "inpaint")
#: The baselines that are images of their own, made from the image itself: for spatial explanations only.
IMAGE_BASELINES = ("blur", "inpaint")
#: How the expectation over a background set is computed: every coalition against every background spectrum
#: (``exact``), or each coalition against one spectrum drawn by weight (``sampled``: as many model evaluations as
#: a constant baseline, the background's variance in the standard errors).
BACKGROUND_MODES = ("sampled", "exact")
DEFAULT_BACKGROUND_MODE = "exact"
#: Spectra a background set is summarised into (a weighted k-means summary beyond it, as shap.kmeans does).
DEFAULT_BACKGROUND_SIZE = 16
#: At most this many spectra are summarised: a uniform random sample of the background's pixels (seeded).
BACKGROUND_SAMPLE = 20_000
#: Standard deviation (pixels) of the Gaussian of the ``blur`` baseline.
DEFAULT_BLUR_SIGMA = 5.0
DEFAULT_N_STEPS = 50
DEFAULT_N_NOISE = 16
#: SmoothGrad family: Gaussian standard deviation as a fraction of the image's value range
#: (SmoothGrad's paper recommends 10-20%); band dropout: the probability a band is switched off.
DEFAULT_NOISE_LEVEL = 0.15
#: Occlusion window and stride (pixels) when none is given.
DEFAULT_WINDOW = 8
#: Random orders averaged in the random deletion and insertion curves.
DEFAULT_N_RANDOM_ORDERS = 3
#: Perturbations in the infidelity estimate.
DEFAULT_N_PERTURBATIONS = 32
#: The faithfulness scores, as the tables' columns name them.
FAITHFULNESS_COLUMNS = ("deletion_auc", "insertion_auc", "random_deletion_auc", "random_insertion_auc", "infidelity",
                        "road_deletion_auc", "baseline_rank_corr")

#: OGR driver of each vector file extension the outputs support.
VECTOR_DRIVERS = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON", ".json": "GeoJSON"}
#: OGR driver of each table (no geometry) extension.
TABLE_DRIVERS = {".csv": "CSV", ".gpkg": "GPKG"}
#: Raster outputs are GeoTIFFs.
RASTER_EXTENSIONS = (".tif", ".tiff")
#: Figures are PNG.
FIGURE_EXTENSIONS = (".png",)
#: Reports are self-contained HTML.
REPORT_EXTENSIONS = (".html", ".htm")

#: What a map-scale run (explain_fields) explains one by one: field polygons, regular tiles, or whole rasters.
UNIT_KINDS = ("polygons", "tiles", "rasters")
DEFAULT_TILE_SIZE = 256
