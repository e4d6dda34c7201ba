"""Settings of an explanation and of a run, as small frozen dataclasses.

Configuration travels down the engine as these objects, never as piles of keyword
arguments. They are built once: by the public entry points (``explain``, ``attribute``,
the ``run_*`` functions), which keep friendly keywords for notebook users, or by the QGIS
parameter readers. Each object holds plain values only (no numpy, no torch: the QGIS side
builds them before an algorithm imports anything heavy) and can say what it applies to
(:meth:`record`), from which a report's settings table is derived.

* :class:`ExplainSettings`: what a perturbation explanation does (targets, method, samples,
  baseline, LIME's kernel and surrogate);
* :class:`BaselineSettings`: what a removed feature becomes (part of the two above);
* :class:`Runtime`: where and how the model runs (device, batch size, autocast);
* :class:`AttributeSettings`: a gradient or occlusion attribution;
* :class:`ModelSource`, :class:`RasterSource`, :class:`PolygonSource`, :class:`BackgroundSource`: the inputs;
* :class:`Segmentation`, :class:`BandGroups`: the spatial and the spectral features;
* :class:`Units`: the units of a map-scale run and where they execute;
* :class:`ImportSettings`: a sensor product saved as a spectral raster;
* :class:`ExploreSettings`: what the explorer's "explain here" runs (the last explain run's settings).

Every object turns into plain values (:meth:`Settings.plain`, JSON-ready) and back
(:meth:`Settings.from_plain`): a run records its settings in its outputs that way, and the
explorer keeps its settings in the QGIS project that way.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from .errors import HsiLimeError, arg
from .options import (
    DEFAULT_BACKGROUND_MODE,
    DEFAULT_BACKGROUND_SIZE,
    DEFAULT_BASELINE,
    DEFAULT_BLUR_SIGMA,
    DEFAULT_COMPACTNESS,
    DEFAULT_KERNEL_WIDTH,
    DEFAULT_MAX_SAMPLES,
    DEFAULT_N_NOISE,
    DEFAULT_N_SAMPLES,
    DEFAULT_N_SEGMENTS,
    DEFAULT_N_STEPS,
    DEFAULT_NOISE_LEVEL,
    DEFAULT_PATCH_SIZE,
    DEFAULT_PRECISION,
    DEFAULT_TILE_SIZE,
)


class Settings:
    """What every settings dataclass shares: its fields as a record for a report."""

    def record(self) -> dict[str, Any]:
        """The fields that apply, by name (unset optional fields left out; the record of a field that is
        itself settings merged in; destinations left out: the report lists what was run, not where it went)."""
        record: dict[str, Any] = {}
        for name in self.applies():
            value = getattr(self, name)
            if isinstance(value, Settings):
                record.update(value.record())
            elif value is not None and not isinstance(value, Outputs):
                record[name] = value
        return record

    def applies(self) -> tuple[str, ...]:
        """The names of the fields that matter for this object (all of them, unless a subclass says less)."""
        return tuple(field.name for field in dataclasses.fields(self))

    @classmethod
    def option_names(cls) -> tuple[str, ...]:
        return tuple(field.name for field in dataclasses.fields(cls))

    def plain(self) -> dict[str, Any]:
        """Every field as plain values (JSON-ready): settings as nested dictionaries, tuples as lists, paths as
        text; a value that is no plain value (a GeoDataFrame given as polygons) becomes None; destinations are
        left out (a run records them apart, by argument)."""
        values: dict[str, Any] = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, Outputs):
                continue
            values[field.name] = value.plain() if isinstance(value, Settings) else _plain_value(value)
        return values

    @classmethod
    def from_plain(cls, values: dict[str, Any]):
        """The object :meth:`plain` gave ``values`` for (names it does not know are ignored, missing ones take
        their defaults)."""
        return cls(**_known(cls, values))


@dataclass(frozen=True)
class ExplainSettings(Settings):
    """What a perturbation explanation does; the arguments of :func:`hsi_lime_plugin.explain` of the same names.

    ``background`` is the one field that is no plain value: the background set
    (:class:`~hsi_lime_plugin.perturbation.background.Background`) a run read once for all its units (None: each
    image's own pixels). The QGIS side never sets it; a run fills it in before it explains."""

    targets: Any = None
    method: str = "lime"
    n_samples: int = DEFAULT_N_SAMPLES
    precision: float = DEFAULT_PRECISION
    max_samples: int = DEFAULT_MAX_SAMPLES
    sampling: str | None = None
    seed: int = 0
    baseline: Any = DEFAULT_BASELINE
    kernel_width: float = DEFAULT_KERNEL_WIDTH
    surrogate: str = "ridge"
    alpha: float | None = None
    background_size: int = DEFAULT_BACKGROUND_SIZE
    background_mode: str = DEFAULT_BACKGROUND_MODE
    blur_sigma: float = DEFAULT_BLUR_SIGMA
    background: Any = None

    @property
    def automatic(self) -> bool:
        """Whether the sample count is automatic (``n_samples=0``)."""
        return int(self.n_samples) == 0

    def samples_text(self) -> str:
        """``"500 samples"``, or for the automatic count its goal and cap (for the log)."""
        if self.automatic:
            return f"an automatic sample count (precision {self.precision:g}, at most {self.max_samples} samples)"
        return f"{int(self.n_samples)} samples"

    @property
    def baselines(self) -> "BaselineSettings":
        """The baseline and its options."""
        return BaselineSettings.of(self)

    def applies(self) -> tuple[str, ...]:
        names = ["targets", "method", "n_samples", "seed", *self.baselines.applies()]
        if self.automatic:
            names += ["precision", "max_samples"]
        if self.method == "lime":
            names += ["kernel_width", "surrogate", "alpha"]
        return tuple(names + ["sampling"])


@dataclass(frozen=True)
class Runtime(Settings):
    """Where and how the model runs: ``device`` ("auto", "cpu", "cuda"), ``batch_size`` (None: from the
    memory budget) and ``autocast`` (float16 on CUDA)."""

    device: str = "auto"
    batch_size: int | None = None
    autocast: bool = False


@dataclass(frozen=True)
class BaselineSettings(Settings):
    """What a removed feature becomes: ``baseline`` (one of :data:`~hsi_lime_plugin.options.BASELINES` or a number
    in model input units); for ``background`` the size of the set's summary and how the expectation over it is
    computed (:data:`~hsi_lime_plugin.options.BACKGROUND_MODES`), and the set itself when a run read it; for
    ``blur`` the Gaussian's sigma in pixels."""

    baseline: Any = DEFAULT_BASELINE
    background_size: int = DEFAULT_BACKGROUND_SIZE
    background_mode: str = DEFAULT_BACKGROUND_MODE
    blur_sigma: float = DEFAULT_BLUR_SIGMA
    background: Any = None

    @classmethod
    def of(cls, settings) -> "BaselineSettings":
        """The baseline fields of an :class:`ExplainSettings` or :class:`AttributeSettings`."""
        return cls(settings.baseline, settings.background_size, settings.background_mode, settings.blur_sigma,
                   settings.background)

    @property
    def name(self) -> str:
        """The baseline as written, lower case without spaces (a number stays as text)."""
        return str(self.baseline).strip().lower()

    def applies(self) -> tuple[str, ...]:
        extra = {"background": ("background_size", "background_mode"), "blur": ("blur_sigma",)}
        return ("baseline", *extra.get(self.name, ()))


@dataclass(frozen=True)
class BackgroundSource(Settings):
    """Where a ``background`` baseline's spectra come from: a raster (its valid pixels) or a polygon layer on the
    explained raster (the pixels inside its polygons); ``kind`` ``raster`` or ``polygons`` (None: found from the
    file), and the layer of a multi-layer vector file. Without one, the background is drawn from the explained
    raster's valid pixels over the whole scene."""

    source: Any
    kind: str | None = None
    layer: str | None = None

    @property
    def path(self) -> str | None:
        """The file, or None for a GeoDataFrame."""
        return str(self.source) if isinstance(self.source, str) or hasattr(self.source, "__fspath__") else None

    def record(self) -> dict[str, Any]:
        return {"background": self.path or "(a GeoDataFrame)"}


@dataclass(frozen=True)
class AttributeSettings(Settings):
    """A gradient or occlusion attribution; the arguments of :func:`hsi_lime_plugin.attribute` of the same names
    (``background`` as for :class:`ExplainSettings`)."""

    method: str = "integrated_gradients"
    targets: Any = None
    baseline: Any = DEFAULT_BASELINE
    n_steps: int = DEFAULT_N_STEPS
    noise: str | None = None
    n_noise: int = DEFAULT_N_NOISE
    noise_level: float = DEFAULT_NOISE_LEVEL
    integration: str = "gausslegendre"
    window: Any = None
    stride: Any = None
    seed: int = 0
    background_size: int = DEFAULT_BACKGROUND_SIZE
    background_mode: str = DEFAULT_BACKGROUND_MODE
    blur_sigma: float = DEFAULT_BLUR_SIGMA
    background: Any = None

    @property
    def baselines(self) -> "BaselineSettings":
        """The baseline and its options."""
        return BaselineSettings.of(self)

    def applies(self) -> tuple[str, ...]:
        baseline = self.baselines.applies() if self.method != "saliency" else ()
        if self.method == "occlusion":
            return ("method", "targets", *baseline, "window", "stride")
        names = ["method", "targets", *baseline, "noise", "seed"]
        if self.method == "integrated_gradients":
            names += ["n_steps", "integration"]
        if (self.noise or "none") != "none":
            names += ["n_noise", "noise_level"]
        return tuple(names)


@dataclass(frozen=True)
class ModelSource(Settings):
    """The model file (its card beside it or inside it), and whether a Python recipe may run."""

    path: str
    allow_python: bool = False

    def record(self) -> dict[str, Any]:
        return {"model": self.path, **({"allow_python": True} if self.allow_python else {})}


@dataclass(frozen=True)
class RasterSource(Settings):
    """The raster, and band centres overriding or supplying the file's (text or a file, see
    :func:`hsi_lime_plugin.inputs.wavelength_text.parse_wavelengths`)."""

    path: str | None
    wavelengths: str | None = None

    def record(self) -> dict[str, Any]:
        return {"raster": self.path, **({"wavelengths": self.wavelengths} if self.wavelengths else {})}


@dataclass(frozen=True)
class PolygonSource(Settings):
    """Field polygons: a path (any OGR format) or a GeoDataFrame, its layer, and the identifying attribute."""

    source: Any
    layer: str | None = None
    id_field: str | None = None

    @property
    def is_file(self) -> bool:
        return isinstance(self.source, str) or hasattr(self.source, "__fspath__")

    def record(self) -> dict[str, Any]:
        return {"polygons": str(self.source) if self.is_file else "(a GeoDataFrame)",
                "id_field": self.id_field or "(the feature id)"}


@dataclass(frozen=True)
class Segmentation(Settings):
    """Spatial features: field ``polygons``, ``slic`` superpixels (``n_segments``, ``compactness``) or square
    ``patches`` of ``patch_size`` pixels."""

    method: str = "polygons"
    n_segments: int = DEFAULT_N_SEGMENTS
    compactness: float = DEFAULT_COMPACTNESS
    patch_size: int = DEFAULT_PATCH_SIZE

    def record(self) -> dict[str, Any]:
        parameters = {"polygons": {}, "slic": {"n_segments": self.n_segments, "compactness": self.compactness},
                      "patches": {"patch_size": self.patch_size}}
        return {"segmentation": self.method, **parameters.get(self.method, {})}


@dataclass(frozen=True)
class BandGroups(Settings):
    """Spectral features: the grouping string (empty: the standard bands) and whether the bands in no
    group form the superband ``not_included`` (``include_rest``) or keep their values."""

    text: str | None = None
    include_rest: bool = True

    def record(self) -> dict[str, Any]:
        return {"band_groups": self.text or "(the standard bands)", "include_rest": self.include_rest}


@dataclass(frozen=True)
class Units(Settings):
    """The units of a map-scale run (field ``polygons``, ``tiles`` of ``tile_size`` pixels, or ``rasters``,
    one unit each) and the Dask scheduler that runs them (None: this process)."""

    kind: str = "polygons"
    tile_size: int = DEFAULT_TILE_SIZE
    rasters: tuple[str, ...] = ()
    dask_scheduler: str | None = None

    def record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"units": self.kind}
        if self.kind == "tiles":
            record["tile_size"] = self.tile_size
        elif self.kind == "rasters":
            record["rasters"] = f"{len(self.rasters)} files"
        record["dask_scheduler"] = self.dask_scheduler or "(this process)"
        return record


class Outputs(Settings):
    """The destinations of a run: each field is one output argument (its Python name) and its path or None.
    :meth:`destinations` says what kind of file each is, for the checks made before any work."""

    #: argument name -> kind of destination (raster, vector, table, figure, report, folder)
    KINDS: dict[str, str] = {}

    @property
    def mapping(self) -> bool:
        """Whether every pixel is explained: a run's per-pixel map or dominant superbands is asked for."""
        return bool(getattr(self, "map", None) or getattr(self, "dominant", None))

    def destinations(self) -> list[tuple[str, Any, str]]:
        """``(argument, path, kind)`` of every output, requested or not."""
        return [(f"output{'' if field.name == 'raster' else '_' + field.name}", getattr(self, field.name),
                 self.KINDS[field.name]) for field in dataclasses.fields(self)]


@dataclass(frozen=True)
class SpatialOutputs(Outputs):
    """explain_spatial's destinations: the attribution raster, the segment layer, the report."""

    KINDS = {"raster": "raster", "segments": "vector", "report": "report"}
    raster: str | None = None
    segments: str | None = None
    report: str | None = None


@dataclass(frozen=True)
class SpectralOutputs(Outputs):
    """explain_spectral's destinations: the attribution table, the band table, the summary, the figure, the report,
    and the per-pixel maps (every target and superband's attribution; the dominant superband)."""

    KINDS = {"table": "table", "bands": "table", "summary": "table", "plot": "figure", "report": "report",
             "map": "raster", "dominant": "raster"}
    table: str | None = None
    bands: str | None = None
    summary: str | None = None
    plot: str | None = None
    report: str | None = None
    map: str | None = None
    dominant: str | None = None


@dataclass(frozen=True)
class FieldsOutputs(Outputs):
    """explain_fields' destinations: the mosaicked raster, a folder of rasters, the units layer, the table,
    the summary, the report, and for the spectral kind the per-pixel maps."""

    KINDS = {"raster": "raster", "folder": "folder", "units": "vector", "table": "table", "summary": "table",
             "report": "report", "map": "raster", "dominant": "raster"}
    raster: str | None = None
    folder: str | None = None
    units: str | None = None
    table: str | None = None
    summary: str | None = None
    report: str | None = None
    map: str | None = None
    dominant: str | None = None


@dataclass(frozen=True)
class PixelOutputs(Outputs):
    """attribute_pixels' destinations: the attribution raster, the band table, a folder of cubes, the polygons
    layer, the band-group table, the report."""

    KINDS = {"raster": "raster", "bands": "table", "cube": "folder", "segments": "vector", "groups": "table",
             "report": "report"}
    raster: str | None = None
    bands: str | None = None
    cube: str | None = None
    segments: str | None = None
    groups: str | None = None
    report: str | None = None


@dataclass(frozen=True)
class SpatialSettings(Settings):
    """One explain_spatial run: which regions of a raster drive each prediction."""

    raster: RasterSource
    model: ModelSource
    segmentation: Segmentation
    polygons: PolygonSource | None
    explain: ExplainSettings
    runtime: Runtime
    outputs: SpatialOutputs
    faithfulness: bool = False
    background: BackgroundSource | None = None

    def applies(self) -> tuple[str, ...]:
        names = ("raster", "model", "segmentation", "polygons", "explain", "background", "runtime", "faithfulness")
        return tuple(name for name in names if name != "polygons" or self.segmentation.method == "polygons")


@dataclass(frozen=True)
class SpectralSettings(Settings):
    """One explain_spectral run: which groups of bands drive each prediction, for the whole raster or per field."""

    raster: RasterSource
    model: ModelSource
    band_groups: BandGroups
    polygons: PolygonSource | None
    explain: ExplainSettings
    runtime: Runtime
    outputs: SpectralOutputs
    faithfulness: bool = False
    background: BackgroundSource | None = None


@dataclass(frozen=True)
class FieldsSettings(Settings):
    """One explain_fields run: every field, tile or raster explained on its own."""

    raster: RasterSource
    model: ModelSource
    units: Units
    polygons: PolygonSource | None
    kind: str
    segmentation: Segmentation
    band_groups: BandGroups
    explain: ExplainSettings
    runtime: Runtime
    outputs: FieldsOutputs
    background: BackgroundSource | None = None

    def applies(self) -> tuple[str, ...]:
        names = ["raster", "model", "units"] + (["polygons"] if self.units.kind == "polygons" else []) + ["kind"]
        names.append("segmentation" if self.kind == "spatial" else "band_groups")
        return tuple(names + ["explain", "background", "runtime"])


@dataclass(frozen=True)
class PixelSettings(Settings):
    """One attribute_pixels run: every pixel's and band's attribution, and sums over polygons and band groups."""

    raster: RasterSource
    model: ModelSource
    attribute: AttributeSettings
    runtime: Runtime
    polygons: PolygonSource | None
    band_groups: BandGroups | None
    outputs: PixelOutputs
    faithfulness: bool = False
    background: BackgroundSource | None = None


@dataclass(frozen=True)
class ImportOutputs(Outputs):
    """import_product's destination: the spectral raster (GeoTIFF, or VRT over an EnMAP or DESIS image)."""

    KINDS = {"raster": "spectral_raster"}
    raster: str | None = None


@dataclass(frozen=True)
class ImportSettings(Settings):
    """One import_product run: the sensor product (main or metadata file, or ZIP), whether its bad bands are left
    out, and the destination."""

    product: str
    outputs: ImportOutputs
    drop_bad_bands: bool = False


def _known(cls, values: dict[str, Any]) -> dict[str, Any]:
    """The entries of ``values`` that name a field of the dataclass ``cls``."""
    names = {field.name for field in dataclasses.fields(cls)}
    return {name: value for name, value in values.items() if name in names}


def _plain_value(value):
    """A field's value as a plain value (see :meth:`Settings.plain`)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (tuple, list)):
        return [_plain_value(item) for item in value]
    if hasattr(value, "__fspath__"):
        return str(value.__fspath__())
    return None


#: The units "explain here" explains: ``auto`` (the pixel for a per-pixel model, else the field under the click),
#: ``pixel`` or ``field``.
EXPLORE_UNITS = ("auto", "pixel", "field")


@dataclass(frozen=True)
class ExploreSettings(Settings):
    """What the explorer's "explain here" runs: a spectral explanation of the clicked pixel or field with the
    settings of the last explain run of the project (:meth:`from_record`), as the user edited them.

    Attributes
    ----------
    raster : RasterSource
        The raster last explained (a click on another raster layer explains that one).
    model, band_groups, explain, runtime
        As for explain_spectral.
    polygons : PolygonSource or None
        The fields a click explains when the unit is a field.
    unit : {"auto", "pixel", "field"}
        What a click explains: the pixel (a per-pixel model), the field polygon under it, or ``auto``.
    """

    raster: RasterSource
    model: ModelSource
    band_groups: BandGroups = BandGroups()
    explain: ExplainSettings = ExplainSettings()
    runtime: Runtime = Runtime()
    polygons: PolygonSource | None = None
    unit: str = "auto"

    @classmethod
    def from_plain(cls, values: dict[str, Any]) -> "ExploreSettings":
        parts = {"raster": RasterSource, "model": ModelSource, "band_groups": BandGroups, "explain": ExplainSettings,
                 "runtime": Runtime, "polygons": PolygonSource}
        built = {name: parts[name].from_plain(value) if name in parts and isinstance(value, dict) else value
                 for name, value in values.items()}
        if built.get("polygons") is not None and not built["polygons"].source:
            built["polygons"] = None
        return cls(**_known(cls, built))

    @classmethod
    def from_record(cls, record: dict[str, Any], previous: "ExploreSettings | None" = None) -> "ExploreSettings | None":
        """The settings of an explain run's record (:mod:`hsi_lime_plugin.outputs.run_record`); what the run did
        not set (the band groups of a spatial run, the polygons of a run without) kept from ``previous``. None for
        a record that is no perturbation run (attribute_pixels) or that lacks a raster or a model."""
        settings = record.get("settings") or {}
        if "explain" not in settings or not (settings.get("raster") or {}).get("path") or not settings.get("model"):
            return previous
        values = {name: settings[name] for name in ("raster", "model", "explain", "runtime") if settings.get(name)}
        spectral = record.get("algorithm") == "explain_spectral" or settings.get("kind") == "spectral"
        taken = {"band_groups": spectral and settings.get("band_groups"),
                 "polygons": (settings.get("polygons") or {}).get("source") and settings["polygons"]}
        for name, given in taken.items():
            if given:
                values[name] = given
            elif previous is not None and getattr(previous, name) is not None:
                values[name] = getattr(previous, name).plain()
        if previous is not None:
            values["unit"] = previous.unit
        return cls.from_plain(values)


def split_explain_options(options: dict, device: str = "auto") -> tuple[ExplainSettings, Runtime]:
    """The keyword options of a run (``targets``, ``method``, ``n_samples``, ``batch_size``, ...) as the
    explanation's settings and its runtime; an unknown keyword is an error naming the known ones."""
    explain_names, runtime_names = ExplainSettings.option_names(), ("batch_size", "autocast")
    unknown = sorted(set(options) - set(explain_names) - set(runtime_names))
    if unknown:
        raise HsiLimeError(
            f"{arg(unknown[0])}: not an option of an explanation; the options are "
            f"{', '.join(sorted(explain_names + runtime_names))}."
        )
    explain = ExplainSettings(**{name: value for name, value in options.items() if name in explain_names})
    runtime = Runtime(device=device, **{name: value for name, value in options.items() if name in runtime_names})
    return explain, runtime
