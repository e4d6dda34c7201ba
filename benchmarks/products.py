"""How long hsi-lime takes to open and read full-size sensor products (a one-off: not part of ``make bench``).

    .venv/bin/python benchmarks/products.py [--only emit,enmap,...] [--work DIR] [--output FILE] [--fresh]

Each product is written once (kept in ``--work``, default build/bench/products; ``--fresh`` rewrites them) at the
size of a real scene, in its real layout, filled with a smooth synthetic reflectance (a vegetation-like spectrum
times a pattern in space: the values matter to nobody, the bytes to read do):

emit     EMIT L2A: a swath of 1280 downtrack x 1242 crosstrack x 285 bands, float32, no compression, turned 12.5
         degrees on its GLT grid (about 1518 x 1490 map pixels)
enmap    EnMAP L2A: 1200 x 1200 x 224 int16 GeoTIFF (pixel interleaved, as delivered) and its METADATA.XML
prisma   PRISMA L2D: 1000 x 1000, VNIR 66 + SWIR 173 bands (rows, bands, columns) uint16, HDF5
desis    DESIS L2A: 1024 x 1024 x 235 int16 GeoTIFF and its ENVI header
tanager  Tanager ortho: 426 x 640 x 1000 float32, HDF5
aviris   AVIRIS-3 RFL_ORT: 284 x 1000 x 700 float32, NetCDF-4

Timed for each, in this process, with the operating system's file cache warm from writing (a download read
from a cold disk adds the disk's time): ``open`` (the product identified and its header read: for EMIT the
whole GLT), ``window`` (a 256 x 256 window of every band, as a tile or field of a map-scale run reads it) and
``full`` (the whole cube read in strips of 128 rows, each held only while read: what import_product reads).
Prints a table and writes the figures as JSON to ``--output`` (default build/bench/products.json).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import rasterio  # noqa: E402
from rasterio.transform import from_origin  # noqa: E402

STRIP = 128
WINDOW = 256
EMIT_SWATH = (1280, 1242, 285)
EMIT_TURN = np.deg2rad(12.5)


def spectrum(bands: int) -> tuple[np.ndarray, np.ndarray]:
    """Band centres from 400 to 2500 nm and a vegetation-like reflectance (red edge, water dips)."""
    wavelengths = np.linspace(400.0, 2500.0, bands)
    value = 0.05 + 0.35 / (1 + np.exp(-(wavelengths - 715.0) / 15.0))
    value *= (1 - 0.6 * np.exp(-((wavelengths - 1400.0) / 60.0) ** 2)
              - 0.7 * np.exp(-((wavelengths - 1900.0) / 70.0) ** 2))
    return wavelengths, value.astype(np.float32)


def block(value: np.ndarray, rows: np.ndarray, columns: int) -> np.ndarray:
    """(bands, len(rows), columns) reflectance: the spectrum times a smooth pattern in space."""
    pattern = 0.8 + 0.2 * np.sin(rows[:, None] / 37.0) * np.cos(np.arange(columns)[None, :] / 53.0)
    return (value[:, None, None] * pattern[None].astype(np.float32)).astype(np.float32)


def _gdal():
    from osgeo import gdal

    gdal.UseExceptions()
    return gdal


def emit_glt() -> np.ndarray:
    """(2, ortho_y, ortho_x) GLT of the swath turned EMIT_TURN: nearest swath pixel, 1-based, 0 outside."""
    down, across, _ = EMIT_SWATH
    cos, sin = np.cos(EMIT_TURN), np.sin(EMIT_TURN)
    height, width = int(np.ceil(down * cos + across * sin)), int(np.ceil(down * sin + across * cos))
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    y, x = y - height / 2, x - width / 2
    d = np.rint(cos * y + sin * x + down / 2).astype(np.int64)
    c = np.rint(-sin * y + cos * x + across / 2).astype(np.int64)
    inside = (d >= 0) & (d < down) & (c >= 0) & (c < across)
    return np.stack([np.where(inside, c + 1, 0), np.where(inside, d + 1, 0)]).astype(np.int32)


def write_emit(folder: Path) -> Path:
    gdal = _gdal()
    down, across, bands = EMIT_SWATH
    wavelengths, value = spectrum(bands)
    glt = emit_glt()
    path = folder / "EMIT_L2A_RFL_001_20240101T000000_2400100_001.nc"
    root = gdal.GetDriverByName("netCDF").CreateMultiDimensional(str(path)).GetRootGroup()
    dims = [root.CreateDimension(name, None, None, size) for name, size in
            (("downtrack", down), ("crosstrack", across), ("bands", bands), ("ortho_y", glt.shape[1]),
             ("ortho_x", glt.shape[2]))]
    float64 = gdal.ExtendedDataType.Create(gdal.GDT_Float64)
    root.CreateAttribute("geotransform", [6], float64).Write([30.0, 0.000542232520, 0.0, -10.0, 0.0, -0.000542232520])
    root.CreateAttribute("spatial_ref", [], gdal.ExtendedDataType.CreateString()).Write(
        rasterio.crs.CRS.from_epsg(4326).to_wkt())
    cube = root.CreateMDArray("reflectance", dims[:3], gdal.ExtendedDataType.Create(gdal.GDT_Float32))
    cube.SetNoDataValueDouble(-9999)
    for start in range(0, down, 64):
        rows = np.arange(start, min(down, start + 64))
        cube.Write(np.ascontiguousarray(block(value, rows, across).transpose(1, 2, 0)),
                   array_start_idx=[start, 0, 0], count=[rows.size, across, bands])
    group = root.CreateGroup("sensor_band_parameters")
    for name, values, kind in (("wavelengths", wavelengths, gdal.GDT_Float32), ("fwhm", np.full(bands, 8.5),
                                                                                gdal.GDT_Float32),
                               ("good_wavelengths", ((wavelengths < 1340) | (wavelengths > 1450)), gdal.GDT_Byte)):
        group.CreateMDArray(name, [dims[2]], gdal.ExtendedDataType.Create(kind)).Write(np.asarray(values))
    location = root.CreateGroup("location")
    for axis, values in zip("xy", glt):
        array = location.CreateMDArray(f"glt_{axis}", dims[3:], gdal.ExtendedDataType.Create(gdal.GDT_Int32))
        array.SetNoDataValueDouble(0)
        array.Write(values)
    return path


def write_counts(path: Path, shape: tuple, scale: float, interleave: str = "pixel") -> np.ndarray:
    """An int16 GeoTIFF of reflectance / ``scale`` (nodata -32768), written strip by strip; its band centres."""
    bands, height, width = shape
    wavelengths, value = spectrum(bands)
    with rasterio.open(path, "w", driver="GTiff", width=width, height=height, count=bands, dtype="int16",
                       crs="EPSG:32633", transform=from_origin(300000, 5800000, 30, 30), nodata=-32768,
                       interleave=interleave, tiled=False) as dataset:
        for row in range(0, height, STRIP):
            rows = np.arange(row, min(height, row + STRIP))
            dataset.write(np.rint(block(value, rows, width) / scale).astype(np.int16),
                          window=rasterio.windows.Window(0, row, width, rows.size))
    return wavelengths


def write_enmap(folder: Path) -> Path:
    name = "ENMAP01-____L2A-DT0000001000_20240101T000000Z_001_V010400_20240102T000000Z"
    wavelengths = write_counts(folder / f"{name}-SPECTRAL_IMAGE.TIF", (224, 1200, 1200), 1e-4)
    channels = "".join(f'<bandID number="{b + 1}"><wavelengthCenterOfBand>{w:.3f}</wavelengthCenterOfBand>'
                       f"<FWHMOfBand>8</FWHMOfBand><GainOfBand>0.0001</GainOfBand><OffsetOfBand>0</OffsetOfBand>"
                       "</bandID>" for b, w in enumerate(wavelengths))
    path = folder / f"{name}-METADATA.XML"
    path.write_text(f'<?xml version="1.0"?><level_X><base><level>L2A</level></base><specific>'
                    f"<bandCharacterisation>{channels}</bandCharacterisation></specific></level_X>\n")
    return path


def write_desis(folder: Path) -> Path:
    image = folder / "DESIS-HSI-L2A-DT0000001000_001-20240101T000000-V0220-SPECTRAL_IMAGE.tif"
    wavelengths = write_counts(image, (235, 1024, 1024), 1e-4)
    lists = {"wavelength": wavelengths, "fwhm": np.full(235, 3.5), "data gain values": np.full(235, 1e-4),
             "data offset values": np.zeros(235)}
    image.with_suffix(".hdr").write_text("ENVI\nwavelength units = Nanometers\n" + "".join(
        f"{key} = {{{', '.join(f'{v:g}' for v in values)}}}\n" for key, values in lists.items()))
    return image


def write_prisma(folder: Path) -> Path:
    import h5py

    path = folder / "PRS_L2D_STD_20240101000000_20240101000004_0001.he5"
    rows, columns = 1000, 1000
    with h5py.File(path, "w") as f:
        f.attrs.update({"Epsg_Code": 32633, "Product_ULcorner_easting": 300015.0,
                        "Product_ULcorner_northing": 5799985.0,
                        "Product_LRcorner_easting": 300015.0 + 30 * (columns - 1),
                        "Product_LRcorner_northing": 5799985.0 - 30 * (rows - 1)})
        for name, bands, low, high in (("Vnir", 66, 400, 1010), ("Swir", 173, 920, 2500)):
            centres = np.linspace(high, low, bands).astype(np.float32)  # long to short, as PRISMA stores them
            f.attrs.update({f"List_Cw_{name}": centres, f"List_Fwhm_{name}": np.full(bands, 10, np.float32),
                            f"L2Scale{name}Min": 0.0, f"L2Scale{name}Max": 1.0})
            _, value = spectrum(bands)
            cube = f.create_dataset(f"HDFEOS/SWATHS/PRS_L2D_HCO/Data Fields/{name.upper()}_Cube",
                                    (rows, bands, columns), dtype="uint16", chunks=(8, bands, columns))
            for row in range(0, rows, STRIP):
                part = np.arange(row, min(rows, row + STRIP))
                counts = np.rint(block(value, part, columns) * 65535).astype(np.uint16)
                cube[part[0]:part[-1] + 1] = counts.transpose(1, 0, 2)
    return path


def write_tanager(folder: Path) -> Path:
    import h5py

    path = folder / "20240101_000000_00_4001_ortho_sr_hdf5.h5"
    bands, rows, columns = 426, 640, 1000
    wavelengths, value = spectrum(bands)
    structure = (f'GROUP=GRID_1\n\tGridName="HYP"\n\tXDim={columns}\n\tYDim={rows}\n'
                 f"\tUpperLeftPointMtrs=(300000.0,5800000.0)\n\tLowerRightMtrs=({300000 + 30 * columns}.0,"
                 f"{5800000 - 30 * rows}.0)\n\tProjection=HE5_GCTP_UTM\n\tZoneCode=33\nEND_GROUP=GRID_1\n")
    with h5py.File(path, "w") as f:
        cube = f.create_dataset("HDFEOS/GRIDS/HYP/Data Fields/surface_reflectance", (bands, rows, columns),
                                dtype="float32", chunks=(bands, 16, columns))
        cube.attrs.update({"wavelengths": wavelengths, "fwhm": np.full(bands, 5.5), "_FillValue": np.float32(-9999)})
        for row in range(0, rows, STRIP):
            part = np.arange(row, min(rows, row + STRIP))
            cube[:, part[0]:part[-1] + 1] = block(value, part, columns)
        f.create_dataset("HDFEOS INFORMATION/StructMetadata.0", data=np.bytes_(structure))
    return path


def write_aviris(folder: Path) -> Path:
    gdal = _gdal()
    bands, rows, columns = 284, 1000, 700
    wavelengths, value = spectrum(bands)
    path = folder / "AV320240101t000000_001_L2A_OE_main_00000000_RFL_ORT.nc"
    root = gdal.GetDriverByName("netCDF").CreateMultiDimensional(str(path)).GetRootGroup()
    dims = [root.CreateDimension(n, None, None, s) for n, s in (("wavelength", bands), ("northing", rows),
                                                                 ("easting", columns))]
    mapping = root.CreateMDArray("transverse_mercator", [], gdal.ExtendedDataType.Create(gdal.GDT_Int32))
    text = gdal.ExtendedDataType.CreateString()
    mapping.CreateAttribute("crs_wkt", [], text).Write(rasterio.crs.CRS.from_epsg(32633).to_wkt())
    mapping.CreateAttribute("GeoTransform", [], text).Write("300000 5 0 5800000 0 -5")
    group = root.CreateGroup("reflectance")
    cube = group.CreateMDArray("reflectance", dims, gdal.ExtendedDataType.Create(gdal.GDT_Float32))
    cube.SetNoDataValueDouble(-9999)
    for row in range(0, rows, STRIP):
        part = np.arange(row, min(rows, row + STRIP))
        cube.Write(block(value, part, columns), array_start_idx=[0, row, 0], count=[bands, part.size, columns])
    group.CreateMDArray("wavelength", dims[:1], gdal.ExtendedDataType.Create(gdal.GDT_Float32)).Write(wavelengths)
    return path


WRITERS = {"emit": write_emit, "enmap": write_enmap, "prisma": write_prisma, "desis": write_desis,
           "tanager": write_tanager, "aviris": write_aviris}


def measure(path: Path) -> dict:
    """Seconds to open the product, to read a window, and to read it whole strip by strip."""
    from hsi_lime_plugin.inputs import products

    products._CACHE.clear()
    started = time.perf_counter()
    product = products.open_product(path)
    opened = time.perf_counter() - started
    grid = product.grid
    started = time.perf_counter()
    product.read(((grid.height - WINDOW) // 2, (grid.width - WINDOW) // 2, WINDOW, WINDOW))
    window = time.perf_counter() - started
    started, valid = time.perf_counter(), 0
    for row in range(0, grid.height, STRIP):
        _, mask = product.read((row, 0, min(STRIP, grid.height - row), grid.width))
        valid += int(mask.sum())
    full = time.perf_counter() - started
    size = 4 * grid.count * grid.height * grid.width
    return {"product": product.name, "grid": [grid.count, grid.height, grid.width], "valid_pixels": valid,
            "file_gb": round(sum(Path(f).stat().st_size for f in product.files) / 1e9, 3),
            "open_s": round(opened, 3), "window_256_s": round(window, 3), "full_s": round(full, 2),
            "full_float32_gb_per_s": round(size / 1e9 / full, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default=",".join(WRITERS))
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench" / "products")
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "bench" / "products.json")
    parser.add_argument("--fresh", action="store_true", help="write the products again")
    args = parser.parse_args()
    results = {}
    for kind in args.only.split(","):
        folder = args.work / kind
        existing = sorted(folder.glob("*.nc")) + sorted(folder.glob("*.he5")) + sorted(folder.glob("*.h5")) + \
            sorted(folder.glob("*METADATA.XML")) + sorted(folder.glob("*IMAGE.tif"))
        if args.fresh or not existing:
            folder.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            path = WRITERS[kind](folder)
            print(f"{kind}: written in {time.perf_counter() - started:.1f} s", flush=True)
        else:
            path = existing[0]
        results[kind] = measure(path)
        print(f"{kind:8s} {results[kind]}", flush=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
