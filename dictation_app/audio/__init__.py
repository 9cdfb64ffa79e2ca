"""Audio sources: microphone capture, WAV files, device lists and resampling.

Every source yields 40 ms frames of 16 kHz mono PCM (``dictation_app.core.frames``).
This package never imports Qt, and imports ``sounddevice`` only when a device is used.
"""
