"""One module per speech service or local engine, behind one interface.

Each module is a sans-I/O protocol class plus a thin transport; modules are
imported lazily through :mod:`dictation_app.providers.registry`.
"""
