"""Attribution methods through the same evaluator: gradients, occlusion, and faithfulness scores.

* :mod:`.attribute`: :func:`~.attribute.attribute` (Integrated Gradients, Saliency, Input x Gradient
  with captum, their noise tunnels, and occlusion), per pixel and band;
* :mod:`.gradients`, :mod:`.occlusion`: the two families;
* :mod:`.faithfulness`: deletion and insertion curves and infidelity of any explanation.

May import: :mod:`hsi_lime_plugin.perturbation` (the evaluator, the baseline), models, features,
inputs and the light modules.
"""
