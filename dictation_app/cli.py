"""The command line: the window by default, and commands for scripts.

``dictation-app``                      start the app (the window), or show the running one
``dictation-app --toggle|--start|--stop``  drive dictation in the running app (for desktop
                                       shortcuts); --start/--toggle start the app if needed
``dictation-app devices``              list microphones
``dictation-app transcribe FILE``      transcribe a WAV file, print the text
``dictation-app models ...``           list, download, import or delete offline models

Only the transcript goes to stdout; progress, logs and errors go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence

from dictation_app import __version__
from dictation_app.core.errors import DictationError

logger = logging.getLogger("dictation_app")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.instance_command and args.handler is not _run_gui:
        parser.error(f"--{args.instance_command} cannot be combined with a command")
    _configure_logging(args.verbose)
    try:
        return int(args.handler(args))
    except DictationError as error:
        _report(error)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dictation-app", description="Dictate into any application."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more to stderr")
    remote = parser.add_mutually_exclusive_group()
    for command, help_text in (
        ("toggle", "start or stop dictating in the running app (starting it if needed)"),
        ("start", "start dictating in the running app (starting it if needed)"),
        ("stop", "stop dictating in the running app"),
    ):
        remote.add_argument(
            f"--{command}", dest="instance_command", action="store_const", const=command, help=help_text
        )
    parser.set_defaults(handler=_run_gui)
    # -v is accepted after a command too; SUPPRESS keeps the top level's count.
    verbosity = argparse.ArgumentParser(add_help=False)
    verbosity.add_argument(
        "-v", "--verbose", action="count", default=argparse.SUPPRESS, help="log more to stderr"
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    devices = commands.add_parser("devices", help="list the microphones", parents=[verbosity])
    devices.set_defaults(handler=_devices)

    transcribe = commands.add_parser(
        "transcribe", help="transcribe a WAV file and print the text on stdout", parents=[verbosity]
    )
    transcribe.add_argument("file", help="a WAV file (any rate, width and channel count)")
    transcribe.add_argument(
        "--provider", default="local", help="speech engine, e.g. local or iflytek-iat"
    )
    transcribe.add_argument("--language", help="language code, e.g. zh_cn or en_us")
    transcribe.add_argument("--endpoint", help="service URL (ws:// or wss://) to use instead")
    transcribe.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a provider option, e.g. vad_eos=3000 (repeatable)",
    )
    pacing = transcribe.add_mutually_exclusive_group()
    pacing.add_argument(
        "--paced", dest="paced", action="store_true", default=None,
        help="send the audio in real time, like live speech (default for cloud services)",
    )
    pacing.add_argument(
        "--unpaced", dest="paced", action="store_false",
        help="send the audio as fast as possible (default for the offline engine)",
    )
    transcribe.set_defaults(handler=_transcribe)

    models = commands.add_parser(
        "models", help="manage the offline engine's speech models", parents=[verbosity]
    )
    models.set_defaults(handler=lambda args: models.print_help() or 2)
    model_commands = models.add_subparsers(metavar="ACTION")
    listing = model_commands.add_parser("list", help="the catalogue, and what is installed")
    listing.set_defaults(handler=_models_list)
    download = model_commands.add_parser("download", help="download and install a model")
    download.add_argument("name", nargs="?", help="a catalogue name (default: the default model)")
    download.add_argument("--mirror", help="base URL of a mirror holding the same archives")
    download.set_defaults(handler=_models_download)
    importing = model_commands.add_parser("import", help="install a model from an archive file")
    importing.add_argument("archive", help="a .tar.bz2/.tar.gz model archive")
    importing.add_argument("--name", help="the catalogue model it is (found by its checksum if not given)")
    importing.set_defaults(handler=_models_import)
    delete = model_commands.add_parser("delete", help="remove an installed model")
    delete.add_argument("name")
    delete.set_defaults(handler=_models_delete)
    return parser


def _configure_logging(verbosity: int) -> None:
    level = logging.WARNING - 10 * min(verbosity, 2)
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )


def _report(error: DictationError) -> None:
    print(f"error: {error.message}", file=sys.stderr)
    if error.hint:
        print(f"  {error.hint}", file=sys.stderr)


def _run_gui(args: argparse.Namespace) -> int:
    """Hand the command to the running instance if there is one (a plain
    launch asks it to show its window), else start the app."""
    from dictation_app.desktop.single_instance import InstanceCommand, send_to_running

    command = InstanceCommand(args.instance_command or "show")
    if send_to_running(command.args):
        return 0
    if command is InstanceCommand.STOP:
        print("dictation-app is not running; there is nothing to stop.", file=sys.stderr)
        return 0
    from dictation_app.ui.app import run_app

    if command is InstanceCommand.SHOW:
        return run_app()
    return run_app(start_dictation=True)


def _devices(args: argparse.Namespace) -> int:
    from dictation_app.audio.devices import list_input_devices

    devices = list_input_devices(refresh=True)
    if not devices:
        print("No microphones found.", file=sys.stderr)
        return 1
    for device in devices:
        marker = "*" if device.is_default else " "
        print(f"{marker} {device.id}\t{device.max_input_channels} ch, {device.default_samplerate:.0f} Hz")
    return 0


def parse_options(pairs: Sequence[str]) -> dict[str, object]:
    """``KEY=VALUE`` pairs to a dict; values that read as JSON (numbers,
    true/false) become those, anything else stays a string."""
    options: dict[str, object] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise DictationError(f"The option {pair!r} is not KEY=VALUE.", "Write e.g. --option vad_eos=3000.")
        try:
            options[key] = json.loads(raw)
        except ValueError:
            options[key] = raw
    return options


def _transcribe(args: argparse.Namespace) -> int:
    from dictation_app.audio.wav_source import WavFileSource
    from dictation_app.desktop.credentials import load_credentials
    from dictation_app.providers import registry
    from dictation_app.providers.base import ProviderOptions
    from dictation_app.session import DictationSession

    info = registry.get(args.provider)
    options = ProviderOptions(
        language=args.language or info.default_language,
        endpoint=args.endpoint,
        extra=parse_options(args.option),
    )
    provider = info.create(options, load_credentials(info))
    paced = info.needs_network if args.paced is None else args.paced
    source = WavFileSource(args.file, paced=paced)
    session = DictationSession(provider, source)
    transcript = asyncio.run(session.run())
    text = transcript.text
    if text:
        print(text)
    if session.error is not None:
        _report(session.error)
        if text:
            print("  The text received before the failure is printed above.", file=sys.stderr)
        return 1
    return 0


def _models_list(args: argparse.Namespace) -> int:
    from dictation_app.models.catalogue import CATALOGUE, DEFAULT_MODEL
    from dictation_app.models.store import ModelStore

    store = ModelStore()
    names = {spec.name for spec in CATALOGUE}
    for spec in CATALOGUE:
        state = "installed" if store.is_installed(spec.name) else f"{spec.size_bytes / 1e6:.0f} MB download"
        default = " (default)" if spec.name == DEFAULT_MODEL else ""
        print(f"{spec.name}\t{spec.title}{default}\t{state}")
    for model in store.installed_models():
        if model.name not in names:
            print(f"{model.name}\timported\tinstalled")
    return 0


def _models_download(args: argparse.Namespace) -> int:
    from dictation_app.models.catalogue import DEFAULT_MODEL, get_spec
    from dictation_app.models.download import DownloadProgress, download_model
    from dictation_app.models.store import ModelStore

    spec = get_spec(args.name or DEFAULT_MODEL)

    def show(progress: DownloadProgress) -> None:
        done = progress.done_bytes / 1e6
        total = f"/{progress.total_bytes / 1e6:.0f}" if progress.total_bytes else ""
        left = f", {progress.seconds_left:.0f} s left" if progress.seconds_left is not None else ""
        print(
            f"\r{spec.name}: {done:.1f}{total} MB at {progress.bytes_per_second / 1e6:.1f} MB/s{left}   ",
            end="", file=sys.stderr, flush=True,
        )

    path = asyncio.run(download_model(spec, store=ModelStore(), base_url=args.mirror, progress=show))
    print(file=sys.stderr)
    print(path)
    return 0


def _models_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from dictation_app.models.download import import_model_archive
    from dictation_app.models.store import ModelStore

    print(asyncio.run(import_model_archive(Path(args.archive), args.name, ModelStore())))
    return 0


def _models_delete(args: argparse.Namespace) -> int:
    from dictation_app.models.store import ModelStore

    ModelStore().delete(args.name)
    return 0
