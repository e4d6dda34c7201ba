"""The figures of the HTML report: the image, the attribution maps and the strongest segments.

Drawn with matplotlib's Agg renderer and returned as PNG bytes (no pyplot: no global state,
no GUI backend, safe in QGIS's worker threads). Colours are chosen to survive grey-scale
printing: the attribution maps use a diverging ramp symmetric around 0 and hatch the
segments that lower the prediction; bars that lower it are hatched too.
"""
from __future__ import annotations

import io

import numpy as np

#: Band centres (nm) of the true-colour rendering (red, green, blue), and of the false-colour
#: infrared one used when the sensor has no visible bands.
TRUE_COLOUR_NM = (640.0, 550.0, 460.0)
FALSE_COLOUR_NM = (860.0, 650.0, 550.0)
#: How many segments the bar chart shows per target.
STRONGEST = 10
#: The longest side, in pixels, of a scene read for a report's figure.
PREVIEW_PIXELS = 800
NEGATIVE_HATCH = "////"


def png(figure) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi)
    return buffer.getvalue()


def colour_bands(wavelengths, n_bands: int) -> tuple[list[int], str]:
    """The bands rendered as red, green and blue, and what the rendering is called.

    Bands nearest 640/550/460 nm when the sensor covers the visible range; else the
    false-colour infrared 860/650/550 nm; without wavelengths, three bands spread over the cube.
    """
    if wavelengths is None:
        picks = [min(n_bands - 1, round(n_bands * f)) for f in (0.75, 0.5, 0.25)]
        return picks, f"bands {', '.join(str(b + 1) for b in picks)} (no wavelengths)"
    wavelengths = np.asarray(wavelengths, dtype=np.float64)
    visible = wavelengths.min() <= 500.0 and wavelengths.max() >= 620.0
    centres, name = (TRUE_COLOUR_NM, "true colour") if visible else (FALSE_COLOUR_NM, "false-colour infrared")
    picks = [int(np.argmin(np.abs(wavelengths - centre))) for centre in centres]
    return picks, f"{name} ({', '.join(f'{wavelengths[b]:.0f}' for b in picks)} nm)"


def scene_preview(path: str, wavelengths=None, pixels: int = PREVIEW_PIXELS):
    """The three bands :func:`colour_bands` renders, read decimated (nearest) to at most ``pixels`` a side,
    as a small :class:`~hsi_lime_plugin.inputs.raster.RasterCube` in map coordinates: what a report shows of
    a scene without reading the cube; and the rendering's name."""
    import rasterio
    from rasterio.enums import Resampling

    from ..inputs.raster import RasterCube, product_at
    from ..inputs.wavelengths import read_wavelengths

    product = product_at(path)
    if product is not None:
        return _product_preview(product, wavelengths, pixels)
    with rasterio.open(path) as dataset:
        wavelengths = read_wavelengths(dataset) if wavelengths is None else np.asarray(wavelengths)
        bands, rendering = colour_bands(wavelengths, dataset.count)
        scale = max(1.0, max(dataset.height, dataset.width) / pixels)
        shape = max(1, round(dataset.height / scale)), max(1, round(dataset.width / scale))
        data = dataset.read([b + 1 for b in bands], out_shape=(3, *shape), resampling=Resampling.nearest, masked=True)
        transform = dataset.transform * dataset.transform.scale(dataset.width / shape[1], dataset.height / shape[0])
    picked = None if wavelengths is None else np.asarray(wavelengths, dtype=np.float64)[bands]
    valid = ~np.ma.getmaskarray(data).any(axis=0) & np.isfinite(data.data).all(axis=0)
    cube = RasterCube(np.where(valid, np.ma.filled(data.astype(np.float32), 0.0), 0.0), valid, transform, None, picked)
    return cube, rendering


def _product_preview(product, wavelengths, pixels: int):
    """:func:`scene_preview` of a sensor product: its three bands read whole on its grid, then decimated."""
    from ..inputs.raster import RasterCube

    grid = product.grid
    wavelengths = product.bands.wavelengths if wavelengths is None else np.asarray(wavelengths)
    bands, rendering = colour_bands(wavelengths, grid.count)
    step = max(1, -(-max(grid.height, grid.width) // pixels))
    data, valid = product.read(None, bands)
    picked = None if wavelengths is None else np.asarray(wavelengths, dtype=np.float64)[bands]
    transform = grid.transform * grid.transform.scale(step, step)
    return RasterCube(data[:, ::step, ::step], valid[::step, ::step], transform, None, picked), rendering


def stretched(cube, bands: list[int]) -> np.ndarray:
    """(H, W, 3) in [0, 1]: each band stretched between its 2nd and 98th percentile over valid pixels."""
    layers = []
    for band in bands:
        values = cube.data[band]
        low, high = np.percentile(values[cube.valid], [2, 98]) if cube.valid.any() else (0.0, 1.0)
        layers.append(np.clip((values - low) / max(high - low, 1e-12), 0.0, 1.0))
    rgb = np.stack(layers, axis=-1)
    rgb[~cube.valid] = 1.0  # nodata as white paper
    return rgb


def image_figure(cube, labels=None) -> bytes:
    """The cube as an RGB image, with the segments' outlines when ``labels`` are given."""
    from matplotlib.figure import Figure

    bands, name = colour_bands(cube.wavelengths, cube.shape[0])
    figure = Figure(figsize=(6.0, 6.0 * cube.shape[1] / max(cube.shape[2], 1) + 0.6), dpi=100, layout="constrained")
    axis = figure.subplots()
    axis.imshow(stretched(cube, bands), interpolation="nearest")
    if labels is not None:
        axis.contour(outlines(labels), levels=[0.5], colors="black", linewidths=0.6)
    axis.set_title(f"Input image: {name}, 2-98 % stretch", loc="left")
    axis.set_axis_off()
    return png(figure)


def maps_figure(result, labels: np.ndarray) -> bytes:
    """One panel per target: the attribution of each segment on the image grid, with the outlines."""
    return value_maps_figure(result.maps(), result.target_names, "segment", outlines(labels))


def value_maps_figure(maps: np.ndarray, names: list, unit: str, edges: np.ndarray | None = None) -> bytes:
    """One panel per target of ``maps`` (T, H, W): a ramp symmetric around 0, the values that lower the
    prediction hatched, ``edges`` (segment outlines) in black."""
    from matplotlib.figure import Figure

    columns = min(2, len(names))
    rows = -(-len(names) // columns)
    height, width = maps.shape[1:]
    figure = Figure(figsize=(6.0 * columns, rows * (6.0 * height / max(width, 1) + 0.8)), dpi=100,
                    layout="constrained")
    axes = np.atleast_1d(figure.subplots(rows, columns, squeeze=False)).ravel()
    for t, name in enumerate(names):
        axis, values = axes[t], maps[t]
        limit = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0
        image = axis.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
        negative = np.nan_to_num(values) < 0
        if negative.any():
            axis.contourf(negative.astype(float), levels=[0.5, 1.5], colors="none", hatches=[NEGATIVE_HATCH])
        if edges is not None:
            axis.contour(edges, levels=[0.5], colors="black", linewidths=0.5)
        axis.set_title(f"{name}: attribution per {unit}", loc="left")
        axis.set_axis_off()
        figure.colorbar(image, ax=axis, shrink=0.8, label=f"change of {name} (hatched: lowers it)")
    for axis in axes[len(names):]:
        axis.set_visible(False)
    return png(figure)


def strongest_figure(result, names: dict | None = None) -> bytes:
    """Per target, the :data:`STRONGEST` segments with the largest |attribution|, with 95 % intervals;
    ``names`` maps a segment label to what the reader knows it by (a field's id)."""
    from matplotlib.figure import Figure

    low, high = result.confidence_interval(0.95)
    n_targets = len(result.target_names)
    figure = Figure(figsize=(6.5 * min(2, n_targets), 3.6 * -(-n_targets // 2)), dpi=100, layout="constrained")
    axes = np.atleast_1d(figure.subplots(-(-n_targets // 2), min(2, n_targets), squeeze=False)).ravel()
    for t, name in enumerate(result.target_names):
        order = np.argsort(-np.abs(result.coefficients[t]), kind="stable")[:STRONGEST][::-1]
        values = result.coefficients[t, order]
        errors = np.vstack([values - low[t, order], high[t, order] - values])
        bars = axes[t].barh(np.arange(len(order)), values, xerr=np.nan_to_num(errors), capsize=3,
                            color=["#b2182b" if v > 0 else "#2166ac" for v in values], edgecolor="black")
        for bar, value in zip(bars, values):
            bar.set_hatch(NEGATIVE_HATCH if value < 0 else "")
        axes[t].set_yticks(np.arange(len(order)))
        labels = [int(result.feature_ids[k]) for k in order]
        axes[t].set_yticklabels([f"field {names[label]}" if names else f"segment {label}" for label in labels])
        axes[t].axvline(0.0, color="0.3", linewidth=0.6)
        axes[t].set_xlabel(f"attribution to {name} (95 % interval)")
        axes[t].set_title(f"{name}: the {len(order)} strongest segments", loc="left")
    for axis in axes[n_targets:]:
        axis.set_visible(False)
    return png(figure)


def outlines(labels: np.ndarray) -> np.ndarray:
    """1 on pixels whose right or lower neighbour belongs to another segment (the outlines)."""
    labels = np.asarray(labels)
    edges = np.zeros(labels.shape, dtype=float)
    edges[:, :-1] += labels[:, :-1] != labels[:, 1:]
    edges[:-1, :] += labels[:-1, :] != labels[1:, :]
    return (edges > 0).astype(float)
