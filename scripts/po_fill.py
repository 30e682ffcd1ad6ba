"""Fill translations into a catalogue from a JSON object {msgid: msgstr}.

A plural entry takes a list of the Russian forms (one, few, many). Used while developing: write the
Russian texts for the new strings into a JSON file and run
    .venv/bin/python scripts/po_fill.py plans/locale/ru/LC_MESSAGES/django.po /tmp/plans-ru.json
"""

import json
import sys

import polib


def main(po_path, json_path):
    with open(json_path, encoding="utf-8") as source:
        translations = json.load(source)
    catalogue = polib.pofile(po_path)
    nplurals = int(catalogue.metadata.get("Plural-Forms", "nplurals=3").split("nplurals=")[1].split(";")[0])
    filled = 0
    for entry in catalogue:
        if entry.msgid not in translations:
            continue
        value = translations[entry.msgid]
        if entry.msgid_plural:
            # Russian catalogues have four forms (the fourth for fractions, worded as "many").
            forms = list(value) + [value[-1]] * (nplurals - len(value))
            entry.msgstr_plural = dict(enumerate(forms))
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        filled += 1
    catalogue.save()
    missing = [e.msgid for e in catalogue if not e.obsolete and not (e.msgstr or any(e.msgstr_plural.values()))]
    print(f"{filled} filled, {len(missing)} still untranslated in {po_path}")
    for msgid in missing:
        print("  ", repr(msgid))


if __name__ == "__main__":
    main(*sys.argv[1:3])
