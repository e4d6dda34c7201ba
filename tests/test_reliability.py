"""Runs that cannot silently go wrong: NaN outputs refused, killed runs' leftovers cleaned up."""
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from hsi_lime_plugin import HsiLimeError, explain
from hsi_lime_plugin.outputs.atomic import atomic_output, remove_stale_partials

LABELS = np.repeat(np.arange(1, 5), 6).reshape(4, 6)


def nan_when_first_segment_removed(batch: torch.Tensor) -> torch.Tensor:
    kept = batch[:, 0, 0].mean(dim=1, keepdim=True)  # 1 when segment 1 is kept, else 0
    return torch.cat([torch.log(kept), batch.mean(dim=(1, 2, 3))[:, None]], dim=1)  # log(0) = -inf


def test_infinite_outputs_are_an_error_naming_the_targets_not_a_result():
    with pytest.raises(HsiLimeError) as error:
        explain(nan_when_first_segment_removed, np.ones((2, 4, 6), np.float32), LABELS, n_samples=32, device="cpu",
                targets=None, baseline="zero")
    message = str(error.value)
    assert message.startswith("model: the model returned NaN or infinite values for ")
    assert "(targets t0; the first on perturbed image " in message
    assert message.endswith("that the model handles the baseline value of removed features.")


def test_nan_on_the_unperturbed_image_is_named_so():
    def always_nan(batch):
        return torch.full((batch.shape[0], 1), float("nan"))

    with pytest.raises(HsiLimeError, match=r"for 16 of 16 images \(targets t0; the first on the unperturbed image\)"):
        explain(always_nan, np.ones((2, 4, 6), np.float32), LABELS, n_samples=16, device="cpu", baseline="zero")


def test_partials_of_a_killed_process_are_removed_by_the_next_run(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    stale = tmp_path / f".out.{dead_pid}-0123abcd.partial.tif"
    stale_sidecar = tmp_path / f".out.{dead_pid}-0123abcd.partial.tif.aux.xml"
    alive = tmp_path / f".other.{os.getppid()}-0123abcd.partial.tif"  # our parent runs: its file stays
    for path in (stale, stale_sidecar, alive):
        path.write_text("half written")
    with atomic_output(tmp_path / "out.tif") as temporary:
        temporary.write_text("complete")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, "out.tif"])
    assert (tmp_path / "out.tif").read_text() == "complete"
    assert remove_stale_partials(tmp_path) == []


# --------------------------------------------------------------------------- model loading never unpickles

class Marker(object):
    """Unpickling this would create ``path``: the proof that code ran."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def _scripted(path):
    class Identity(torch.nn.Module):
        def forward(self, batch: torch.Tensor) -> torch.Tensor:
            return batch.mean(dim=(2, 3))

    torch.jit.save(torch.jit.script(Identity()), str(path))


def test_a_torchscript_archive_with_a_crafted_data_pkl_runs_no_code(tmp_path):
    import pickle
    import zipfile

    honest, crafted, marker = tmp_path / "honest.pt", tmp_path / "crafted.pt", tmp_path / "code_ran"
    _scripted(honest)
    with zipfile.ZipFile(honest) as source, zipfile.ZipFile(crafted, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("/data.pkl"):
                data = pickle.dumps(Marker(marker), protocol=2)
            target.writestr(item, data)
    from hsi_lime_plugin import load_model

    try:
        load_model(crafted, "cpu")
    except HsiLimeError as error:
        assert str(error).startswith(f"model: {crafted} is not a TorchScript model (torch.jit.load says: ")
    assert not marker.exists()


@pytest.mark.parametrize("suffix", [".pt", ".onnx"])
def test_a_plain_pickle_under_a_model_name_is_refused_unread(tmp_path, suffix):
    import pickle

    marker = tmp_path / "code_ran"
    model = tmp_path / f"model{suffix}"
    model.write_bytes(pickle.dumps(Marker(marker), protocol=2))
    from hsi_lime_plugin import load_model

    with pytest.raises(HsiLimeError) as raised:
        load_model(model, "cpu")
    assert not marker.exists()
    assert "pickle" in str(raised.value) or "cannot be read as an ONNX model" in str(raised.value)


# --------------------------------------------------------------------------- reproducible across processes

RUN_IN_A_PROCESS = """
import hashlib, sys
import numpy as np, torch
from hsi_lime_plugin import explain
labels = np.repeat(np.arange(1, 5), 6).reshape(4, 6)
image = np.random.default_rng(0).uniform(size=(3, 4, 6)).astype(np.float32)
model = lambda batch: torch.stack([batch[:, 0].mean(dim=(1, 2)), (batch ** 2).sum(dim=(1, 2, 3))], dim=1)
result = explain(model, image, labels, n_samples=64, batch_size=16, device="cpu", seed=int(sys.argv[1]))
print(hashlib.sha256(result.coefficients.tobytes() + result.standard_error.tobytes()).hexdigest())
"""


def test_the_same_seed_gives_bit_identical_results_in_two_processes_and_another_seed_does_not():
    def run(seed):
        completed = subprocess.run([sys.executable, "-c", RUN_IN_A_PROCESS, str(seed)], capture_output=True,
                                   text=True, timeout=300)
        assert completed.returncode == 0, completed.stderr
        return completed.stdout.strip()

    first, second, other = run(3), run(3), run(4)
    assert first == second
    assert first != other


# --------------------------------------------------------------------------- parsers of user text

from hypothesis import given, strategies as st  # noqa: E402

from hsi_lime_plugin.perturbation.baseline import parse_baseline  # noqa: E402
from hsi_lime_plugin.models.targets import select_targets  # noqa: E402

NAMES = ["P", "K", "Mg", "pH"]


@given(st.text(max_size=30) | st.lists(st.one_of(st.integers(-5, 10), st.text(max_size=5)), max_size=6))
def test_property_target_text_resolves_or_is_the_engines_error(requested):
    try:
        chosen = select_targets(NAMES, requested)
    except HsiLimeError as error:
        assert str(error).startswith("targets: ")
    else:
        assert chosen and len(set(chosen)) == len(chosen) and all(0 <= index < len(NAMES) for index in chosen)


@given(st.one_of(st.text(max_size=20), st.floats(allow_nan=True, allow_infinity=True), st.integers(), st.none()))
def test_property_baseline_text_parses_or_is_the_engines_error(baseline):
    try:
        value = parse_baseline(baseline)
    except HsiLimeError as error:
        assert str(error).startswith("baseline: ")
    else:
        assert value in ("zero", "mean") or (isinstance(value, float) and np.isfinite(value))


def test_baseline_names_and_numbers_as_typed():
    assert [parse_baseline(text) for text in (" Mean ", "ZERO", "0.25", 1, -2.5)] == ["mean", "zero", 0.25, 1.0, -2.5]
    with pytest.raises(HsiLimeError) as raised:
        parse_baseline("median")
    assert str(raised.value) == "baseline: unknown baseline 'median'; choose 'zero', 'mean', 'background', 'blur', 'inpaint' or a number (model input units)."
