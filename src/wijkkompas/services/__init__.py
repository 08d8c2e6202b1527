"""Use cases: open the transaction, call the core, return a typed result."""
