"""The afwegingskader (assessment framework): composite indices per opgave.

Steps follow the OECD/JRC Handbook on Constructing Composite Indicators, in this order:
denominate -> screen -> impute -> treat outliers -> normalise -> weight -> aggregate -> rank/tier.
Each step is a registry of named methods (:mod:`wijkkompas.framework.registry`), pure functions
over labelled pandas frames: rows are ``(year, area_code)``, columns are indicator codes.
"""
