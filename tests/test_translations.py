"""The plugin speaks the user's language: i18n/hsi_lime_<lang>.qm is loaded for the QGIS locale."""
import pytest
from helpers import NO_QGIS

pytest.importorskip("qgis.core", reason=NO_QGIS)
from qgis.PyQt.QtCore import QCoreApplication, QSettings  # noqa: E402

from helpers import REPO_ROOT, import_plugin_package  # noqa: E402


@pytest.fixture()
def german_locale():
    settings = QSettings()
    previous = settings.value("locale/userLocale")
    settings.setValue("locale/userLocale", "de_DE")
    yield
    settings.setValue("locale/userLocale", previous or "en_US")


def test_german_translation_is_installed_and_removed(german_locale):
    if not (REPO_ROOT / "i18n" / "hsi_lime_de.qm").is_file():
        pytest.fail("i18n/hsi_lime_de.qm is missing: `make translations` compiles it (make test does)")
    plugin = import_plugin_package().classFactory(None)
    try:
        assert QCoreApplication.translate("HsiLimeProvider", "Hyperspectral explanations") == "Hyperspektrale Erklärungen"
        assert QCoreApplication.translate("ParameterHelpers", "Number of samples (0 = automatic)") == (
            "Anzahl der Stichproben (0 = automatisch)"
        )
        assert QCoreApplication.translate("ExplainSpatial", "Explain spatial importance") == "Räumliche Bedeutung erklären"
        assert QCoreApplication.translate("InstallDependencies", "Install or update Python dependencies") == (
            "Python-Abhängigkeiten installieren oder aktualisieren"
        )
        assert QCoreApplication.translate("HsiLimePlugin", "Install dependencies...") == "Abhängigkeiten installieren..."
    finally:
        plugin.unload()
    assert QCoreApplication.translate("HsiLimeProvider", "Hyperspectral explanations") == "Hyperspectral explanations"


def test_every_string_of_the_german_translation_is_finished():
    text = (REPO_ROOT / "i18n" / "hsi_lime_de.ts").read_text(encoding="utf-8")
    assert text.count("<message>") >= 190
    assert 'type="unfinished"' not in text


# --- every string of the code is in every translation, finished, with its placeholders --------------------
import ast  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import xml.etree.ElementTree as ElementTree  # noqa: E402

TRANSLATIONS = ("hsi_lime_de.ts", "hsi_lime_pl.ts")
#: What `make update-translations` reads.
SOURCES = sorted((REPO_ROOT / "processing_algorithms").glob("*.py")) + sorted((REPO_ROOT / "gui").glob("*.py")) + [
    REPO_ROOT / "plugin.py", REPO_ROOT / "__init__.py"]
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def ts_messages(path) -> dict:
    """(context, source) -> (translation, finished) of a .ts file."""
    messages = {}
    for context in ElementTree.parse(path).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            finished = translation.get("type") not in ("unfinished", "obsolete", "vanished")
            messages[(name, message.findtext("source"))] = (translation.text or "", finished)
    return messages


#: The base class of every algorithm and the mixins it is made of: their tr() calls pass CONTEXT.
SHARED_CLASSES = ("HsiLimeAlgorithm", "ParameterHelpers", "ParameterChecks", "HelpText")


def code_strings() -> set:
    """(context, source) of every literal the code translates, read with ast as pylupdate5 reads it:
    ``self.tr("...")`` in class C -> C (the shared base and its mixins pass their own class name as
    CONTEXT, so that subclasses find the translation under it at run time),
    ``QCoreApplication.translate("C", "...")`` and ``QT_TRANSLATE_NOOP("C", "...")`` -> C."""
    found = set()
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for cls in [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)] + [tree]:
            for call in ast.walk(cls):
                if not isinstance(call, ast.Call):
                    continue
                function = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
                literals = [arg.value for arg in call.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
                if function == "tr" and isinstance(cls, ast.ClassDef) and call.args:
                    if not literals:
                        continue  # self.tr(self.title): the literal is marked with QT_TRANSLATE_NOOP
                    explicit = len(call.args) > 1 and getattr(call.args[1], "id", "") == "CONTEXT"
                    if cls.name in SHARED_CLASSES:
                        assert explicit, f"{path.name}: base-class tr({literals[0]!r}) needs CONTEXT (subclasses inherit it)"
                    found.add((cls.name, literals[0]))
                elif function in ("translate", "QT_TRANSLATE_NOOP") and len(literals) == 2:
                    found.add((literals[0], literals[1]))
    return found


@pytest.mark.parametrize("name", TRANSLATIONS)
def test_every_translated_string_of_the_code_is_in_the_translation_and_finished(name):
    messages = ts_messages(REPO_ROOT / "i18n" / name)
    strings = code_strings()
    assert len(strings) >= 190
    missing = sorted(strings - set(messages))
    assert not missing, f"{name} lacks {len(missing)} strings (run `make update-translations`): {missing[:5]}"
    unfinished = [source for source, (text, finished) in messages.items() if not finished or not text.strip()]
    assert not unfinished, f"{name}: {len(unfinished)} unfinished: {unfinished[:5]}"
    for (context, source), (text, _) in messages.items():
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(text)), (name, source, text)


@pytest.mark.skipif(shutil.which("pylupdate5") is None, reason="pylupdate5 is missing (apt-get install pyqt5-dev-tools)")
def test_pylupdate5_finds_nothing_the_translations_lack(tmp_path):
    """The Makefile's extraction, into an empty .ts: the same (context, source) pairs as each translation."""
    fresh = tmp_path / "fresh.ts"
    completed = subprocess.run(
        ["pylupdate5", "-noobsolete", *[str(path) for path in SOURCES], "-ts", str(fresh)],
        capture_output=True, text=True,
    )
    assert completed.returncode == 0, completed.stderr
    extracted = set(ts_messages(fresh))
    assert extracted == code_strings()
    for name in TRANSLATIONS:
        assert extracted == set(ts_messages(REPO_ROOT / "i18n" / name)), name


@pytest.mark.qgis_process
def test_qgis_in_polish_shows_polish_names_descriptions_and_help(qgis_process):
    """qgis_process with the QGIS locale set to pl (the profile's [locale]) speaks Polish."""
    from helpers.qgis import QGIS_PROCESS

    if not (REPO_ROOT / "i18n" / "hsi_lime_pl.qm").is_file():
        pytest.fail("i18n/hsi_lime_pl.qm is missing: `make translations` compiles it (make test does)")
    profile = qgis_process.folder / "profile_pl"
    settings = profile / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    settings.parent.mkdir(parents=True)
    settings.write_text("[locale]\noverrideFlag=true\nuserLocale=pl\n\n[PythonPlugins]\nhsi_lime=true\n", encoding="utf-8")
    env = dict(qgis_process.env, QGIS_CUSTOM_CONFIG_PATH=str(profile))
    listed = subprocess.run([QGIS_PROCESS, "list"], env=env, capture_output=True, text=True)
    assert "Wyjaśnienia hiperspektralne" in listed.stdout, listed.stdout[-2000:] + listed.stderr[-2000:]
    assert "hsilime:explain_spatial\tWyjaśnij ważność przestrzenną" in listed.stdout
    assert "hsilime:explain_spectral\tWyjaśnij ważność spektralną" in listed.stdout
    shown = subprocess.run([QGIS_PROCESS, "help", "hsilime:explain_spatial"], env=env, capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout
    assert "Wyjaśnij ważność przestrzenną (hsilime:explain_spatial)" in text
    assert "Wyjaśnia predykcję modelu hiperspektralnego, wyłączając obszary obrazu" in text  # summary
    assert "N_SAMPLES: Liczba próbek (0 = automatycznie)" in text  # parameter description
    assert "To samo ziarno daje te same próbki i te same atrybucje." in text  # parameter help
    assert "- 1: Superpiksele SLIC" in text  # enum option
    assert "Więcej: https://hsi-lime.github.io/hsi-lime/reference/explain_spatial/" in text
