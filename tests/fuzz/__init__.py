"""The wire fuzzer: hostile clients against a live ``samsa broker start`` process.

``wire_fuzz`` is the engine (``run_fuzz``); ``test_wire_fuzz`` runs it briefly in CI and
``bench/wire_fuzz.py`` for a million frames or more.
"""
