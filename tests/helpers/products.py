"""Sensor products written in their real layouts (field names, dimension order, fill values, scale attributes),
filled with real EnMAP L2A reflectance from ../shared/data: a 64 x 64 crop of the Potsdam mosaic (224 bands,
16 columns without data, bands 129-134 nodata everywhere, the product's bad bands).

Each writer returns a :class:`Written` product: the path to give, the band centres its metadata holds, the cube a
reader must present (float64, NaN where no data) on the product's grid, and that grid. NetCDF files are written with
GDAL's multidimensional API (a fill value set before the data), HDF5 files with h5py (GDAL's HDF5 driver only reads).
"""
from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from rasterio.transform import Affine

#: The crop of the mosaic: rows 0-63, columns 48-111 (the last 16 columns hold no data).
ROWS, COLUMNS = slice(0, 64), slice(48, 112)
NODATA = -32768
EMIT_WKT = ('GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],'
            'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",'
            '0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],'
            'AUTHORITY["EPSG","4326"]]')
EMIT_GEOTRANSFORM = (13.0, 0.0005, 0.0, 52.45, 0.0, -0.0005)


@dataclass
class Sample:
    """The real EnMAP reflectance every fixture holds: counts (reflectance x 1e4, int16, -32768 no data)."""

    counts: np.ndarray
    wavelengths: np.ndarray
    fwhm: np.ndarray
    bad: tuple
    transform: Affine
    crs: str = "EPSG:32633"

    @property
    def reflectance(self) -> np.ndarray:
        return np.where(self.counts == NODATA, np.nan, self.counts * 1e-4)

    @property
    def shape(self):
        return self.counts.shape


@dataclass
class Written:
    path: Path
    wavelengths: np.ndarray
    expected: np.ndarray
    transform: Affine
    crs: str
    bad: tuple = ()


def stored(values) -> np.ndarray:
    """``values`` as a file holding them as float32 gives them back."""
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def enmap_sample(shared_data: Path) -> Sample:
    with rasterio.open(shared_data / "enmap_potsdam" / "enmap_potsdam_mosaic.tif") as dataset:
        counts = dataset.read(window=((ROWS.start, ROWS.stop), (COLUMNS.start, COLUMNS.stop))).astype(np.int16)
        wavelengths = np.array([float(dataset.tags(b)["wavelength"]) for b in range(1, dataset.count + 1)])
        fwhm = np.array([float(dataset.tags(b)["fwhm"]) for b in range(1, dataset.count + 1)])
        bad = tuple(b for b in range(dataset.count) if dataset.tags(b + 1)["bbl"] == "0")
        transform = dataset.transform * Affine.translation(COLUMNS.start, ROWS.start)
    return Sample(counts, wavelengths, fwhm, bad, transform)


# ------------------------------------------------------------------------------------------------ EnMAP, DESIS

ENMAP_NAME = "ENMAP01-____L2A-DT0000004147_20220724T104526Z_002_V010110_20221103T215427Z"


def enmap_xml(sample: Sample, level: str = "L2A", channels: int | None = None) -> str:
    count = sample.shape[0] if channels is None else channels
    vnir = [b + 1 for b in range(count) if sample.wavelengths[b] < 1000]
    swir = [b + 1 for b in range(count) if sample.wavelengths[b] > 900]
    characterisation = "".join(
        f'<bandID number="{b + 1}"><wavelengthCenterOfBand>{sample.wavelengths[b]}</wavelengthCenterOfBand>'
        f"<FWHMOfBand>{sample.fwhm[b]}</FWHMOfBand><GainOfBand>0.0001</GainOfBand><OffsetOfBand>0</OffsetOfBand>"
        "</bandID>" for b in range(count))
    statistics = "".join(
        f'<bandID number="{b + 1}"><wavelength>{sample.wavelengths[b]}</wavelength>'
        + ("<mean>-1000000</mean><stdDeviation>0</stdDeviation>" if b in sample.bad else
           "<mean>0.09</mean><stdDeviation>0.04</stdDeviation>") + "</bandID>" for b in range(count))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<level_X xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<metadata><schema><processingLevel>{level}</processingLevel></schema>"
            f"<name>{ENMAP_NAME}-METADATA.XML</name></metadata>"
            f"<base><format>ENMAP_{level}</format><level>{level}</level></base>"
            f"<specific><code>{level}</code><bandCharacterisation>{characterisation}</bandCharacterisation>"
            f"<vnirProductQuality><expectedChannelsList>{','.join(map(str, vnir))}</expectedChannelsList>"
            f"</vnirProductQuality><swirProductQuality><expectedChannelsList>{','.join(map(str, swir))}"
            "</expectedChannelsList></swirProductQuality></specific>"
            f"<product><image><merge><channels>{count}</channels></merge></image>"
            f"<bandStatistics>{statistics}</bandStatistics></product></level_X>\n")


def write_counts(path: Path, sample: Sample, counts: np.ndarray | None = None) -> None:
    counts = sample.counts if counts is None else counts
    with rasterio.open(path, "w", driver="GTiff", width=counts.shape[2], height=counts.shape[1], count=counts.shape[0],
                       dtype="int16", crs=sample.crs, transform=sample.transform, nodata=NODATA,
                       interleave="band") as dataset:
        dataset.write(counts)


def write_enmap(folder: Path, sample: Sample, as_zip: bool = False) -> Written:
    """The L2A product folder (image and XML), or the ZIP DLR delivers holding it."""
    product = folder / ENMAP_NAME
    product.mkdir(parents=True, exist_ok=True)
    write_counts(product / f"{ENMAP_NAME}-SPECTRAL_IMAGE.TIF", sample)
    (product / f"{ENMAP_NAME}-METADATA.XML").write_text(enmap_xml(sample), encoding="utf-8")
    written = Written(product / f"{ENMAP_NAME}-METADATA.XML", sample.wavelengths, sample.counts * 1e-4,
                      sample.transform, sample.crs, sample.bad)
    written.expected = np.where(sample.counts == NODATA, np.nan, written.expected)
    if as_zip:
        archive = folder / f"{ENMAP_NAME}.ZIP"
        with zipfile.ZipFile(archive, "w") as stream:
            for member in sorted(product.iterdir()):
                stream.write(member, f"{ENMAP_NAME}/{member.name}")
        shutil.rmtree(product)
        written.path = archive
    return written


DESIS_NAME = "DESIS-HSI-L2A-DT0483531728_001-20200912T091522-V0220"
DESIS_OFFSET = -0.0005


def write_desis(folder: Path, sample: Sample, level: str = "L2A") -> Written:
    name = DESIS_NAME.replace("L2A", level)
    image = folder / f"{name}-SPECTRAL_IMAGE.tif"
    write_counts(image, sample)
    lists = {"wavelength": sample.wavelengths, "fwhm": sample.fwhm, "data gain values": np.full(sample.shape[0], 1e-4),
             "data offset values": np.full(sample.shape[0], DESIS_OFFSET)}
    header = ["ENVI", "description = {DESIS L2A}", f"samples = {sample.shape[2]}", f"lines = {sample.shape[1]}",
              f"bands = {sample.shape[0]}", "wavelength units = Nanometers", f"data ignore value = {NODATA}"]
    header += [f"{key} = {{{', '.join(f'{v:g}' for v in values)}}}" for key, values in lists.items()]
    (folder / f"{name}-SPECTRAL_IMAGE.hdr").write_text("\n".join(header) + "\n")
    (folder / f"{name}-METADATA.xml").write_text("<?xml version='1.0'?><hsi_doc><base><level>" + level +
                                                 "</level></base></hsi_doc>\n")
    expected = np.where(sample.counts == NODATA, np.nan, sample.counts * 1e-4 + DESIS_OFFSET)
    return Written(image, sample.wavelengths, expected, sample.transform, sample.crs)


# ------------------------------------------------------------------------------------------------ EMIT, AVIRIS


def _gdal():
    from osgeo import gdal

    gdal.UseExceptions()
    return gdal


def _md_array(gdal, group, name, dimensions, dtype, values, fill=None, attributes=None):
    array = group.CreateMDArray(name, dimensions, gdal.ExtendedDataType.Create(dtype))
    if fill is not None:
        array.SetNoDataValueDouble(fill)
    array.Write(np.ascontiguousarray(values))
    for key, value in (attributes or {}).items():
        _attribute(gdal, array, key, value)
    return array


def _attribute(gdal, owner, name, value):
    if isinstance(value, str):
        owner.CreateAttribute(name, [], gdal.ExtendedDataType.CreateString()).Write(value)
    else:
        values = np.atleast_1d(np.asarray(value, dtype=np.float64))
        owner.CreateAttribute(name, [values.size] if values.size > 1 else [],
                              gdal.ExtendedDataType.Create(gdal.GDT_Float64)).Write(values.tolist() if values.size > 1
                                                                                      else float(values[0]))


EMIT_NAME = "EMIT_L2A_RFL_001_20220724T104526_2220507_004.nc"
#: Fill columns and rows around the swath's footprint on the map grid (GLT 0).
EMIT_BORDER = 2


def emit_swath(sample: Sample) -> tuple[np.ndarray, np.ndarray]:
    """The swath (downtrack, crosstrack, bands) as seen from orbit: the map turned a quarter (downtrack runs west
    to east, crosstrack north to south, mirrored), and the GLT (2, ortho_y, ortho_x) that puts it back."""
    bands, height, width = sample.shape
    reflectance = np.where(sample.counts == NODATA, -9999.0, sample.counts * 1e-4).astype(np.float32)
    swath = np.ascontiguousarray(reflectance.transpose(2, 1, 0)[:, ::-1, :])  # swath[d, c] = map[H - 1 - c, d]
    rows, columns = np.mgrid[0:height, 0:width]
    glt = np.zeros((2, height + 2 * EMIT_BORDER, width + 2 * EMIT_BORDER), dtype=np.int32)
    inner = (slice(EMIT_BORDER, EMIT_BORDER + height), slice(EMIT_BORDER, EMIT_BORDER + width))
    glt[0][inner] = height - 1 - rows + 1  # crosstrack, 1-based
    glt[1][inner] = columns + 1  # downtrack, 1-based
    return swath, glt


def write_emit(folder: Path, sample: Sample, variable: str = "reflectance", glt=None, name: str = EMIT_NAME,
               wavelengths=None) -> Written:
    gdal = _gdal()
    swath, default_glt = emit_swath(sample)
    glt = default_glt if glt is None else glt
    wavelengths = sample.wavelengths if wavelengths is None else wavelengths
    path = folder / name
    dataset = gdal.GetDriverByName("netCDF").CreateMultiDimensional(str(path))
    root = dataset.GetRootGroup()
    dims = {key: root.CreateDimension(key, None, None, size) for key, size in
            (("downtrack", swath.shape[0]), ("crosstrack", swath.shape[1]), ("bands", swath.shape[2]),
             ("ortho_y", glt.shape[1]), ("ortho_x", glt.shape[2]))}
    dims["wavelength_count"] = dims["bands"] if len(wavelengths) == swath.shape[2] else \
        root.CreateDimension("listed_bands", None, None, len(wavelengths))
    for key, value in (("title", "EMIT L2A Estimated Surface Reflectance 60 m"), ("product_version", "V001"),
                       ("spatial_ref", EMIT_WKT), ("geotransform", EMIT_GEOTRANSFORM),
                       ("time_coverage_start", "2022-07-24T10:45:26+0000")):
        _attribute(gdal, root, key, value)
    _md_array(gdal, root, variable, [dims["downtrack"], dims["crosstrack"], dims["bands"]], gdal.GDT_Float32, swath,
              fill=-9999, attributes={"long_name": "Surface Reflectance", "units": "unitless"})
    band_group = root.CreateGroup("sensor_band_parameters")
    good = np.ones(len(wavelengths), np.uint8)
    good[[b for b in sample.bad if b < len(wavelengths)]] = 0
    _md_array(gdal, band_group, "wavelengths", [dims["wavelength_count"]], gdal.GDT_Float32, wavelengths,
              attributes={"units": "nm"})
    _md_array(gdal, band_group, "fwhm", [dims["wavelength_count"]], gdal.GDT_Float32, sample.fwhm[:len(wavelengths)])
    _md_array(gdal, band_group, "good_wavelengths", [dims["wavelength_count"]], gdal.GDT_Byte, good)
    location = root.CreateGroup("location")
    for axis, values in zip("xy", glt):
        _md_array(gdal, location, f"glt_{axis}", [dims["ortho_y"], dims["ortho_x"]], gdal.GDT_Int32, values, fill=0)
    lon = np.full(swath.shape[:2], 13.1)
    _md_array(gdal, location, "lon", [dims["downtrack"], dims["crosstrack"]], gdal.GDT_Float64, lon, fill=-9999)
    _md_array(gdal, location, "lat", [dims["downtrack"], dims["crosstrack"]], gdal.GDT_Float64, lon + 39.3, fill=-9999)
    dataset = None
    expected = np.full((sample.shape[0], glt.shape[1], glt.shape[2]), np.nan)
    expected[:, EMIT_BORDER:-EMIT_BORDER, EMIT_BORDER:-EMIT_BORDER] = sample.reflectance
    return Written(path, stored(wavelengths), expected, Affine.from_gdal(*EMIT_GEOTRANSFORM), "EPSG:4326", sample.bad)


AVIRIS_NAME = "AV320230926t201618_005_L2A_OE_main_27577724_RFL_ORT.nc"


def write_aviris(folder: Path, sample: Sample, variable: str = "reflectance") -> Written:
    gdal = _gdal()
    path = folder / AVIRIS_NAME
    bands, height, width = sample.shape
    dataset = gdal.GetDriverByName("netCDF").CreateMultiDimensional(str(path))
    root = dataset.GetRootGroup()
    dims = {key: root.CreateDimension(key, None, None, size) for key, size in
            (("wavelength", bands), ("northing", height), ("easting", width))}
    t = sample.transform
    _md_array(gdal, root, "easting", [dims["easting"]], gdal.GDT_Float64, t.c + t.a * (np.arange(width) + 0.5))
    _md_array(gdal, root, "northing", [dims["northing"]], gdal.GDT_Float64, t.f + t.e * (np.arange(height) + 0.5))
    mapping = root.CreateMDArray("transverse_mercator", [], gdal.ExtendedDataType.Create(gdal.GDT_Int32))
    _attribute(gdal, mapping, "grid_mapping_name", "transverse_mercator")
    _attribute(gdal, mapping, "crs_wkt", rasterio.crs.CRS.from_string(sample.crs).to_wkt())
    _attribute(gdal, mapping, "GeoTransform", " ".join(f"{v!r}" for v in t.to_gdal()))
    group = root.CreateGroup(variable)
    values = np.where(sample.counts == NODATA, -9999.0, sample.counts * 1e-4).astype(np.float32)
    _md_array(gdal, group, variable, [dims["wavelength"], dims["northing"], dims["easting"]], gdal.GDT_Float32, values,
              fill=-9999, attributes={"grid_mapping": "transverse_mercator", "units": "unitless"})
    _md_array(gdal, group, "wavelength", [dims["wavelength"]], gdal.GDT_Float32, sample.wavelengths,
              attributes={"units": "nm"})
    _md_array(gdal, group, "fwhm", [dims["wavelength"]], gdal.GDT_Float32, sample.fwhm, attributes={"units": "nm"})
    dataset = None
    return Written(path, stored(sample.wavelengths), sample.reflectance, t, sample.crs)


# ------------------------------------------------------------------------------------------------ PRISMA, Tanager

PRISMA_NAME = "PRS_L2D_STD_20220724104526_20220724104530_0001.he5"
PRISMA_SCALE = {"Vnir": (0.0, 1.2), "Swir": (0.0, 0.9)}


def write_prisma(folder: Path, sample: Sample, swath: str = "PRS_L2D_HCO", extra_band: bool = False) -> Written:
    """VNIR (below 1000 nm) and SWIR cubes (rows, bands, columns), uint16, each detector's bands long to short with
    two undelivered bands (centre 0) among them; DN 0 in every band where the mosaic has no data."""
    import h5py

    bands, height, width = sample.shape
    reflectance = np.nan_to_num(sample.reflectance, nan=0.0)
    empty = np.isnan(sample.reflectance[0])
    split = {"Vnir": np.flatnonzero(sample.wavelengths < 1000), "Swir": np.flatnonzero(sample.wavelengths >= 1000)}
    t = sample.transform
    with h5py.File(folder / PRISMA_NAME, "w") as f:
        f.attrs["Epsg_Code"] = np.int32(32633)
        f.attrs["Processing_Level"] = np.bytes_(swath[4:7])
        for key, value in (("ULcorner_easting", t.c + 15), ("ULcorner_northing", t.f - 15),
                           ("LRcorner_easting", t.c + 15 + 30 * (width - 1)),
                           ("LRcorner_northing", t.f - 15 - 30 * (height - 1))):
            f.attrs[f"Product_{key}"] = np.float64(value)
        order, expected = [], []
        for name, members in split.items():
            low, high = PRISMA_SCALE[name]
            descending = members[::-1]
            scaled = np.round((reflectance[descending] - low) / (high - low) * 65535)
            counts = np.clip(scaled, 1, 65535).astype(np.uint16)
            counts[:, empty] = 0
            cube = np.concatenate([np.zeros((2, height, width), np.uint16), counts])  # two undelivered bands first
            centres = np.concatenate([[0.0, 0.0], sample.wavelengths[descending]]).astype(np.float32)
            if extra_band and name == "Swir":
                cube = np.concatenate([cube, counts[:1]])
            f.create_dataset(f"HDFEOS/SWATHS/{swath}/Data Fields/{name.upper()}_Cube",
                             data=np.ascontiguousarray(cube.transpose(1, 0, 2)), chunks=(16, cube.shape[0], width))
            f.attrs[f"List_Cw_{name}"] = centres
            f.attrs[f"List_Fwhm_{name}"] = np.concatenate([[0.0, 0.0], sample.fwhm[descending]]).astype(np.float32)
            f.attrs[f"L2Scale{name}Min"], f.attrs[f"L2Scale{name}Max"] = np.float32(low), np.float32(high)
            values = np.float32(low) + counts[::-1].astype(np.float32) * np.float32((high - low) / 65535)
            expected.append(np.where(empty, np.nan, values))
            order.append(members)
    order = np.concatenate(order)
    return Written(folder / PRISMA_NAME, stored(sample.wavelengths[order]), np.concatenate(expected), t, sample.crs)


TANAGER_NAME = "20250724_104526_64_4001_ortho_sr_hdf5.h5"


def write_tanager(folder: Path, sample: Sample, grid: str = "GRIDS", cube: str = "surface_reflectance") -> Written:
    import h5py

    bands, height, width = sample.shape
    values = np.where(sample.counts == NODATA, -9999.0, sample.counts * 1e-4).astype(np.float32)
    t = sample.transform
    structure = ("GROUP=GridStructure\n\tGROUP=GRID_1\n\t\tGridName=\"HYP\"\n"
                 f"\t\tXDim={width}\n\t\tYDim={height}\n"
                 f"\t\tUpperLeftPointMtrs=({t.c:.6f},{t.f:.6f})\n"
                 f"\t\tLowerRightMtrs=({t.c + t.a * width:.6f},{t.f + t.e * height:.6f})\n"
                 "\t\tProjection=HE5_GCTP_UTM\n\t\tZoneCode=33\n\tEND_GROUP=GRID_1\nEND_GROUP=GridStructure\nEND\n")
    path = folder / TANAGER_NAME
    with h5py.File(path, "w") as f:
        data = f.create_dataset(f"HDFEOS/{grid}/HYP/Data Fields/{cube}", data=values, chunks=(bands, 16, width))
        data.attrs["wavelengths"] = sample.wavelengths
        data.attrs["fwhm"] = sample.fwhm
        data.attrs["_FillValue"] = np.float32(-9999)
        good = np.ones(bands, np.uint8)
        good[list(sample.bad)] = 0
        data.attrs["good_wavelengths"] = good
        nodata = (sample.counts[0] == NODATA).astype(np.uint8)
        nodata[:2, :2] = 1  # pixels the mask flags although they hold values
        f.create_dataset(f"HDFEOS/{grid}/HYP/Data Fields/nodata_pixels", data=nodata)
        f.create_dataset("HDFEOS INFORMATION/StructMetadata.0", data=np.bytes_(structure))
    expected = sample.reflectance.copy()
    expected[:, :2, :2] = np.nan
    return Written(path, sample.wavelengths, expected, t, sample.crs, sample.bad)


# ------------------------------------------------------------------------------------------------ every product

WRITERS = {"emit": write_emit, "enmap": write_enmap,
           "enmap_zip": lambda folder, sample: write_enmap(folder, sample, True), "desis": write_desis,
           "prisma": write_prisma, "tanager": write_tanager, "aviris": write_aviris}
#: What writing and reading each product needs besides rasterio: GDAL's bindings (its multidimensional API and XML
#: parser), h5py for the HDF5 files.
NEEDS = {"emit": ("osgeo",), "enmap": ("osgeo",), "enmap_zip": ("osgeo",), "desis": (), "prisma": ("osgeo", "h5py"),
         "tanager": ("osgeo", "h5py"), "aviris": ("osgeo",)}


def write_product(kind: str, folder: Path, sample: Sample) -> Written:
    """``WRITERS[kind]`` into ``folder``; the test skips, saying why, where this Python lacks what it needs."""
    import pytest

    for module in NEEDS[kind]:
        pytest.importorskip(module, reason=f"the {kind} product needs {module} (GDAL's Python bindings, h5py)")
    folder.mkdir(parents=True, exist_ok=True)
    return WRITERS[kind](folder, sample)


def expected_valid(written: Written) -> np.ndarray:
    """(H, W) True where every band with data somewhere holds data (bands without any say nothing)."""
    some = ~np.isnan(written.expected).all(axis=(1, 2))
    return ~np.isnan(written.expected[some]).any(axis=0)
