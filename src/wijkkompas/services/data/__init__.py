"""Import use cases, the data pages and the demo workspace."""
