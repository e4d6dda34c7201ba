"""Models: load a model file with its card and call it as ``batch -> (batch, targets)``.

* :mod:`.card`: the model card (task, targets, input layout, scaling, size, wavelengths), validated;
* :mod:`.formats`: reading model files (TorchScript, ONNX, Python recipes; pickles refused);
* :mod:`.scikit`: scikit-learn models saved with skops (trusted types; the card from the estimator);
* :mod:`.layouts`: how a model that takes spectra (``pixels``, ``mean_spectrum``) answers for images;
* :mod:`.explainable`: :class:`~.explainable.ExplainableModel` (the card's preprocessing split around
  the perturbation);
* :mod:`.loading`: :func:`~.loading.load_model`, a model file with its card (sidecar, embedded or
  defaults), device and layout;
* :mod:`.resampling`: a raster of one sensor read as the bands the model was trained on;
* :mod:`.device`, :mod:`.targets`, :mod:`.preparation`: the device and batch size, which outputs to
  explain, and the inputs every method prepares the same way.

May import: the light modules. Neither :mod:`hsi_lime_plugin.inputs` nor features (a model knows
wavelengths, not files), nor anything above.
"""
