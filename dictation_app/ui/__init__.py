"""The Qt window: widgets only, driven by :class:`~dictation_app.controller.DictationController`."""
