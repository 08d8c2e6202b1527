"""Accounts and the audit trail: local users, API tokens, and the audit page and downloads."""
