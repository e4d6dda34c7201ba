"""Defaults shared by the engine and the QGIS dialogs, importable without numpy or torch.

The QGIS side reads these when it registers its algorithms (parameter defaults), which
must not import torch: keep this module free of heavy imports.
"""

#: Default kernel width of the LIME similarity kernel (cosine distance in the binary
#: space, which lies in [0, 1]): the all-off sample keeps weight exp(-1/2) = 0.61, so
#: every sample counts and samples close to the image count most.
DEFAULT_KERNEL_WIDTH = 1.0
