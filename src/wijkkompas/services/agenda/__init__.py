"""Investeringsagenda use cases (versions, optimise, scenarios) and its pages, forms and flow."""
