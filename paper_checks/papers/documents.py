"""The source documents the catalogue's claims quote, each declared once.

A claim's ``source`` names the file (``f"{LI_NOTES.file}, sec. 2"``); the report shows it as
``[tag]`` and lists the documents at the end of its bibliography.
"""
from paper_checks.api import document

LE19_SUMMARY = document('000_e9c4999fd4131b1d.txt', tag='Le & Odobez 2019', description=(
                 'Le & Odobez, “Theoretical Guarantees of Deep Embedding Losses Under Label Noise”, arXiv:1812.02676 '
                 '(title, abstract and key findings only)'))
XU22_ABSTRACT = document('001_bd6638b6d74258e0.txt', tag='Xu et al. 2022', description=(
                 'Xu et al., “Mathematical Justification of Hard Negative Mining via Isometric Approximation Theorem”,'
                 ' arXiv:2210.11173 (abstract only)'))
PATRINI17_TEXT = document('002_72071653b2462005.txt', tag='Patrini et al. 2017', description=(
                 'Patrini et al., “Making Deep Neural Networks Robust to Label Noise: a Loss Correction Approach”, '
                 'CVPR 2017 (full text)'))
LI_NOTES = document('003_05482f4d520d534e.txt', tag='S. Li, Robust Losses', description=(
                 'S. Li, “Robust Losses”, study notes summarising Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al.'
                 ' (IMAE), Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI) (full text)'))
ZHANG18_TEXT = document('004_bedc5f2f9c2d4575.txt', tag='Zhang & Sabuncu 2018', description=(
                 'Zhang & Sabuncu, “Generalized Cross Entropy Loss for Training Deep Neural Networks with Noisy '
                 'Labels”, NeurIPS 2018 (main text)'))
