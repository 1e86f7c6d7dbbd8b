//! Anki's collection as we write it, in the legacy schema (version 11) that
//! every Anki still imports: our notes laid out as its rows (ids, note
//! types, cards per cloze, due days, the review log, the JSON of `col`).
//! The SQL that writes the rows is `store::anki`'s.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::export::stable_hash;
use super::{Note, NoteKind, anki_button};
pub use crate::store::anki::CollectionError;
use crate::store::anki::{
    self as rows, LegacyCard, LegacyCol, LegacyCollection, LegacyNote, LegacyReview,
};

/// Our two note types, with ids of their own so that importing again finds
/// them instead of adding copies.
pub const BASIC_NOTETYPE_ID: i64 = 1_700_000_000_101;
pub const CLOZE_NOTETYPE_ID: i64 = 1_700_000_000_102;
pub const BASIC_NOTETYPE_NAME: &str = "Basic (fiches)";
pub const CLOZE_NOTETYPE_NAME: &str = "Cloze (fiches)";

/// An id in the range Anki uses (milliseconds), derived from `parts`.
fn derived_id(parts: &[&str]) -> i64 {
    // Between 2001 and 2286 in milliseconds: never 1 (the default deck).
    1_000_000_000_000 + i64::try_from(stable_hash(parts) % 9_000_000_000_000).unwrap_or(0)
}

/// The cloze numbers a cloze text uses, in order (`{{c2::…}}` is 2).
pub fn cloze_numbers(text: &str) -> Vec<u32> {
    let mut numbers = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("{{c") {
        rest = &rest[at + 3..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if rest[digits.len()..].starts_with("::")
            && let Ok(n) = digits.parse::<u32>()
            && n > 0
            && !numbers.contains(&n)
        {
            numbers.push(n);
        }
    }
    numbers.sort_unstable();
    numbers
}

/// Writes `notes` as a new legacy collection at `path` (which must not
/// exist). `today` is the day due days count from, `now_ms` the time of
/// the export.
pub fn write_legacy(
    path: &Path,
    notes: &[Note],
    today: NaiveDate,
    now_ms: i64,
) -> Result<(), CollectionError> {
    rows::write_legacy(path, &layout(notes, today, now_ms))
}

/// The rows of a collection holding `notes`.
pub fn layout(notes: &[Note], today: NaiveDate, now_ms: i64) -> LegacyCollection {
    let now_s = now_ms / 1000;
    // The collection was "created" at the start of today, so a due day is
    // its distance from today.
    let crt = today
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp())
        .unwrap_or(now_s);

    let mut decks: BTreeMap<String, i64> = BTreeMap::new();
    for note in notes {
        let id = derived_id(&["deck", &note.deck]);
        decks.entry(note.deck.clone()).or_insert(id);
    }
    let mut out = LegacyCollection::default();
    let mut used_ids = std::collections::HashSet::new();
    let mut used_review_ids = std::collections::HashSet::new();
    for (position, note) in notes.iter().enumerate() {
        // Ids are creation times in Anki, and its notes are read in
        // their order: the deck's order, ending at the export. Anki
        // finds a note again by its GUID, never by its id.
        let mut note_id = now_ms - i64::try_from(notes.len() - position).unwrap_or(0);
        while !used_ids.insert(note_id) {
            note_id += 1;
        }
        let (mid, ords) = match note.kind {
            NoteKind::Basic => (BASIC_NOTETYPE_ID, vec![0]),
            NoteKind::Cloze => {
                let text = note.fields.first().map(String::as_str).unwrap_or("");
                let ords: Vec<u32> = cloze_numbers(text).iter().map(|n| n - 1).collect();
                (
                    CLOZE_NOTETYPE_ID,
                    if ords.is_empty() { vec![0] } else { ords },
                )
            }
        };
        let tags = if note.tags.is_empty() {
            String::new()
        } else {
            format!(" {} ", note.tags.join(" "))
        };
        let first = note.fields.first().map(String::as_str).unwrap_or("");
        out.notes.push(LegacyNote {
            id: note_id,
            guid: note.guid.clone(),
            mid,
            mod_s: now_s,
            tags,
            flds: note.fields.join("\u{1f}"),
            sfld: super::html::to_text(first),
        });
        let deck_id = decks.get(&note.deck).copied().unwrap_or(1);
        for (index, ord) in ords.iter().enumerate() {
            // Far from every note id: a billion notes apart.
            let mut card_id = note_id + i64::from(*ord) * 1_000_000_000;
            while *ord > 0 && !used_ids.insert(card_id) {
                card_id += 1;
            }
            let new_position = i64::try_from(position + 1).unwrap_or(i64::MAX);
            let scheduled = note.schedule.as_ref().filter(|s| s.due.is_some());
            let (kind, due, ivl, factor, reps, lapses) = match scheduled {
                Some(s) => (
                    2,
                    s.due.map_or(0, |d| (d - today).num_days()),
                    i64::from(s.interval.max(1)),
                    i64::from(s.ease) * 10,
                    i64::from(s.reps),
                    i64::from(s.lapses),
                ),
                None => (0, new_position, 0, 0, 0, 0),
            };
            out.cards.push(LegacyCard {
                id: card_id,
                nid: note_id,
                did: deck_id,
                ord: *ord,
                mod_s: now_s,
                kind,
                due,
                ivl,
                factor,
                reps,
                lapses,
            });
            // A fiches card is one card: its log goes with the first Anki card.
            if index > 0 {
                continue;
            }
            for review in note.schedule.iter().flat_map(|s| &s.reviews) {
                let mut review_id = review.at_ms;
                while !used_review_ids.insert(review_id) {
                    review_id += 1;
                }
                out.revlog.push(LegacyReview {
                    id: review_id,
                    cid: card_id,
                    ease: anki_button(review.rating),
                    ivl: review.interval_after,
                    last_ivl: review.interval_before,
                    factor: i64::from(review.ease_after) * 10,
                    time: review.took_ms.clamp(0, 60_000),
                    kind: if review.first { 0 } else { 1 },
                });
            }
        }
    }
    out.col = LegacyCol {
        crt,
        mod_ms: now_ms,
        conf: config(notes.len() + 1).to_string(),
        models: models(now_s).to_string(),
        decks: decks_json(&decks, now_s).to_string(),
        dconf: deck_config().to_string(),
    };
    out
}

fn config(next_position: usize) -> Value {
    json!({
        "nextPos": next_position,
        "schedVer": 2,
        "sched2021": true,
        "activeDecks": [1],
        "curDeck": 1,
        "curModel": BASIC_NOTETYPE_ID,
        "newSpread": 0,
        "collapseTime": 1200,
        "timeLim": 0,
        "estTimes": true,
        "dueCounts": true,
        "sortType": "noteFld",
        "sortBackwards": false,
        "addToCur": true,
        "dayLearnFirst": false,
        "creationOffset": 0,
    })
}

const CSS: &str = ".card { font-family: arial; font-size: 20px; text-align: center; color: black; background-color: white; }\n.cloze { font-weight: bold; color: blue; }\n";

fn field(name: &str, ord: u32) -> Value {
    json!({"name": name, "ord": ord, "sticky": false, "rtl": false, "font": "Arial", "size": 20, "media": []})
}

fn template(name: &str, qfmt: &str, afmt: &str) -> Value {
    json!({"name": name, "ord": 0, "qfmt": qfmt, "afmt": afmt, "bqfmt": "", "bafmt": "", "did": null, "bfont": "", "bsize": 0})
}

fn models(now_s: i64) -> Value {
    let common = |id: i64, name: &str, kind: u8, flds: Vec<Value>, tmpl: Value| {
        json!({
            "id": id, "name": name, "type": kind, "mod": now_s, "usn": -1, "sortf": 0,
            "did": null, "tmpls": [tmpl], "flds": flds, "css": CSS, "tags": [], "vers": [],
            "latexPre": "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n",
            "latexPost": "\\end{document}", "latexsvg": false,
            "req": [[0, "any", [0]]],
        })
    };
    json!({
        BASIC_NOTETYPE_ID.to_string(): common(
            BASIC_NOTETYPE_ID, BASIC_NOTETYPE_NAME, 0,
            vec![field("Front", 0), field("Back", 1)],
            template("Card 1", "{{Front}}", "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}"),
        ),
        CLOZE_NOTETYPE_ID.to_string(): common(
            CLOZE_NOTETYPE_ID, CLOZE_NOTETYPE_NAME, 1,
            vec![field("Text", 0), field("Back Extra", 1)],
            template("Cloze", "{{cloze:Text}}", "{{cloze:Text}}<br>\n{{Back Extra}}"),
        ),
    })
}

fn deck_json(id: i64, name: &str, now_s: i64) -> Value {
    json!({
        "id": id, "name": name, "mod": now_s, "usn": -1, "desc": "", "dyn": 0, "conf": 1,
        "collapsed": false, "browserCollapsed": false, "extendNew": 0, "extendRev": 0,
        "lrnToday": [0, 0], "revToday": [0, 0], "newToday": [0, 0], "timeToday": [0, 0],
    })
}

fn decks_json(decks: &BTreeMap<String, i64>, now_s: i64) -> Value {
    let mut all = serde_json::Map::new();
    all.insert("1".into(), deck_json(1, "Default", 0));
    for (name, id) in decks {
        all.insert(id.to_string(), deck_json(*id, name, now_s));
    }
    Value::Object(all)
}

fn deck_config() -> Value {
    json!({"1": {
        "id": 1, "mod": 0, "name": "Default", "usn": 0, "maxTaken": 60, "autoplay": true,
        "timer": 0, "replayq": true, "dyn": false,
        "new": {"bury": false, "delays": [1.0, 10.0], "initialFactor": 2500, "ints": [1, 4, 0], "order": 1, "perDay": 20},
        "rev": {"bury": false, "ease4": 1.3, "ivlFct": 1.0, "maxIvl": 36500, "perDay": 200, "hardFactor": 1.2},
        "lapse": {"delays": [10.0], "leechAction": 1, "leechFails": 8, "minInt": 1, "mult": 0.0},
    }})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloze_numbers_are_found_once_each() {
        assert_eq!(
            cloze_numbers("{{c2::a}} {{c1::b::h}} {{c2::c}} {{c::x}} {{c0::y}}"),
            vec![1, 2]
        );
    }
}
