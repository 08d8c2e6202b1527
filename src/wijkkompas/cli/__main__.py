"""``python -m wijkkompas.cli``: the same as the ``wijkkompas`` command."""

from wijkkompas.cli import app

app()
