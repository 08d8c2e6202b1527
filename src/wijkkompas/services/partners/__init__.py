"""Partner and core-team pages and the write use cases behind their forms."""
