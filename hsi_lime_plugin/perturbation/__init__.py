"""The perturbation core: LIME and Kernel SHAP for every target at once.

sampling -> batched evaluator -> kernel -> surrogate:

* :mod:`.pipeline`: :func:`~.pipeline.explain`, which composes the parts below;
* :mod:`.pixel_maps`: every pixel's superband attributions for a pixel model, one fit per chunk of pixels;
* :mod:`.methods`: LIME and Kernel SHAP (how to draw samples and how to fit them);
* :mod:`.sampling`: binary samples (coalitions) and their weights, drawn at once;
* :mod:`.surrogates`: weighted linear surrogates for all targets in torch;
* :mod:`.evaluator`: the model on perturbed images in fixed-size batches (the hot loop);
* :mod:`.buffers`: the buffer those batches are written into, kept per thread between runs;
* :mod:`.baseline`: what a removed feature becomes;
* :mod:`.result`: :class:`~.result.Explanation`.

May import: :mod:`hsi_lime_plugin.models`, :mod:`hsi_lime_plugin.features` and the light modules.
"""
