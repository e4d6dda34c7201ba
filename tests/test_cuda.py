"""The GPU, checked where there is one (`make gpu-check`); every test here skips without CUDA.

Imports only torch, numpy and the engine's torch modules (no rasterio, no QGIS): the GPU
machine has neither. The models are small synthetic ones, so CPU and CUDA results can be
compared to 1e-4.
"""
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="torch sees no CUDA GPU"),
]


def grid_labels(height, width, rows, cols):
    r = np.minimum(np.arange(height) * rows // height, rows - 1)
    c = np.minimum(np.arange(width) * cols // width, cols - 1)
    return (r[:, None] * cols + c[None, :] + 1).astype(np.int64)


class SmallNetwork(torch.nn.Module):
    """A convolution, a nonlinearity and a pooled linear head: 3 targets."""

    def __init__(self, bands=8):
        super().__init__()
        torch.manual_seed(0)
        self.convolution = torch.nn.Conv2d(bands, 6, 3, padding=1)
        self.head = torch.nn.Linear(6, 3)

    def forward(self, batch):
        return self.head(torch.tanh(self.convolution(batch)).mean(dim=(2, 3)))


@pytest.fixture(scope="module")
def problem():
    image = np.random.default_rng(0).uniform(0.1, 1.0, size=(8, 24, 32)).astype(np.float32)
    return SmallNetwork().eval(), image, grid_labels(24, 32, 3, 4)


@pytest.mark.parametrize("method", ["lime", "kernelshap"])
def test_cuda_matches_the_cpu(problem, method):
    from hsi_lime_plugin import explain

    model, image, labels = problem
    results = {
        device: explain(model, image, labels, method=method, n_samples=256, device=device, seed=3)
        for device in ("cpu", "cuda")
    }
    np.testing.assert_allclose(results["cuda"].coefficients, results["cpu"].coefficients, atol=1e-4, rtol=1e-4)


def test_autocast_on_cuda_stays_close(problem):
    from hsi_lime_plugin import explain

    model, image, labels = problem
    exact = explain(model, image, labels, n_samples=256, device="cuda", seed=3)
    half = explain(model, image, labels, n_samples=256, device="cuda", seed=3, autocast=True)
    scale = np.abs(exact.coefficients).max()
    assert np.abs(half.coefficients - exact.coefficients).max() <= 0.02 * scale


def test_onnx_runs_through_the_cuda_provider(problem, tmp_path):
    onnxruntime = pytest.importorskip("onnxruntime")
    if "CUDAExecutionProvider" not in onnxruntime.get_available_providers():
        pytest.skip(f"this onnxruntime has no CUDA provider: {onnxruntime.get_available_providers()}")
    from hsi_lime_plugin import explain, load_model

    model, image, labels = problem
    path = tmp_path / "small.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            torch.onnx.export(model, (torch.as_tensor(image[None]),), str(path), input_names=["input"],
                              output_names=["output"], dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
                              dynamo=False)
        except Exception as error:  # an exporter dependency (onnx) missing on this machine
            pytest.skip(f"torch.onnx.export failed here: {error}")
        loaded = load_model(path, device="cuda")
    assert "CUDAExecutionProvider" in loaded.device_note
    on_gpu = explain(loaded, image, labels, n_samples=128, device="cuda", seed=1)
    on_cpu = explain(model, image, labels, n_samples=128, device="cpu", seed=1)
    np.testing.assert_allclose(on_gpu.coefficients, on_cpu.coefficients, atol=1e-4, rtol=1e-3)
