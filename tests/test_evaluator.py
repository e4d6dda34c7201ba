"""The evaluator's batch buffer: kept per thread between evaluations, never shared by two live perturbations,
and after its first batch rewritten only in the windows that hold perturbed pixels.

A kept buffer is recognised by identity (a weak reference to the tensor stays alive while the
cache holds it) as well as by ``untyped_storage().data_ptr()``: a freed buffer's address may be
handed out again, so unequal addresses are only compared while both tensors are alive.
"""
import gc
import threading
import weakref

import numpy as np
import pytest
import torch

from helpers.grids import grid_labels
from hsi_lime_plugin import Cancelled, RecordingReporter, explain, release_batch_buffers
from hsi_lime_plugin.features.space import FeatureSpace
from hsi_lime_plugin.perturbation.baseline import Baseline
from hsi_lime_plugin.perturbation.evaluator import MOST_WINDOWS, WHOLE, Evaluator, Perturbation, perturbed_windows

SHAPE = (6, 24, 30)
BATCH = 8


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts and ends with this thread's cache empty."""
    release_batch_buffers()
    yield
    release_batch_buffers()


@pytest.fixture(scope="module")
def image():
    return torch.as_tensor(np.random.default_rng(3).uniform(0.2, 1.0, size=SHAPE).astype(np.float32))


@pytest.fixture(scope="module")
def space():
    return FeatureSpace.from_labels(grid_labels(*SHAPE[1:], 4, 5), SHAPE, "spatial")


@pytest.fixture(scope="module")
def field():
    """The grid's features inside a slanted band, as a field inside its bounding box: 0 (no feature) outside."""
    rows, cols = np.mgrid[: SHAPE[1], : SHAPE[2]]
    inside = np.abs(cols - 1.2 * rows) < 8
    return FeatureSpace.from_labels(np.where(inside, grid_labels(*SHAPE[1:], 4, 5), 0), SHAPE, "spatial")


@pytest.fixture(scope="module")
def field_samples(field):
    return torch.as_tensor(np.random.default_rng(7).integers(0, 2, size=(3 * BATCH + 2, field.n_features)),
                           dtype=torch.float32)


@pytest.fixture(scope="module")
def samples(space):
    return torch.as_tensor(np.random.default_rng(4).integers(0, 2, size=(3 * BATCH + 2, space.n_features)),
                           dtype=torch.float32)


def perturbation(image, space, batch=BATCH, memory_format=torch.channels_last, base=0.1):
    baseline = Baseline("zero") if base is None else Baseline(str(base), image=torch.full_like(image, base))
    return Perturbation(image, baseline, space, batch, memory_format)


def pointer(tensor: torch.Tensor) -> int:
    return tensor.untyped_storage().data_ptr()


def band_means(batch, kept_pixels=None):
    return batch.mean(dim=(2, 3))


def test_images_are_identical_in_a_cached_buffer_and_in_a_fresh_one(image, space, samples):
    for base in (None, 0.1):
        release_batch_buffers()
        fresh = perturbation(image, space, base=base)
        expected = fresh.images(samples[:BATCH]).clone()
        kept = fresh.buffer.tensor
        kept.fill_(float("nan"))  # what a previous run left behind
        fresh.buffer.release()
        cached = perturbation(image, space, base=base)
        assert cached.images(samples[:BATCH]) is kept
        torch.testing.assert_close(kept, expected, rtol=0, atol=0)


def test_outputs_are_identical_with_and_without_a_cached_buffer(image, space, samples):
    batches = []

    def model(batch, kept_pixels=None):
        batches.append(batch)
        return band_means(batch)

    fresh = Evaluator(model, perturbation(image, space)).evaluate(samples, RecordingReporter())
    first_buffer = batches[0]
    first_buffer.fill_(float("nan"))
    batches.clear()
    cached = Evaluator(model, perturbation(image, space)).evaluate(samples, RecordingReporter())
    assert all(batch is first_buffer for batch in batches)
    torch.testing.assert_close(cached, fresh, rtol=0, atol=0)


def test_two_live_perturbations_never_share_storage(image, space, samples):
    Evaluator(band_means, perturbation(image, space)).evaluate(samples, RecordingReporter())  # one buffer kept
    first, second = perturbation(image, space), perturbation(image, space)
    a, b = first.images(samples[:BATCH]), second.images(samples[:BATCH])
    assert a is not b and pointer(a) != pointer(b)


def test_an_explanation_started_inside_another_gets_its_own_buffer():
    generator = np.random.default_rng(5)
    image = generator.uniform(0.2, 1.0, size=SHAPE).astype(np.float32)
    labels = grid_labels(*SHAPE[1:], 4, 5)
    seen = {"outer": set(), "inner": set()}

    def inner(batch):
        seen["inner"].add(pointer(batch))
        return band_means(batch)

    def outer(batch):
        seen["outer"].add(pointer(batch))
        if not seen["inner"]:
            explain(inner, image, labels, n_samples=32, batch_size=BATCH, device="cpu")
        return band_means(batch)

    explain(band_means, image, labels, n_samples=32, batch_size=BATCH, device="cpu")  # one buffer kept
    explain(outer, image, labels, n_samples=32, batch_size=BATCH, device="cpu")  # takes it: inner must allocate
    assert len(seen["outer"]) == 1 and len(seen["inner"]) == 1 and seen["outer"] != seen["inner"]


def test_the_buffer_goes_back_after_evaluate_and_the_next_explanation_reuses_it():
    image = np.random.default_rng(6).uniform(0.2, 1.0, size=SHAPE).astype(np.float32)
    labels = grid_labels(*SHAPE[1:], 4, 5)
    batches = []

    def model(batch, kept_pixels=None):
        batches.append(batch)
        return band_means(batch)

    first = explain(model, image, labels, n_samples=32, batch_size=BATCH, device="cpu")
    kept = weakref.ref(batches[0])
    pointers = {pointer(batch) for batch in batches}
    batches.clear()
    gc.collect()
    assert kept() is not None  # alive: the cache holds it
    second = explain(model, image, labels, n_samples=32, batch_size=BATCH, device="cpu")
    assert all(batch is kept() for batch in batches)
    assert {pointer(batch) for batch in batches} == pointers and len(pointers) == 1
    np.testing.assert_array_equal(second.coefficients, first.coefficients)


def test_another_shape_allocates_anew_and_the_cache_keeps_only_the_latest(image, space, samples):
    Evaluator(band_means, perturbation(image, space)).evaluate(samples, RecordingReporter())
    probe = perturbation(image, space)
    old = probe.images(samples[:1])
    probe.buffer.release()
    other = Evaluator(band_means, perturbation(image, space, batch=BATCH // 2))
    other.evaluate(samples, RecordingReporter())
    new = perturbation(image, space, batch=BATCH // 2).images(samples[:1])
    assert new is not old and pointer(new) != pointer(old) and new.shape[0] == BATCH // 2
    old_ref = weakref.ref(old)
    del old
    gc.collect()
    assert old_ref() is None  # the first shape's buffer was freed, not kept beside the second


def test_another_thread_does_not_see_this_threads_buffer(image, space, samples):
    Evaluator(band_means, perturbation(image, space)).evaluate(samples, RecordingReporter())
    mine = perturbation(image, space).buffer
    kept = weakref.ref(mine.get())
    mine.release()
    found = {}

    def work():
        theirs = perturbation(image, space)
        Evaluator(band_means, theirs).evaluate(samples, RecordingReporter())
        taken = theirs.images(samples[:1])
        found.update(same=taken is kept(), pointer=pointer(taken), ref=weakref.ref(taken))
        theirs.buffer.release()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    gc.collect()
    assert not found["same"] and found["pointer"] != pointer(kept())
    assert found["ref"]() is None  # the ended thread's cache went with it
    assert perturbation(image, space).images(samples[:1]) is kept()  # this thread's is still here


def test_a_cancel_mid_run_still_gives_the_buffer_back(image, space, samples):
    reporter = RecordingReporter(cancelled=lambda: len(reporter.fractions) >= 1)
    batches = []

    def model(batch, kept_pixels=None):
        batches.append(batch)
        return band_means(batch)

    cancelled = perturbation(image, space)
    with pytest.raises(Cancelled):
        Evaluator(model, cancelled).evaluate(samples, reporter)
    assert len(batches) == 1 and cancelled.buffer.tensor is None
    assert perturbation(image, space).images(samples[:1]) is batches[0]


def test_an_error_in_the_model_still_gives_the_buffer_back(image, space, samples):
    batches = []

    def model(batch, kept_pixels=None):
        batches.append(batch)
        if len(batches) == 2:
            raise ValueError("the model failed")
        return band_means(batch)

    with pytest.raises(ValueError):
        Evaluator(model, perturbation(image, space)).evaluate(samples, RecordingReporter())
    assert perturbation(image, space).images(samples[:1]) is batches[0]


def test_a_perturbation_evaluated_again_takes_a_buffer_again(image, space, samples):
    reused = Evaluator(band_means, perturbation(image, space))
    first = reused.evaluate(samples, RecordingReporter())
    holder = perturbation(image, space)
    held = holder.images(samples[:1])  # takes the kept buffer: the next evaluate() must allocate
    again = reused.evaluate(samples, RecordingReporter())
    torch.testing.assert_close(again, first, rtol=0, atol=0)
    assert reused.perturbation.buffer.tensor is None
    assert pointer(perturbation(image, space).images(samples[:1])) != pointer(held)


def test_the_channels_last_fallback_keeps_only_the_contiguous_buffer(image, space, samples):
    layouts = {}

    def view_model(batch, kept_pixels=None):  # reshapes with view: needs the contiguous layout
        layouts.setdefault(batch.is_contiguous(), weakref.ref(batch))
        return band_means(batch.view(batch.shape[0], -1).view(batch.shape))

    reporter = RecordingReporter()
    outputs = Evaluator(view_model, perturbation(image, space)).evaluate(samples, reporter)
    assert any("refused channels-last images" in note for note in reporter.infos)
    gc.collect()
    assert layouts[False]() is None  # the channels-last buffer was given back, then freed
    contiguous = perturbation(image, space, memory_format=torch.contiguous_format)
    assert contiguous.images(samples[:1]) is layouts[True]()
    contiguous.buffer.release()
    expected = Evaluator(band_means, contiguous).evaluate(samples, RecordingReporter())
    torch.testing.assert_close(outputs, expected, rtol=0, atol=0)


def test_release_batch_buffers_frees_this_threads_buffer(image, space, samples):
    taken = perturbation(image, space)
    kept = weakref.ref(taken.images(samples[:1]))
    taken.buffer.release()
    assert kept() is not None
    release_batch_buffers()
    gc.collect()
    assert kept() is None


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_cuda_buffers_are_not_kept(image, space, samples):
    on_gpu = perturbation(image.cuda(), space)
    kept = weakref.ref(on_gpu.images(samples[:1].cuda()))
    on_gpu.buffer.release()
    gc.collect()
    assert kept() is None


def covered(windows, shape) -> np.ndarray:
    cover = np.zeros(shape, dtype=bool)
    for rows, cols in windows:
        cover[rows, cols] = True
    return cover


def test_the_windows_hold_every_perturbed_pixel_of_a_field_and_leave_out_most_of_the_rest(field):
    perturbed = field.columns >= 0
    windows = perturbed_windows(perturbed)
    cover = covered(windows, perturbed.shape)
    assert 1 < len(windows) <= MOST_WINDOWS and windows != (WHOLE,)
    assert not (perturbed & ~cover).any()
    outside = ~perturbed
    assert (outside & ~cover).sum() / outside.sum() > 0.6  # most of what no feature holds is never rewritten


def test_a_rectangle_is_its_own_windows_and_a_full_or_empty_mask_is_one_or_none():
    rectangle = np.zeros((20, 30), dtype=bool)
    rectangle[3:11, 5:17] = True
    np.testing.assert_array_equal(covered(perturbed_windows(rectangle), rectangle.shape), rectangle)
    assert perturbed_windows(np.ones((20, 30), dtype=bool)) == (WHOLE,)
    assert perturbed_windows(np.zeros((20, 30), dtype=bool)) == ()


@pytest.mark.parametrize("memory_format", [torch.channels_last, torch.contiguous_format])
@pytest.mark.parametrize("base", [None, 0.1])
def test_later_batches_rewrite_only_the_windows_into_the_same_images(image, field, field_samples, memory_format,
                                                                   base):
    written = perturbation(image, field, memory_format=memory_format, base=base)
    baseline = torch.zeros_like(image) if base is None else torch.full_like(image, base)
    keep_index = torch.as_tensor(np.where(field.columns < 0, field.n_features, field.columns))
    corner = tuple(np.argwhere(~covered(written.windows, field.columns.shape))[0])
    for start in range(0, len(field_samples), BATCH):
        chunk = field_samples[start : start + BATCH]
        extended = torch.cat([chunk, torch.ones(len(chunk), 1)], dim=1)
        expected = baseline + (image - baseline) * extended[:, keep_index][:, None]
        images = written.images(chunk)
        if start > 0:  # a pixel outside the windows, changed behind torch's back after the first batch, stays so
            assert images[0, 0][corner] == -7.0
            expected[0, 0][corner] = -7.0
        torch.testing.assert_close(images[: len(chunk)], expected, rtol=0, atol=0)
        images.permute(0, 2, 3, 1).numpy()[0][corner][0] = -7.0


def test_a_model_that_changes_its_input_in_place_gets_the_same_outputs(image, field, field_samples):
    def in_place(batch, kept_pixels=None):
        return band_means(batch.mul_(2.0))  # a torch write: the next batch is written whole again

    def copying(batch, kept_pixels=None):
        return band_means(batch * 2.0)

    changed = Evaluator(in_place, perturbation(image, field)).evaluate(field_samples, RecordingReporter())
    kept = Evaluator(copying, perturbation(image, field)).evaluate(field_samples, RecordingReporter())
    torch.testing.assert_close(changed, kept, rtol=0, atol=0)
