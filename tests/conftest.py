from tests.helpers.pulse import pulse_server, virtual_mic  # noqa: F401
