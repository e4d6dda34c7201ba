"""Read model files: TorchScript, ONNX, Python recipes and scikit-learn (skops); refuse pickles.

Each loader returns a :class:`LoadedNetwork`: a callable ``float batch -> output`` on the
requested torch device (images (B, C, H, W), or spectra (N, C) for the spectral layouts),
the card text or dictionary embedded in the file (if any), the input layout the file
implies (if it implies one), and a sentence for the log saying what runs the model.

* **TorchScript** (``.pt``, ``.pth``, ``.ts``, ``.torchscript``, ``.jit``):
  ``torch.jit.load(map_location=device)``; an embedded card is the extra file
  ``model_card.json``.
* **ONNX** (``.onnx``): onnxruntime, an optional dependency imported only here. The CUDA
  execution provider runs the model when the device is CUDA and onnxruntime has it; an
  explicit ``cuda`` without it is an error. An embedded card is the ``metadata_props``
  entry ``model_card``. A model with a fixed batch size is fed in chunks of that size. An
  input of rank 2 (N, bands), as sklearn-onnx exports have, means the ``pixels`` layout.
  The output explained is chosen by name (:meth:`OnnxNetwork.select_output`): the card's
  ``output.name``, else the only output, else the probabilities for classification (the
  output whose name holds "prob"), else the only floating-point output; sklearn-onnx's
  first output, the label, is never taken. Probabilities exported as a sequence of maps
  (sklearn-onnx's ZipMap, its default) are refused with the export option that gives one
  array.
* **scikit-learn** (``.skops``): :mod:`hsi_lime_plugin.models.scikit` (skops with an
  explicit list of trusted types; the estimator runs on the CPU).
* **Python recipe** (``.py``): a file defining ``load_model(device) -> torch.nn.Module``
  and optionally ``MODEL_CARD`` (a dictionary). Loading it runs its code, so it is only
  loaded when the caller allows it (``allow_python=True``; the algorithm parameter
  ``ALLOW_PYTHON_MODEL``).
* **Pickles** are refused: unpickling executes code. PyTorch checkpoints (``torch.save`` of a
  module or a state dict, which has no architecture anyway) get the commands that export
  TorchScript or ONNX, or the advice to write a recipe; scikit-learn pickles (``.pkl``,
  ``.pickle``, ``.joblib``: dzetsaka's, KP Labs' HYPERVIEW forests) get the commands that
  convert them to skops or to ONNX. A pickle's kind is told from the module names it
  stores as text (searched in its bytes, never unpickled).
"""
from __future__ import annotations

import importlib.util
import sys
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch

from ..errors import HsiLimeError, arg
from .card import ONNX_CARD_KEY, TORCHSCRIPT_CARD_NAME

TORCHSCRIPT_SUFFIXES = (".pt", ".pth", ".ts", ".torchscript", ".jit")
ONNX_SUFFIXES = (".onnx",)
PYTHON_SUFFIXES = (".py",)
SKOPS_SUFFIXES = (".skops",)
#: Pickles by their usual names (scikit-learn's, joblib's): refused, with the commands that convert them.
PICKLE_SUFFIXES = (".pkl", ".pickle", ".joblib")
#: Bytes of a pickle scanned for the module names it mentions.
PICKLE_SCAN_BYTES = 1 << 20
#: The Python of the pip commands shown when an optional package is missing (the plugin's own
#: environment when there is one, in the plugin's folder above the engine).
_PLUGIN_PYTHON = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "python"


@dataclass
class LoadedNetwork:
    """A model file read into memory.

    Attributes
    ----------
    network : callable
        float tensor (B, C, H, W) on the device, or (N, C) for the spectral layouts ->
        tensor (or tuple/list of tensors).
    format : {"torchscript", "onnx", "python", "skops"}
    embedded_card : str, bytes, dict or None
        The card stored in the file, unparsed.
    card_source : str
        How to name the embedded card in messages.
    note : str
        What runs the model (for the log), e.g. the onnxruntime provider.
    layout : {"image", "pixels"} or None
        The input layout the file implies (ONNX: from the input's rank; scikit-learn:
        spectra), None when it says nothing.
    """

    network: Callable[[torch.Tensor], Any]
    format: str
    embedded_card: str | bytes | dict | None
    card_source: str
    note: str = ""
    layout: str | None = None


def detect_format(path: Path, card_format: str | None = None) -> str:
    """The format of a model file from its extension, else from the card's ``format``, else from its bytes."""
    suffix = path.suffix.lower()
    if suffix in PICKLE_SUFFIXES:
        raise refuse_pickle(path)
    if suffix in SKOPS_SUFFIXES:
        return "skops"
    if suffix in ONNX_SUFFIXES:
        return "onnx"
    if suffix in PYTHON_SUFFIXES:
        return "python"
    if suffix in TORCHSCRIPT_SUFFIXES:
        return "torchscript"
    if card_format is not None:
        return card_format
    if zipfile.is_zipfile(path) or _is_pickle(path):
        return "torchscript"  # the loader refuses pickles with a clear message
    with open(path, "rb") as stream:
        head = stream.read(64)
    if head[:1] == b"\x08":  # an ONNX ModelProto starts with its ir_version field
        return "onnx"
    raise HsiLimeError(
        f"{arg('model')}: cannot tell the format of {path} from its extension '{path.suffix}'; name the file .pt or "
        ".torchscript (TorchScript), .onnx (ONNX), .skops (scikit-learn) or .py (Python recipe), or set \"format\" "
        "in its model card."
    )


def load_network(
    path: Path, model_format: str, device: torch.device, requested_device: str, allow_python: bool = False
) -> LoadedNetwork:
    """Load ``path`` as ``model_format`` onto ``device`` (``requested_device`` is what the user asked for)."""
    if model_format == "torchscript":
        return load_torchscript(path, device)
    if model_format == "onnx":
        return load_onnx(path, device, requested_device)
    if model_format == "python":
        return load_recipe(path, device, allow_python)
    if model_format == "skops":
        from .scikit import load_skops

        return load_skops(path)
    raise HsiLimeError(
        f"{arg('model')}: unknown model format '{model_format}'; use torchscript, onnx, skops or python."
    )


# --- TorchScript ---------------------------------------------------------------------------
def pickle_kind(path: Path) -> str | None:
    """'zip' for a torch.save zip archive, 'legacy' for a raw pickle, None for anything else."""
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            return None
        has_pickle = any(name == "data.pkl" or name.endswith("/data.pkl") for name in names)
        is_script = any(name.endswith("/constants.pkl") or "/code/" in name for name in names)
        return "zip" if has_pickle and not is_script else None
    return "legacy" if _is_pickle(path) else None


def _is_pickle(path: Path) -> bool:
    with open(path, "rb") as stream:
        head = stream.read(2)
    return len(head) == 2 and head[0] == 0x80 and 1 <= head[1] <= 5  # pickle PROTO opcode


def refuse_pickle(path: Path) -> HsiLimeError:
    """The refusal of a pickle: a PyTorch checkpoint's, or (by name or content) a scikit-learn model's."""
    if path.suffix.lower() in PICKLE_SUFFIXES and not _mentions_torch(path):
        return _refuse_sklearn_pickle(path)
    return HsiLimeError(
        f"{arg('model')}: {path} is a pickled PyTorch checkpoint (torch.save), which hsi-lime does not load: unpickling runs "
        "arbitrary code, and a state dict carries no architecture. Export the model where you trained it, e.g. "
        "model.eval(); torch.jit.save(torch.jit.script(model), 'model.pt') (or torch.jit.trace(model, example) "
        "for models that do not script), or torch.onnx.export(model, example, 'model.onnx'); or write a Python "
        "recipe (.py defining load_model(device) that builds the model and loads the state dict) and enable "
        f"{arg('allow_python')}."
    )


def _refuse_sklearn_pickle(path: Path) -> HsiLimeError:
    stem = path.stem
    return HsiLimeError(
        f"{arg('model')}: {path} is a pickle (pickle.dump or joblib.dump), which hsi-lime does not load: unpickling runs "
        "arbitrary code. Convert it once, in a Python that has scikit-learn and trusts the file, to skops: "
        f'import joblib, skops.io; model = joblib.load("{path.name}"); skops.io.dump(model, "{stem}.skops") '
        "(pip install skops); or to ONNX (pip install skl2onnx; X: a few training spectra, shape (N, bands)): "
        f'import numpy as np, skl2onnx; onnx_model = skl2onnx.to_onnx(model, X[:1].astype(np.float32), '
        'options={id(model): {"zipmap": False}}) for a classifier (without options for a regressor); '
        f'open("{stem}.onnx", "wb").write(onnx_model.SerializeToString()). Then choose {stem}.skops or {stem}.onnx, '
        f"with a card {stem}.json beside it for the wavelengths (and class names)."
    )


def _mentions_torch(path: Path) -> bool:
    """Whether the first :data:`PICKLE_SCAN_BYTES` of a pickle name the module ``torch`` (a pickle stores the
    modules of its objects as plain text; the bytes are searched, never unpickled)."""
    with open(path, "rb") as stream:
        return b"torch" in stream.read(PICKLE_SCAN_BYTES)


def load_torchscript(path: Path, device: torch.device) -> LoadedNetwork:
    if pickle_kind(path):
        raise refuse_pickle(path)
    extra = {TORCHSCRIPT_CARD_NAME: ""}
    try:
        network = torch.jit.load(str(path), map_location=device, _extra_files=extra)
    except (RuntimeError, ValueError) as error:
        raise HsiLimeError(
            f"{arg('model')}: {path} is not a TorchScript model (torch.jit.load says: {_first_line(error)}); export the model "
            "with torch.jit.save(torch.jit.script(model), path) or torch.jit.trace, then choose that file."
        ) from None
    network.eval()
    card = extra.get(TORCHSCRIPT_CARD_NAME) or None
    return LoadedNetwork(network, "torchscript", card, f"{path} (embedded {TORCHSCRIPT_CARD_NAME})", "TorchScript")


# --- ONNX ----------------------------------------------------------------------------------
def install_command(package: str) -> str:
    """The pip command that installs an optional ``package`` (onnxruntime, skops)."""
    python = str(_PLUGIN_PYTHON) if _PLUGIN_PYTHON.exists() else "python3"
    return f"{python} -m pip install {package}"


def import_onnxruntime(path: Path):
    try:
        import onnxruntime
    except ImportError:
        raise HsiLimeError(
            f"{arg('model')}: {path} is an ONNX model, which needs the Python package onnxruntime, and it is not installed; "
            f"install it with: {install_command('onnxruntime')} (onnxruntime-gpu for CUDA), then run again."
        ) from None
    return onnxruntime


_ONNX_TYPES = {"tensor(float)": torch.float32, "tensor(double)": torch.float64, "tensor(float16)": torch.float16}


class OnnxNetwork:
    """An onnxruntime session as a torch callable: a tensor in, the chosen output as a tensor out.

    The first output is used until :meth:`select_output` picks one by the card (what
    :func:`~hsi_lime_plugin.models.loading.load_model` does once the card is known).
    """

    def __init__(self, session, device: torch.device, path: Path):
        self.session, self.device, self.path = session, device, path
        model_input = session.get_inputs()[0]
        self.input_name = model_input.name
        self.outputs = [(output.name, output.type) for output in session.get_outputs()]
        self.output_name = self.outputs[0][0]
        self.dtype = _ONNX_TYPES.get(model_input.type, torch.float32)
        batch_dimension = model_input.shape[0] if model_input.shape else None
        self.fixed_batch = batch_dimension if isinstance(batch_dimension, int) and batch_dimension > 0 else None
        self.input_shape = list(model_input.shape)

    def select_output(self, name: str | None, task: str) -> str:
        """Choose the output to explain (see the module docstring); returns its name."""
        listed = ", ".join(f"{output} ({kind})" for output, kind in self.outputs)
        kinds = dict(self.outputs)
        if name is not None and name not in kinds:
            raise HsiLimeError(
                f"{arg('model')}: the model card's 'output.name' is '{name}', but the ONNX model {self.path} has the "
                f"outputs {listed}; name one of them."
            )
        if name is None and len(self.outputs) > 1:
            floats = [output for output, kind in self.outputs if kind in _ONNX_TYPES]
            probabilities = [output for output, _ in self.outputs if "prob" in output.lower()]
            candidates = probabilities if task == "classification" and probabilities else floats
            if len(candidates) != 1:
                raise HsiLimeError(
                    f"{arg('model')}: the ONNX model {self.path} has the outputs {listed}, and hsi-lime cannot tell "
                    "which to explain; set \"output\": {\"name\": ...} in its model card (for a classifier: the "
                    "probabilities, for a regressor: the value)."
                )
            name = candidates[0]
        name = name or self.outputs[0][0]
        if kinds[name].startswith("seq(map"):
            raise HsiLimeError(
                f"{arg('model')}: the output '{name}' of the ONNX model {self.path} is a sequence of maps ({kinds[name]}), "
                "sklearn-onnx's ZipMap, one dictionary per pixel; export the probabilities as one array instead: "
                'skl2onnx.to_onnx(model, X[:1].astype(numpy.float32), options={id(model): {"zipmap": False}}).'
            )
        if kinds[name] not in _ONNX_TYPES:
            raise HsiLimeError(
                f"{arg('model')}: the output '{name}' of the ONNX model {self.path} holds {kinds[name]}, not numbers "
                f"that can be explained; the outputs are {listed}: name a floating-point one in 'output.name'."
            )
        self.output_name = name
        return name

    @property
    def layout(self) -> str:
        """``pixels`` for an input of rank 2 (N, bands), else ``image``."""
        return "pixels" if len(self.input_shape) == 2 else "image"

    def _run(self, array: np.ndarray) -> np.ndarray:
        try:
            return self.session.run([self.output_name], {self.input_name: array})[0]
        except Exception as error:  # onnxruntime's own exception types derive from Exception only
            raise RuntimeError(
                f"onnxruntime: {_first_line(error)} (the model's input is {self.input_name} {self.input_shape})"
            ) from None

    def __call__(self, batch: torch.Tensor) -> torch.Tensor:
        array = batch.detach().to(self.dtype).cpu().numpy()
        if self.fixed_batch is None or self.fixed_batch == array.shape[0]:
            output = self._run(array)
        else:  # a model exported with a fixed batch size: feed it chunks of that size, the last padded
            size, parts = self.fixed_batch, []
            for start in range(0, array.shape[0], size):
                chunk = array[start : start + size]
                count = chunk.shape[0]
                if count < size:
                    chunk = np.concatenate([chunk, np.repeat(chunk[-1:], size - count, axis=0)])
                parts.append(self._run(chunk)[:count])
            output = np.concatenate(parts)
        return torch.from_numpy(np.ascontiguousarray(output)).to(device=self.device, dtype=torch.float32)


def load_onnx(path: Path, device: torch.device, requested_device: str) -> LoadedNetwork:
    onnxruntime = import_onnxruntime(path)
    available = onnxruntime.get_available_providers()
    if device.type == "cuda" and "CUDAExecutionProvider" in available:
        providers = [("CUDAExecutionProvider", {"device_id": device.index or 0}), "CPUExecutionProvider"]
    elif device.type == "cuda" and str(requested_device).lower().startswith("cuda"):
        raise HsiLimeError(
            f"{arg('device')}: CUDA was requested for the ONNX model {path}, but this onnxruntime "
            f"({onnxruntime.__version__}) has no CUDA execution provider (it has {', '.join(available)}); install "
            "onnxruntime-gpu, or choose 'auto' or 'cpu'."
        )
    else:
        providers = ["CPUExecutionProvider"]
    try:
        session = onnxruntime.InferenceSession(str(path), providers=providers)
    except Exception as error:  # InvalidProtobuf, NoSuchFile, Fail...
        raise HsiLimeError(
            f"{arg('model')}: {path} cannot be read as an ONNX model (onnxruntime says: {_first_line(error)}); export it "
            "with torch.onnx.export(model, example, path) and choose that file."
        ) from None
    if len(session.get_inputs()) != 1:
        names = ", ".join(i.name for i in session.get_inputs())
        raise HsiLimeError(
            f"{arg('model')}: the ONNX model {path} has {len(session.get_inputs())} inputs ({names}); hsi-lime feeds one "
            "batch (images: batch x bands x height x width, or spectra: pixels x bands): export the model with a "
            "single input."
        )
    ran = session.get_providers()[0]
    note = f"onnxruntime {onnxruntime.__version__} runs the model with {ran}"
    if device.type == "cuda" and ran != "CUDAExecutionProvider":
        note += f" (this onnxruntime has no CUDA execution provider: {', '.join(available)})"
    card = session.get_modelmeta().custom_metadata_map.get(ONNX_CARD_KEY) or None
    network = OnnxNetwork(session, device, path)
    return LoadedNetwork(network, "onnx", card, f"{path} (metadata_props '{ONNX_CARD_KEY}')", note, network.layout)


# --- Python recipe -------------------------------------------------------------------------
def load_recipe(path: Path, device: torch.device, allow_python: bool) -> LoadedNetwork:
    if not allow_python:
        raise HsiLimeError(
            f"{arg('model')}: {path} is a Python recipe, and loading it would run the code in it; recipes are refused unless "
            f"you allow them. If you trust this file, allow it with {arg('allow_python', 'True')}; otherwise ask for a "
            "TorchScript or ONNX export."
        )
    folder = str(path.parent.resolve())
    added = folder not in sys.path
    if added:
        sys.path.insert(0, folder)  # a recipe may import its neighbours
    try:
        name = f"hsi_lime_recipe_{uuid.uuid4().hex}"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # as an import does: inspect (torch.jit.script, dataclasses) finds the source
        try:
            spec.loader.exec_module(module)
        except Exception as error:
            sys.modules.pop(name, None)
            raise _recipe_error(path, "while it was imported", error) from None
        build = getattr(module, "load_model", None)
        if not callable(build):
            raise HsiLimeError(
                f"{arg('model')}: the Python recipe {path} defines no function load_model(device); define one that returns "
                "the torch.nn.Module to explain (and optionally a MODEL_CARD dictionary)."
            )
        try:
            network = build(device)
        except Exception as error:
            raise _recipe_error(path, "in load_model(device)", error) from None
    finally:
        if added and folder in sys.path:
            sys.path.remove(folder)
    if isinstance(network, torch.nn.Module):
        network = network.to(device).eval()
    elif not callable(network):
        raise HsiLimeError(
            f"{arg('model')}: load_model(device) in the Python recipe {path} returned {type(network).__name__}; return the "
            "torch.nn.Module (or callable) that maps a batch (B, C, H, W) to its outputs."
        )
    card = getattr(module, "MODEL_CARD", None)
    if card is not None and not isinstance(card, (dict, str)):
        raise HsiLimeError(
            f"{arg('model')}: MODEL_CARD in the Python recipe {path} is a {type(card).__name__}; make it a dictionary laid "
            "out as a model card JSON file."
        )
    return LoadedNetwork(network, "python", card, f"{path} (MODEL_CARD)", "Python recipe")


def _recipe_error(path: Path, where: str, error: Exception) -> HsiLimeError:
    return HsiLimeError(
        f"{arg('model')}: the Python recipe {path} failed {where} ({type(error).__name__}: {_first_line(error)}); fix the recipe."
    )


def _first_line(error: BaseException) -> str:
    """The first line of a library's error, without the advice torch appends to archive errors
    (it changes between releases and speaks of checkpoints, which hsi-lime does not load)."""
    text = str(error).strip()
    first = text.splitlines()[0] if text else type(error).__name__
    return first.split(" This is an internal miniz error")[0]
