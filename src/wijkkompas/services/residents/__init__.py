"""Use cases and pages of resident input (bewoners)."""
