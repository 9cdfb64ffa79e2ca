"""The offline model choice: importing an archive installs and selects it."""

from __future__ import annotations

from dictation_app.models.store import ModelStore
from dictation_app.ui.model_picker import ModelPicker
from tests.helpers.tiny_model import build_tiny_model, make_archive


async def test_an_imported_archive_is_installed_and_chosen(qtbot, tmp_path):
    archive = make_archive(build_tiny_model(tmp_path / "model"), tmp_path / "tiny-test.tar.bz2", "tiny-test")
    picker = ModelPicker(ModelStore(tmp_path / "models"))
    qtbot.addWidget(picker)
    assert picker.value() is None and picker.status.text().startswith("Not installed yet")
    assert not picker.download_button.isHidden()

    await picker.import_archive(archive)

    assert picker.value() == "tiny-test"
    assert picker.status.text().startswith("Installed in")
    assert picker.download_button.isHidden() and picker.input.isEnabled()


async def test_a_bad_archive_is_reported_in_the_status(qtbot, tmp_path):
    bad = tmp_path / "broken.tar.bz2"
    bad.write_bytes(b"not an archive")
    picker = ModelPicker(ModelStore(tmp_path / "models"))
    qtbot.addWidget(picker)
    await picker.import_archive(bad)
    assert picker.value() is None
    assert "Not installed" not in picker.status.text() and picker.status.text()
