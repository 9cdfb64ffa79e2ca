"""Protocol-faithful fake servers for the cloud speech services, written from the vendors' docs.

Nothing in this package may import ``dictation_app``: a fake that shares code with the
client under test proves nothing (DESIGN.md, "Testing against the services without the
internet").
"""
