"""Vendor dialects: each package here reproduces one vendor's Clients API on the shared store.

``base.Dialect`` is the contract, ``registry.DIALECTS`` the list the gateway mounts.
"""
