"""Pure types and logic: no I/O, no Qt, no threads."""
