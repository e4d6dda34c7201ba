"""The machine's faults through qgis_process, as a user meets them: one message in parameter names, no traceback,
no GDAL statistics warnings, nothing written, the input untouched (the engine's side: tests/test_io_faults.py)."""
import os
import re
import subprocess

import pytest

from helpers.faults import RangeServer, digest, small_disk, truncated
from helpers.scene import write_band_model
from helpers.units import write_tile_raster

pytestmark = pytest.mark.qgis_process
COMMON = dict(N_SAMPLES=32, BATCH_SIZE=16, DEVICE=1, SEED=3)


def _failed(completed) -> str:
    """The run's output, after checking that it failed without a traceback or GDAL's statistics complaint."""
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0, output[-3000:]
    assert "Traceback" not in output and "dfMax should be strictly greater than dfMin" not in output, output[-3000:]
    return output


def test_a_full_disk_through_qgis_process(scene, qgis_process, tmp_path):
    before = digest(scene.raster)
    with small_disk(tmp_path / "small", "120k") as folder:
        completed, _, _ = qgis_process("hsilime:explain_spatial", INPUT=scene.raster, MODEL=scene.model,
                                       SEGMENTATION=2, PATCH_SIZE=5, OUTPUT=folder / "out.tif",
                                       OUTPUT_REPORT=folder / "report.html", **COMMON)
        assert os.listdir(folder) == []
    output = _failed(completed)
    assert (f"OUTPUT_REPORT: writing {folder}/report.html failed: [Errno 28] No space left on device; nothing was "
            f"written (the disk holding {folder} is full (") in output, output[-3000:]
    assert digest(scene.raster) == before


def test_a_truncated_geotiff_through_qgis_process(scene, qgis_process, tmp_path):
    raster = truncated(scene.raster, tmp_path / "cut.tif")
    completed, _, _ = qgis_process("hsilime:explain_spatial", INPUT=raster, MODEL=scene.model, SEGMENTATION=2,
                                   PATCH_SIZE=5, OUTPUT=tmp_path / "out" / "out.tif", **COMMON)
    output = _failed(completed)
    assert f"INPUT: {raster} is damaged or incomplete: reading it failed (band 1: IReadBlock failed at X offset 0, " \
           "Y offset " in output, output[-3000:]
    assert not (tmp_path / "out").exists()


def test_a_network_raster_whose_server_stops_through_qgis_process(qgis_process, tmp_path):
    """QGIS 3.22's qgis_process loads INPUT only from a local file, so the remote raster comes in a VRT whose
    blocks are read from the server. The server serves a first run whole (its requests counted), then stops
    after three quarters of them in a second run; GDAL's cache of /vsicurl/ is off, so every read asks it."""
    raster = write_tile_raster(tmp_path / "remote.tif", height=200, width=300)
    model = write_band_model(tmp_path / "bands.pt", {"low": [0, 1, 2], "high": [5, 6]})
    parameters = dict(MODEL=model, UNITS=1, TILE_SIZE=50, KIND=1, BAND_GROUPS="a=i0-i2; b=i3-i7", **COMMON)
    qgis_process.env["CPL_VSIL_CURL_NON_CACHED"] = "/vsicurl/http://127.0.0.1"
    try:
        with RangeServer(tmp_path) as server:
            vrt = _remote_vrt(raster, server.url(raster.name), tmp_path / "whole.vrt")
            completed, _, _ = qgis_process("hsilime:explain_fields", INPUT=vrt,
                                           OUTPUT_TABLE=tmp_path / "whole" / "t.csv", **parameters)
            assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]
            total = server.requests
        with RangeServer(tmp_path, stop_after=3 * total // 4) as server:
            vrt = _remote_vrt(raster, server.url(raster.name), tmp_path / "remote.vrt")
            completed, _, _ = qgis_process("hsilime:explain_fields", INPUT=vrt,
                                           OUTPUT_TABLE=tmp_path / "out" / "t.csv", **parameters)
    finally:
        del qgis_process.env["CPL_VSIL_CURL_NON_CACHED"]
    output = _failed(completed)
    assert f"INPUT: reading {vrt} failed (" in output and "): the network source stopped answering or the connection " \
           "broke; nothing was written." in output, output[-3000:]
    assert not (tmp_path / "out").exists()


def _remote_vrt(local, url: str, vrt):
    """A VRT of ``local``'s grid whose bands read ``url`` (made from the local file: no request to the server)."""
    subprocess.run(["gdal_translate", "-q", "-of", "VRT", str(local), str(vrt)], check=True)
    text = vrt.read_text()
    text = re.sub(r'<SourceFilename relativeToVRT="\d">[^<]*</SourceFilename>',
                  f'<SourceFilename relativeToVRT="0">{url}</SourceFilename>', text)
    vrt.write_text(text)
    return vrt
