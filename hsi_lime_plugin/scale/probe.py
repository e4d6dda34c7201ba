"""What a Dask worker has: the probe every worker runs before the first unit of a run.

:func:`probe` imports each module it is asked about and reports its version, or why it
cannot be imported, and whether torch sees a CUDA device; it never raises. It must arrive
on a worker that lacks the engine, or even runs another Python, so it is not sent as a
pickled function (which would name this module, or carry byte code of this Python): the
client sends this file's source text, and the worker runs it with its own built-in
``eval`` and ``exec`` (:func:`~hsi_lime_plugin.scale.environment.probe_workers`). Hence this
module imports only the standard library, and only inside :func:`probe`.
"""


def probe(modules, cuda):
    """``{"python": version, "executable": path, "modules": {name: [version or None, problem or None]},
    "cuda": [available, device name or problem] or None}`` of this process."""
    import importlib
    import sys

    found = {}
    for name in modules:
        try:
            module = importlib.import_module(name)
        except BaseException as error:  # a broken install raises anything; the report must still arrive
            found[name] = [None, f"{type(error).__name__}: {error}"]
        else:
            found[name] = [str(getattr(module, "__version__", "unknown")), None]
    report = {"python": sys.version.split()[0], "executable": sys.executable, "modules": found, "cuda": None}
    if cuda and found.get("torch", [None])[0] is not None:
        try:
            import torch

            available = bool(torch.cuda.is_available())
            report["cuda"] = [available, torch.cuda.get_device_name(0) if available else "torch sees no CUDA device"]
        except BaseException as error:
            report["cuda"] = [False, f"{type(error).__name__}: {error}"]
    return report
