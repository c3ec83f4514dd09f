"""The determinant-based mutual information (DMI) and its loss L_DMI.

The estimators, L_DMI with its gradient and Eq. 32's gap (:mod:`label_noise_lab.simulate.dmi.estimators`), and the same
over finite
populations, with samplers and the data of the figures (:mod:`~label_noise_lab.simulate.dmi.populations`). Nothing is
re-exported
here: every import names the module that defines the thing.
"""
