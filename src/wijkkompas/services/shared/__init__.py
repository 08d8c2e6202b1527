"""What every page model shares: the view context (workspace + caches), the formatting of
observations, the result cache and the map figures."""
