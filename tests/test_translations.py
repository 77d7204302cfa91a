"""The Chinese catalogue is complete and compiled.

Complete: every string the project marks for translation (found by running
makemessages over a copy of the code) has a translation in
locale/zh_Hans/LC_MESSAGES/django.po that is neither empty nor fuzzy.
Compiled: the committed django.mo holds exactly what the .po says.
Both need GNU gettext (Debian's `gettext`; .ci/run installs it).
"""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
# The code whose strings are translated: tests and the benchmark are not shown.
SOURCES = ["config", "crm"]
TOOLS = ["xgettext", "msgmerge", "msgen", "msgfmt"]

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in TOOLS),
    reason="the catalogue checks need GNU gettext: apt-get install gettext",
)


def compiled(po, mo):
    """The catalogue msgfmt makes of `po` (fuzzy and empty entries left out)."""
    subprocess.run(["msgfmt", "--check-format", "-o", mo, po], check=True)
    with open(mo, "rb") as file:
        return gettext.GNUTranslations(file)._catalog


def readable(key):
    """A catalogue key as the .po writes it: msgid, with its context and plural."""
    msgid = key[0] if isinstance(key, tuple) else key
    context, _, msgid = msgid.rpartition("\x04")
    return f"msgctxt {context!r} msgid {msgid!r}" if context else f"msgid {msgid!r}"


def test_every_string_of_the_project_has_a_chinese_translation(tmp_path, monkeypatch):
    for source in SOURCES:
        shutil.copytree(
            ROOT / source,
            tmp_path / source,
            ignore=shutil.ignore_patterns("__pycache__", "migrations"),
        )
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=["zh_Hans"], verbosity=0)
    extracted = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    # msgen fills every entry with its own msgid: the catalogue of every key.
    subprocess.run(["msgen", "-o", tmp_path / "all.po", extracted], check=True)
    wanted = compiled(tmp_path / "all.po", tmp_path / "all.mo")
    translated = compiled(CATALOGUE / "django.po", tmp_path / "translated.mo")

    missing = sorted(readable(key) for key in wanted.keys() - translated.keys())
    assert not missing, (
        "Untranslated or fuzzy in locale/zh_Hans/LC_MESSAGES/django.po (run "
        "makemessages as its header says, translate, compilemessages):\n"
        + "\n".join(missing)
    )


def test_the_committed_mo_file_is_compiled_from_the_po_file(tmp_path):
    with open(CATALOGUE / "django.mo", "rb") as file:
        committed = gettext.GNUTranslations(file)._catalog

    fresh = compiled(CATALOGUE / "django.po", tmp_path / "fresh.mo")

    stale = sorted(
        readable(key)
        for key in committed.keys() | fresh.keys()
        if committed.get(key) != fresh.get(key)
    )
    assert not stale, (
        "django.mo differs from django.po: run `manage.py compilemessages`:\n"
        + "\n".join(stale)
    )
