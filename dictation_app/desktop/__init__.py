"""Integration with the operating system: keyring, hotkey, text output."""
