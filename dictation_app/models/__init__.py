"""Offline speech models: the catalogue, where installed models live, and
getting them there (download with resume, or import from a file).

Qt-free; blocking file and network I/O runs on worker threads, never on the
event loop. The command line and the settings window are thin layers over:

- :mod:`.catalogue`: ``CATALOGUE``, ``DEFAULT_MODEL``, ``get_spec(name)``
- :mod:`.store`: ``ModelStore`` (``installed_models()``, ``is_installed()``,
  ``model_dir()``, ``delete()``)
- :mod:`.download`: ``download_model(spec, store=...)``,
  ``import_model_archive(path, spec_or_name, store)``
- :mod:`.files`: ``find_model_files(directory)``, what a model folder holds
"""
