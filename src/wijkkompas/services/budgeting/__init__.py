"""Buurtbudget use cases and pages."""
