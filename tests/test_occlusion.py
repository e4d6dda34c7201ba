"""Occlusion through the batched evaluator: planted truth for windows of pixels and of bands."""
import numpy as np
import pytest
import torch

from hsi_lime_plugin import HsiLimeError, RecordingReporter, attribute
from hsi_lime_plugin.attribution.occlusion import window_shape, windows

C, H, W = 6, 8, 10


@pytest.fixture(scope="module")
def image():
    return (1.0 + torch.rand(C, H, W, generator=torch.Generator().manual_seed(1), dtype=torch.float64)).numpy()


def region_model(batch):
    """Reads rows 2-3, columns 4-5 of bands 1-2 through a nonlinearity."""
    region = batch[:, 1:3, 2:4, 4:6].mean(dim=(1, 2, 3))
    return torch.stack([torch.tanh(region), region**2], dim=1)


def test_windows_cover_every_element_once_without_overlap():
    bounds = windows((C, H, W), 3, None)
    covered = np.zeros((C, H, W), dtype=int)
    for b0, b1, r0, r1, c0, c1 in bounds:
        covered[b0:b1, r0:r1, c0:c1] += 1
    assert np.all(covered == 1)
    assert len(bounds) == 3 * 4  # ceil(8/3) x ceil(10/3) windows of all bands
    assert window_shape("2,0,0", (C, H, W), "window") == (2, H, W)
    assert window_shape(20, (C, H, W), "window") == (C, H, W)


def test_a_single_element_window_of_a_linear_model_is_weight_times_difference(image):
    weight = torch.randn(2, C, H, W, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    model = lambda b: torch.einsum("bchw,tchw->bt", b.double(), weight).float()  # noqa: E731
    result = attribute(model, image, method="occlusion", window=(1, 1, 1), batch_size=7, device="cpu", baseline="zero")
    expected = weight.numpy() * image[None]
    assert np.max(np.abs(result.values - expected)) / np.max(np.abs(expected)) < 1e-4


def test_the_region_holds_the_top_spatial_occlusion(image):
    result = attribute(region_model, image, method="occlusion", window=2, stride=1, batch_size=16, device="cpu", baseline="zero")
    maps = result.pixel_maps()
    inside = np.zeros((H, W), dtype=bool)
    inside[2:4, 4:6] = True
    touching = np.zeros((H, W), dtype=bool)
    touching[1:5, 3:7] = True  # windows of 2 that overlap the region
    for t in range(2):
        assert inside.reshape(-1)[np.argmax(maps[t])]
        assert np.all(maps[t][~touching] == 0.0)


def test_spectral_windows_find_the_read_bands(image):
    reporter = RecordingReporter()
    result = attribute(region_model, image, method="occlusion", window=(1, 0, 0), device="cpu", reporter=reporter, baseline="zero")
    profile = result.band_profile()
    for t in range(2):
        assert set(np.flatnonzero(profile[t])) == {1, 2}
    assert "occlusion: 6 windows, 7 model evaluations in batches of 7" in reporter.infos
    assert reporter.fractions[-1] == 1.0


def test_occlusion_matches_captum(image):
    from captum.attr import Occlusion

    x = torch.as_tensor(image, dtype=torch.float32)[None]
    ours = attribute(region_model, image, method="occlusion", window=(2, 3, 3), stride=(1, 2, 2), device="cpu", baseline="zero")
    for t in range(2):
        theirs = Occlusion(region_model).attribute(x, sliding_window_shapes=(2, 3, 3), strides=(1, 2, 2), target=t)
        assert np.allclose(ours.values[t], theirs[0].double().numpy(), rtol=1e-5, atol=1e-7)


def test_a_bad_window_is_named():
    with pytest.raises(HsiLimeError) as raised:
        window_shape("wide", (C, H, W), "window")
    assert str(raised.value) == (
        "window: 'wide' is not a window; give pixels (8) or bands,rows,columns (5,0,0 for 5 bands over the whole "
        "image)."
    )
