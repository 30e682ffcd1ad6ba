"""Fail when a Russian catalogue has an untranslated or fuzzy entry.

Run by `make messages` and by CI after extracting the strings, so a screen never shows
English to a Russian user because someone forgot a translation.
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def problems():
    for po_path in sorted(ROOT.glob("**/locale/ru/LC_MESSAGES/*.po")):
        if ".venv" in po_path.parts:
            continue
        catalogue = polib.pofile(str(po_path))
        for entry in catalogue:
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                yield f"{po_path.relative_to(ROOT)}: fuzzy: {entry.msgid!r}"
            elif entry.msgid_plural and not all(entry.msgstr_plural.values()):
                yield f"{po_path.relative_to(ROOT)}: untranslated plural: {entry.msgid!r}"
            elif not entry.msgid_plural and not entry.msgstr:
                yield f"{po_path.relative_to(ROOT)}: untranslated: {entry.msgid!r}"


def main():
    found = list(problems())
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} translation problem(s).")
        return 1
    print("All Russian catalogues are complete.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
