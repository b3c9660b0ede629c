"""Collect the app's strings into the .ts files and compile them to the .qm files it ships.

    .venv/bin/python scripts/update_translations.py          # lupdate, then lrelease
    .venv/bin/python scripts/update_translations.py --check  # list untranslated strings

Runs Qt's own tools, which come with PySide6-Essentials: ``lupdate`` over every module
of desktop_chat (``self.tr``/``QCoreApplication.translate`` in the ui,
``QT_TRANSLATE_NOOP`` for the templates built below it, see core/user_message.py) into
``resources/translations/desktop_chat_<lang>.ts``, then ``lrelease`` into
``desktop_chat/resources/translations/desktop_chat_<lang>.qm`` (package data). New strings
arrive as "unfinished": translate them in Qt Linguist (``pyside6-linguist FILE.ts``) or
in the XML, then run this again. tests/test_translations.py fails while any is left.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "resources" / "translations"
COMPILED = ROOT / "desktop_chat" / "resources" / "translations"
LANGUAGES = ("en", "zh_CN")


def qt_tool(name: str) -> Path:
    """lupdate or lrelease as shipped inside the PySide6 package."""
    import PySide6

    return Path(PySide6.__file__).parent / (f"{name}.exe" if sys.platform == "win32" else name)


def code_files() -> list[Path]:
    return sorted((ROOT / "desktop_chat").rglob("*.py"))


def ts_file(language: str, folder: Path = SOURCES) -> Path:
    return folder / f"desktop_chat_{language}.ts"


def update(ts_files: list[Path], *, quiet: bool = False) -> None:
    """Bring ``ts_files`` up to date with the code: new strings in, vanished ones out.

    A string that moved to another class (a context, to Qt) keeps its translation: lupdate
    sees a new string there, which ``carry_over`` fills from the old context's."""
    for ts in ts_files:
        language = ts.stem.removeprefix("desktop_chat_")
        before = finished_translations(ts) if ts.exists() else {}
        subprocess.run(
            [str(qt_tool("lupdate")), *map(str, code_files()), "-no-obsolete",
             "-locations", "none", "-source-language", "en", "-target-language", language,
             "-ts", str(ts)],
            check=True, capture_output=quiet, cwd=ROOT)
        carry_over(ts, before)


def finished_translations(ts: Path) -> dict[tuple[str, bool], ElementTree.Element]:
    """Each source text with one finished translation (a text translated two ways in two
    contexts is left out: which one a moved string should take is for a person to say)."""
    found: dict[tuple[str, bool], list[ElementTree.Element]] = {}
    for message in ElementTree.parse(ts).getroot().iter("message"):
        translation = message.find("translation")
        if translation is None or translation.get("type") in ("unfinished", "vanished"):
            continue
        key = (message.findtext("source", ""), message.get("numerus") == "yes")
        if all(ElementTree.tostring(translation) != ElementTree.tostring(other)
               for other in found.get(key, [])):
            found.setdefault(key, []).append(translation)
    return {key: translations[0] for key, translations in found.items()
            if len(translations) == 1}


def carry_over(ts: Path, before: dict[tuple[str, bool], ElementTree.Element]) -> None:
    """Finish the strings of ``ts`` whose source text had a translation before.

    lupdate's same-text heuristic fills them in but marks them unfinished; the file is
    edited as text, message by message, so that lupdate's own layout stays."""
    def finish(match: re.Match[str]) -> str:
        block = match.group(0)
        message = ElementTree.fromstring(block)
        translation = message.find("translation")
        if translation is None or translation.get("type") != "unfinished":
            return block
        old = before.get((message.findtext("source", ""), message.get("numerus") == "yes"))
        if old is None:
            return block
        kept = ElementTree.tostring(old, encoding="unicode").strip()
        return re.sub(r"<translation[ >].*?</translation>|<translation[^>]*/>", lambda _: kept,
                      block, count=1, flags=re.DOTALL)

    text = ts.read_text(encoding="utf-8")
    carried = re.sub(r"<message[ >].*?</message>", finish, text, flags=re.DOTALL)
    if carried != text:
        ts.write_text(carried, encoding="utf-8")


def release(ts: Path, qm: Path) -> None:
    qm.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(qt_tool("lrelease")), "-silent", str(ts), "-qm", str(qm)],
                   check=True, cwd=ROOT)


def unfinished(ts: Path) -> list[tuple[str, str]]:
    """(context, source) of every string without a finished translation."""
    missing = []
    for context in ElementTree.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            texts = [] if translation is None else [
                form.text or "" for form in translation.iter("numerusform")] or [
                translation.text or ""]
            if translation is None or translation.get("type") in ("unfinished", "vanished") \
                    or not all(text.strip() for text in texts):
                missing.append((name, message.findtext("source", "")))
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only list the strings zh_CN lacks (after updating the .ts)")
    args = parser.parse_args()
    update([ts_file(language) for language in LANGUAGES])
    missing = unfinished(ts_file("zh_CN"))
    for context, source in missing:
        print(f"untranslated [{context}] {source!r}")
    if args.check:
        return 1 if missing else 0
    for language in LANGUAGES:
        release(ts_file(language), COMPILED / f"desktop_chat_{language}.qm")
    print(f"{len(missing)} strings left to translate" if missing else "all translated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
