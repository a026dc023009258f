"""Use cases over the store, formats and the pure core; each owns its transaction.

The CLI and the HTTP layer call these and nothing below them.
"""
