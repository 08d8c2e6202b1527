"""Regular means per area: import, analysis against the afwegingskader, page view-models."""
