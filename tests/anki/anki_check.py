"""Anki's own backend (the `anki` package) checking what fiches writes and
writing packages for fiches to read. Prints one JSON document on stdout.

    anki_check.py import PACKAGE_OR_TEXT [--scheduling] [--again OTHER]
    anki_check.py write DIR     (DIR/legacy.apkg, DIR/latest.apkg, DIR/anki2.apkg, DIR/notes.txt)
    anki_check.py reexport PACKAGE DIR   (imported into a fresh collection, exported again:
                                          DIR/latest.apkg, DIR/legacy.apkg, DIR/notes.txt)
"""

import json
import os
import sys
import tempfile
import zipfile

from anki.collection import (
    Collection,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
    ImportCsvRequest,
)


def import_file(col, path, scheduling):
    if path.endswith(".apkg"):
        request = ImportAnkiPackageRequest(
            package_path=path,
            options=ImportAnkiPackageOptions(
                with_scheduling=scheduling, merge_notetypes=True, update_notes=0
            ),
        )
        log = col.import_anki_package(request).log
    else:
        metadata = col.get_csv_metadata(path, None)
        log = col.import_csv(ImportCsvRequest(path=path, metadata=metadata)).log
    return {
        "new": len(log.new),
        "updated": len(log.updated),
        "duplicate": len(log.duplicate),
        "conflicting": len(log.conflicting),
        "missing_notetype": len(log.missing_notetype),
        "missing_deck": len(log.missing_deck),
        "empty_first_field": len(log.empty_first_field),
    }


def describe(col):
    today = col.sched.today
    notes = {}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        cards = []
        for card in note.cards():
            cards.append(
                {
                    "ord": card.ord,
                    "deck": col.decks.name(card.did),
                    "type": card.type,
                    "queue": card.queue,
                    "due_in_days": card.due - today if card.queue == 2 else None,
                    "interval": card.ivl,
                    "factor": card.factor,
                    "reps": card.reps,
                    "lapses": card.lapses,
                    "revlog": col.db.scalar("select count() from revlog where cid = ?", card.id),
                }
            )
        notes[note.guid] = {
            "notetype": note.note_type()["name"],
            "fields": list(note.fields),
            "tags": list(note.tags),
            "cards": cards,
        }
    return {
        "note_count": col.note_count(),
        "card_count": col.card_count(),
        "revlog_count": col.db.scalar("select count() from revlog"),
        "decks": sorted(d.name for d in col.decks.all_names_and_ids() if d.name != "Default"),
        "notes": notes,
    }


def command_import(args):
    scheduling = "--scheduling" in args
    path = args[0]
    again = args[args.index("--again") + 1] if "--again" in args else None
    with tempfile.TemporaryDirectory() as d:
        col = Collection(os.path.join(d, "collection.anki2"))
        out = {"first": import_file(col, path, scheduling)}
        out["after_first"] = describe(col)
        if again:
            out["second"] = import_file(col, again, scheduling)
            out["after_second"] = describe(col)
        col.close()
    return out


def command_write(args):
    out_dir = args[0]
    with tempfile.TemporaryDirectory() as d:
        col = Collection(os.path.join(d, "collection.anki2"))
        deck = col.decks.id("Cours::Chapitre 1")
        basic = col.new_note(col.models.by_name("Basic"))
        basic["Front"] = "Qui &amp; <b>quoi</b>&nbsp;?"
        basic["Back"] = 'Première ligne<br>deuxième<ul><li>un</li><li>deux</li></ul><img src="schema.png">'
        basic.tags = ["sac", "chapitre-1"]
        col.add_note(basic, deck)
        cloze = col.new_note(col.models.by_name("Cloze"))
        cloze["Text"] = "La {{c1::satisfaction}} du client est {{c2::primordiale::adjectif}}."
        cloze["Back Extra"] = "[sound:explication.mp3]"
        cloze.tags = ["cloze"]
        col.add_note(cloze, deck)
        reversed_note = col.new_note(col.models.by_name("Basic (and reversed card)"))
        reversed_note["Front"] = "SAC"
        reversed_note["Back"] = "Service à la clientèle"
        col.add_note(reversed_note, deck)
        with open(os.path.join(col.media.dir(), "schema.png"), "wb") as f:
            f.write(b"\x89PNG not really")
        with open(os.path.join(col.media.dir(), "explication.mp3"), "wb") as f:
            f.write(b"ID3 not really")
        # A review, so that packages with scheduling carry a log.
        card = basic.cards()[0]
        card.start_timer()
        col.sched.answerCard(card, 3)
        for legacy, name in ((True, "legacy.apkg"), (False, "latest.apkg")):
            col.export_anki_package(
                out_path=os.path.join(out_dir, name),
                options=ExportAnkiPackageOptions(
                    with_scheduling=True, with_deck_configs=False, with_media=True, legacy=legacy
                ),
                limit=None,
            )
        col.export_note_csv(
            out_path=os.path.join(out_dir, "notes.txt"),
            limit=None,
            with_html=True,
            with_tags=True,
            with_deck=True,
            with_notetype=True,
            with_guid=True,
        )
        col.close()
    # The oldest layout: the legacy collection alone, named collection.anki2.
    with zipfile.ZipFile(os.path.join(out_dir, "legacy.apkg")) as z:
        collection = z.read("collection.anki21")
        media = z.read("media")
    with zipfile.ZipFile(os.path.join(out_dir, "anki2.apkg"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("collection.anki2", collection)
        z.writestr("media", media)
    return {"written": sorted(os.listdir(out_dir))}


def command_reexport(args):
    package, out_dir = args[0], args[1]
    with tempfile.TemporaryDirectory() as d:
        col = Collection(os.path.join(d, "collection.anki2"))
        imported = import_file(col, package, True)
        for legacy, name in ((True, "legacy.apkg"), (False, "latest.apkg")):
            col.export_anki_package(
                out_path=os.path.join(out_dir, name),
                options=ExportAnkiPackageOptions(
                    with_scheduling=True, with_deck_configs=False, with_media=True, legacy=legacy
                ),
                limit=None,
            )
        col.export_note_csv(
            out_path=os.path.join(out_dir, "notes.txt"),
            limit=None,
            with_html=True,
            with_tags=True,
            with_deck=True,
            with_notetype=True,
            with_guid=True,
        )
        col.close()
    return {"imported": imported, "written": sorted(os.listdir(out_dir))}


def main():
    command, args = sys.argv[1], sys.argv[2:]
    commands = {"import": command_import, "write": command_write, "reexport": command_reexport}
    result = commands[command](args)
    json.dump(result, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
