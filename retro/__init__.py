"""The retro domain: models, commands, events, rules, views, store and exports.

This package imports neither textual nor websockets; tests/test_layering.py proves it.
"""
