"""Monitor use cases (targets, progress, gap, pilots) and their pages, forms and charts."""
