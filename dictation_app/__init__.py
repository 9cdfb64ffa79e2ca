"""Desktop dictation: speak, and the words appear where the cursor is."""

__version__ = "0.1.0"
