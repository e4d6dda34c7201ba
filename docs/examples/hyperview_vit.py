"""A ViT-style HYPERVIEW soil model as an hsi-lime Python recipe.

HYPERVIEW (ESA / KP Labs, 2022) asks for soil P, K, Mg and pH from 150-band hyperspectral
field images (462-938 nm). Vision-transformer solutions to it share one shape, built here:

1. a 1 x 1 convolution reduces the 150 bands to a few learned spectral components;
2. a patch embedding (a 16 x 16 convolution with stride 16) turns the 224 x 224 image
   into 14 x 14 tokens, plus a class token and learned position embeddings;
3. a transformer encoder mixes the tokens;
4. a linear head on the class token predicts P, K, Mg and pH.

The weights are random (seed 0): real weights cannot be downloaded here, and the recipe
is an example of the format, not a soil model. To explain your own trained model, change
``load_model`` to load your state dict (``model.load_state_dict(torch.load(path,
weights_only=True))``).

Use it in QGIS with MODEL = this file and ALLOW_PYTHON_MODEL = true (a recipe is code),
or from Python::

    from hsi_lime_plugin import load_model
    model = load_model("docs/examples/hyperview_vit.py", allow_python=True)

or export it to a TorchScript file with the card embedded, which needs no permission::

    python docs/examples/hyperview_vit.py hyperview_vit.pt

The card (``MODEL_CARD`` below, or a ``hyperview_vit.json`` sidecar, which wins) gives
the usual HYPERVIEW preprocessing: pad the field to a square, divide by 5419, resize to
224 x 224.
"""
from __future__ import annotations

import json
import sys

import torch
from torch import nn

#: HYPERVIEW's 150 band centres: 462.08 to 938.37 nm, evenly spaced (to 0.01 nm).
WAVELENGTHS = [round(462.08 + i * (938.37 - 462.08) / 149, 2) for i in range(150)]

MODEL_CARD = {
    "format": "python",
    "task": "regression",
    "targets": ["P", "K", "Mg", "pH"],
    "input": {
        "bands": 150,
        "wavelengths": WAVELENGTHS,
        "scale": 1 / 5419,
        "offset": 0.0,
        "pad_to_square": True,
        "size": [224, 224],
        "interpolation": "bilinear",
        "spectral_resampling": "linear",
    },
    "output": {"activation": "none"},
    "description": "ViT-style HYPERVIEW soil model with random weights (hsi-lime example recipe).",
}


class HyperviewViT(nn.Module):
    """1 x 1 band reduction, patch embedding, transformer encoder, 4-output head.

    Parameters
    ----------
    bands : int
        Input bands (150 for HYPERVIEW).
    components : int
        Spectral components after the 1 x 1 convolution.
    image_size, patch_size : int
        The square input side and the patch side (224 / 16 = 14 x 14 tokens).
    width, depth, heads : int
        Token width, encoder layers and attention heads.
    outputs : int
        P, K, Mg, pH.
    """

    def __init__(
        self,
        bands: int = 150,
        components: int = 16,
        image_size: int = 224,
        patch_size: int = 16,
        width: int = 192,
        depth: int = 4,
        heads: int = 3,
        outputs: int = 4,
    ):
        super().__init__()
        self.band_reduction = nn.Sequential(nn.Conv2d(bands, components, kernel_size=1), nn.GELU())
        self.patch_embedding = nn.Conv2d(components, width, kernel_size=patch_size, stride=patch_size)
        tokens = (image_size // patch_size) ** 2
        self.class_token = nn.Parameter(torch.zeros(1, 1, width))
        self.position = nn.Parameter(torch.randn(1, tokens + 1, width) * 0.02)
        layer = nn.TransformerEncoderLayer(
            width, heads, dim_feedforward=4 * width, dropout=0.0, activation="gelu", batch_first=True,
            norm_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, outputs)

    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        tokens = self.patch_embedding(self.band_reduction(batch)).flatten(2).transpose(1, 2)  # B, N, width
        tokens = torch.cat([self.class_token.expand(tokens.shape[0], -1, -1), tokens], dim=1) + self.position
        encoded = self.norm(self.encoder(tokens))
        return self.head(encoded[:, 0])


def load_model(device: torch.device) -> nn.Module:
    """The recipe's entry point: the model, on ``device``, in evaluation mode."""
    generator_state = torch.random.get_rng_state()
    torch.manual_seed(0)  # the same random weights on every load
    try:
        model = HyperviewViT()
    finally:
        torch.random.set_rng_state(generator_state)
    return model.to(device).eval()


def export_torchscript(path: str) -> None:
    """Write the model as TorchScript with ``MODEL_CARD`` embedded (no recipe permission needed to load it)."""
    model = load_model(torch.device("cpu"))
    card = dict(MODEL_CARD, format="torchscript")
    with torch.no_grad():
        traced = torch.jit.trace(model, torch.zeros(1, 150, 224, 224))
    torch.jit.save(traced, path, _extra_files={"model_card.json": json.dumps(card)})


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python hyperview_vit.py OUTPUT.pt")
    export_torchscript(sys.argv[1])
    print(f"wrote {sys.argv[1]} (TorchScript, model card embedded)")
