"""Runs that cannot silently go wrong: NaN outputs refused, killed runs' leftovers cleaned up."""
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from hsi_lime_plugin import HsiLimeError, explain
from hsi_lime_plugin.outputs import atomic_output, remove_stale_partials

LABELS = np.repeat(np.arange(1, 5), 6).reshape(4, 6)


def nan_when_first_segment_removed(batch: torch.Tensor) -> torch.Tensor:
    kept = batch[:, 0, 0].mean(dim=1, keepdim=True)  # 1 when segment 1 is kept, else 0
    return torch.cat([torch.log(kept), batch.mean(dim=(1, 2, 3))[:, None]], dim=1)  # log(0) = -inf


def test_infinite_outputs_are_an_error_naming_the_targets_not_a_result():
    with pytest.raises(HsiLimeError) as error:
        explain(nan_when_first_segment_removed, np.ones((2, 4, 6), np.float32), LABELS, n_samples=32, device="cpu",
                targets=None)
    message = str(error.value)
    assert message.startswith("model: the model returned NaN or infinite values for ")
    assert "(targets t0; the first on perturbed image " in message
    assert message.endswith("that the model handles the baseline value of removed features.")


def test_nan_on_the_unperturbed_image_is_named_so():
    def always_nan(batch):
        return torch.full((batch.shape[0], 1), float("nan"))

    with pytest.raises(HsiLimeError, match=r"for 16 of 16 images \(targets t0; the first on the unperturbed image\)"):
        explain(always_nan, np.ones((2, 4, 6), np.float32), LABELS, n_samples=16, device="cpu")


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
