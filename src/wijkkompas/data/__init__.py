"""Indicator catalogue, observations and importers."""
