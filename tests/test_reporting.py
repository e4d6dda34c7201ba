"""The one reporting channel: messages in argument names, and two runs in two threads that never mix."""
import threading
import warnings

import numpy as np
import pytest
import torch

from hsi_lime_plugin import HsiLimeError, RecordingReporter, explain
from hsi_lime_plugin.errors import arg, render_arguments

LABELS = np.repeat(np.arange(1, 7), 8).reshape(6, 8)  # six segments of one row each


class NoisyModel:
    """Warns like third-party code does, with its own name, and sums each segment's first band."""

    def __init__(self, name: str, weights: np.ndarray):
        self.name = name
        self.weights = torch.as_tensor(weights, dtype=torch.float32)

    def __call__(self, batch: torch.Tensor) -> torch.Tensor:
        warnings.warn(f"third-party code in model {self.name}", UserWarning, stacklevel=1)
        rows = batch[:, 0].mean(dim=2)  # (B, 6): each row is one segment
        return torch.stack([rows @ self.weights, rows.sum(dim=1)], dim=1)


def run(name: str, weights: np.ndarray, reporter: RecordingReporter):
    image = np.ones((2, 6, 8), dtype=np.float32)
    return explain(NoisyModel(name, weights), image, LABELS, method="kernelshap", n_samples=20, batch_size=4,
                   device="cpu", reporter=reporter, baseline="zero")


def test_two_runs_in_two_threads_get_exactly_their_own_messages_and_progress():
    weights = {"a": np.arange(1.0, 7.0), "b": -np.arange(1.0, 7.0)}
    reporters = {name: RecordingReporter() for name in weights}
    results = {}
    barrier = threading.Barrier(2)

    def work(name):
        barrier.wait()
        with reporters[name].active():
            results[name] = run(name, weights[name], reporters[name])

    threads = [threading.Thread(target=work, args=(name,)) for name in weights]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for name, reporter in reporters.items():
        other = "b" if name == "a" else "a"
        assert f"UserWarning: third-party code in model {name}" in reporter.warnings
        assert not any(f"model {other}" in message for message in reporter.warnings)
        assert reporter.warnings[0] == (
            "n_samples: Kernel SHAP with 20 samples for 6 features is poorly determined (complement pairs give about "
            "N/2 equations for K - 1 unknowns); use at least 24."
        )
        assert reporter.fractions == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])
        sequential = run(name, weights[name], RecordingReporter())
        np.testing.assert_array_equal(results[name].coefficients, sequential.coefficients)
    np.testing.assert_allclose(results["a"].coefficients[0], np.arange(1.0, 7.0), rtol=1e-4)


def test_a_warning_outside_any_run_goes_where_it_always_went():
    reporter = RecordingReporter()
    with reporter.active():
        pass
    with pytest.warns(UserWarning, match="not ours"):
        warnings.warn("not ours", UserWarning)
    assert reporter.warnings == []


def test_messages_name_python_arguments_and_render_as_anything_else():
    error = HsiLimeError(f"{arg('n_samples')}: too few; or choose {arg('segmentation', 'slic')}.")
    assert str(error) == "n_samples: too few; or choose segmentation='slic'."
    assert error.argument == "n_samples"
    assert error.render(lambda name, value: name.upper() + (f"={value}" if value else "")) == (
        "N_SAMPLES: too few; or choose SEGMENTATION=slic."
    )
    assert render_arguments("no token here {x}") == "no token here {x}"


def test_part_scales_progress_into_its_share_and_keeps_the_messages():
    reporter = RecordingReporter()
    second = reporter.part(1, 4)
    second.progress(0.5)
    second.info(f"{arg('raster')}: read")
    assert reporter.fractions == [0.375]
    assert reporter.infos == ["raster: read"]
