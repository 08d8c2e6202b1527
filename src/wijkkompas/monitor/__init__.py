"""Monitoring: targets, progress and forecasts, the gap between areas, register vs survey,
boundary harmonisation and pilots with comparison areas.

Every module here is a set of pure functions over pandas/numpy objects; nothing touches the
database (that is :mod:`wijkkompas.services.monitor.usecases` and :mod:`wijkkompas.monitor.store`).
Importing this package is cheap: the modules are imported where they are used.
"""
