"""A report a person reads at a glance: one self-contained HTML file per run.

What was run (the parameters, the baseline with its background's size and source, the model
card, the device and torch version, the time taken), what the model says for each target (the
prediction, the base value: the model on the baseline, and the surrogate's R2, with the samples
used and the precision reached), how far to trust it when faithfulness was scored (the curves'
areas, infidelity and the baseline sensitivity), and the figures, embedded as PNG so the file stands alone: for spatial explanations the
image, the attribution maps and the strongest segments; for spectral ones the attribution
along the wavelength with the superbands and a bar (or box across fields) per superband.
"""
from __future__ import annotations

import base64
import html
import io
import json
import os
from dataclasses import dataclass, field

import numpy as np

from ..options import method as registry_method
from ..outputs.atomic import write_faults
from . import figures as report_figures

STYLE = """
body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; color: #222; line-height: 1.4; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; padding-bottom: .2em; }
table { border-collapse: collapse; margin: .5em 0 1em; } td, th { border: 1px solid #ccc; padding: .25em .6em; }
th { background: #f2f2f2; text-align: left; } td.number { text-align: right; font-variant-numeric: tabular-nums; }
img { max-width: 100%; border: 1px solid #ddd; margin: .5em 0; } pre { background: #f7f7f7; padding: .6em; }
.note { color: #555; font-size: .9em; } .warning { color: #8a1c00; font-weight: bold; }
"""




@dataclass
class RunRecord:
    """What the report says about a run besides its explanations."""

    title: str
    parameters: dict
    card: dict
    device: str
    seconds: float
    notes: list = field(default_factory=list)


def write_report(path, record: RunRecord, explanations: dict, figures: list[tuple[str, bytes]],
                 scores: dict | None = None) -> None:
    """Write the report to ``path`` (callers pass the temporary path of ``atomic_output``); ``scores``: the
    faithfulness scores by unit (:class:`~hsi_lime_plugin.attribution.faithfulness.Faithfulness`), when scored."""
    parts = [f"<h1>{_text(record.title)}</h1>", _run_section(record), _targets_section(explanations)]
    if scores:
        parts.append(_trust_section(list(scores.values())))
    parts.append("<h2>Figures</h2>")
    for caption, image in figures:
        encoded = base64.b64encode(image).decode("ascii")
        parts.append(f'<figure><img alt="{_text(caption)}" src="data:image/png;base64,{encoded}">'
                     f"<figcaption>{_text(caption)}</figcaption></figure>")
    parts.append(_card_section(record.card))
    document = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_text(record.title)}</title>'
                f"<style>{STYLE}</style></head><body>{''.join(parts)}</body></html>\n")
    with write_faults(path), open(os.fspath(path), "w", encoding="utf-8") as stream:
        stream.write(document)


def run_record(title: str, settings: dict, model, started: float, baseline: str = "",
               product: str | None = None) -> RunRecord:
    """The run's description: its settings (with ``baseline``, the baseline in words, in place of its name, and the
    sensor ``product`` the raster is, with its level), the model's card and device, the time since ``started``."""
    import dataclasses
    import time

    card = {name: value for name, value in dataclasses.asdict(model.card).items() if value not in (None, [], {}, ())}
    parameters = {**settings, **({"baseline": baseline} if baseline else {}), **({"product": product} if product else {})}
    return RunRecord(title, parameters, card, model.device_note or str(model.device), time.perf_counter() - started)


def spatial_figures(cube, labels: np.ndarray, result, names: dict | None = None) -> list[tuple[str, bytes]]:
    """The image with the segments, the attribution maps and the strongest segments (named by ``names``)."""
    return [
        ("The explained image with the segments' outlines.", report_figures.image_figure(cube, labels)),
        ("Attribution of each segment, per target: red raises the prediction, blue (hatched) lowers it.",
         report_figures.maps_figure(result, labels)),
        ("The strongest segments with their 95 % intervals (hatched bars lower the prediction).",
         report_figures.strongest_figure(result, names)),
    ]


def pixel_figures(cube, result) -> list[tuple[str, bytes]]:
    """The image, and each target's attribution per pixel (summed over the bands)."""
    return [
        ("The explained image.", report_figures.image_figure(cube)),
        ("Attribution of each pixel (summed over its bands), per target: red raises the prediction, blue (hatched) "
         "lowers it.", report_figures.value_maps_figure(result.pixel_maps(), result.target_names, "pixel")),
    ]


def spectral_figures(raster: str, table, bands, title: str) -> list[tuple[str, bytes]]:
    """The image (read decimated from ``raster``), and the spectral attribution figure
    (:func:`~hsi_lime_plugin.reports.spectral_figure.plot_spectral`)."""
    from .spectral_figure import plot_spectral

    buffer = io.BytesIO()
    plot_spectral(table, bands, buffer, title=title)
    preview, _ = report_figures.scene_preview(raster)
    return [
        ("The explained image.", report_figures.image_figure(preview)),
        ("Attribution along the wavelength with the superbands shaded, and per superband (bars with 95 % intervals "
         "for one image, box plots across fields).", buffer.getvalue()),
    ]


def _run_section(record: RunRecord) -> str:
    rows = [("device used", record.device), ("torch", _torch_version()), ("time taken", f"{record.seconds:.2f} s")]
    rows += [(name, value) for name, value in record.parameters.items() if value not in (None, "")]
    notes = "".join(f'<p class="note">{_text(note)}</p>' for note in record.notes)
    return "<h2>The run</h2>" + _table(["setting", "value"], rows) + notes


def _targets_section(explanations: dict) -> str:
    """Per target: the prediction and base value (mean over fields when there are several), and for a
    surrogate its R2 with the samples used and the precision reached."""
    results = list(explanations.values())
    first = results[0]
    surrogate = registry_method(first.method).family == "perturbation"
    header = ["target", "prediction", "base value (all features removed)", "difference"] + (
        ["surrogate R2"] if surrogate else ["sum of attributions"])
    rows = []
    for t, name in enumerate(first.target_names):
        prediction = float(np.mean([r.prediction[t] for r in results]))
        base = float(np.mean([r.base_value[t] for r in results]))
        last = np.mean([r.score[t] for r in results]) if surrogate else np.sum(first.coefficients[t])
        rows.append((name, prediction, base, prediction - base, round(float(last), 3) if surrogate else float(last)))
    label = "mean over the fields" if len(results) > 1 else "the image"
    method = registry_method(first.method).label
    if surrogate:
        samples = ", ".join(sorted({str(r.n_samples) for r in results}))
        precision = max(float(r.precision) for r in results)
        note = (f"Attributions share out the difference between the prediction and the base value ({method}, "
                f"{samples} samples, precision reached {precision:.3f}: the widest 95 % interval half-width over the "
                "target's largest attribution).")
    else:
        note = (f"{method}: per-pixel attributions; their sum approaches the difference for Integrated Gradients "
                "(the log gives the completeness gap).")
    warnings = dict.fromkeys(note for result in results for note in getattr(result, "notes", []))
    flagged = "".join(f'<p class="warning">{_text(warning)}</p>' for warning in warnings)
    return (f"<h2>What the model says ({label})</h2>" + _table(header, rows) + f'<p class="note">{_text(note)}</p>'
            + flagged)


#: What each faithfulness score says, for the report.
TRUST_NOTES = {
    "deletion_auc": "lower is better: the output falls fast when the most important features go first",
    "insertion_auc": "higher is better",
    "random_deletion_auc": "the deletion curve of random orders: the reference to beat",
    "random_insertion_auc": "the insertion curve of random orders",
    "infidelity": "lower is better",
    "road_deletion_auc": "deletion with removed pixels imputed from their neighbours (ROAD); lower is better",
    "baseline_rank_corr": ("rank correlation with the explanation under a contrasting baseline: near 1 the ranking "
                           "is the model's, near 0 or below the baseline's as much as the model's"),
}


def _trust_section(scores: list) -> str:
    """Per target, each faithfulness score (the mean over the units scored, scores not measured left out)."""
    from ..attribution.faithfulness import COLUMNS

    names = scores[0].target_names
    values = {column: np.array([getattr(score, column) for score in scores], dtype=np.float64) for column in COLUMNS}
    measured = [column for column in COLUMNS if np.isfinite(values[column]).any()]
    rows = [(name, *(float(np.nanmean(values[column][:, t])) for column in measured)) for t, name in enumerate(names)]
    label = f"mean over {len(scores)} units" if len(scores) > 1 else "the image"
    notes = "".join(f'<p class="note">{_text(column)}: {_text(TRUST_NOTES[column])}.</p>' for column in measured)
    return f"<h2>How far to trust it ({label})</h2>" + _table(["target", *measured], rows) + notes


def _card_section(card: dict) -> str:
    return "<h2>The model card</h2><pre>" + _text(json.dumps(card, indent=2, default=str)) + "</pre>"


def _table(header: list, rows: list) -> str:
    head = "".join(f"<th>{_text(cell)}</th>" for cell in header)
    body = "".join(
        "<tr>" + "".join(_cell(cell) for cell in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _cell(value) -> str:
    """A table cell: numbers right-aligned with 4 significant digits, anything else as text."""
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return f'<td class="number">{_number(value)}</td>'
    return f"<td>{_text(value)}</td>"


def _number(value: float) -> str:
    return f"{value:.4g}"


def _text(value) -> str:
    return html.escape(str(value))


def _torch_version() -> str:
    import torch

    return torch.__version__
