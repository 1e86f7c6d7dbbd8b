//! Anki's collection: an SQLite file, written in the legacy schema (version
//! 11) that every Anki still imports, and read in that schema or the current
//! one. It is a foreign file, so its SQL lives here with the rest of the
//! format rather than in `store`, which holds only the review store's SQL.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use rusqlite::{Connection, params};
use serde_json::{Value, json};

use super::export::stable_hash;
use super::{Note, NoteKind, anki_button};

/// Our two note types, with ids of their own so that importing again finds
/// them instead of adding copies.
pub const BASIC_NOTETYPE_ID: i64 = 1_700_000_000_101;
pub const CLOZE_NOTETYPE_ID: i64 = 1_700_000_000_102;
pub const BASIC_NOTETYPE_NAME: &str = "Basic (fiches)";
pub const CLOZE_NOTETYPE_NAME: &str = "Cloze (fiches)";

const SCHEMA_11: &str = "
CREATE TABLE col (
  id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL, scm integer NOT NULL,
  ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL, ls integer NOT NULL,
  conf text NOT NULL, models text NOT NULL, decks text NOT NULL, dconf text NOT NULL,
  tags text NOT NULL
);
CREATE TABLE notes (
  id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL, mod integer NOT NULL,
  usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL, sfld integer NOT NULL,
  csum integer NOT NULL, flags integer NOT NULL, data text NOT NULL
);
CREATE TABLE cards (
  id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL, ord integer NOT NULL,
  mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL, queue integer NOT NULL,
  due integer NOT NULL, ivl integer NOT NULL, factor integer NOT NULL, reps integer NOT NULL,
  lapses integer NOT NULL, left integer NOT NULL, odue integer NOT NULL, odid integer NOT NULL,
  flags integer NOT NULL, data text NOT NULL
);
CREATE TABLE revlog (
  id integer PRIMARY KEY, cid integer NOT NULL, usn integer NOT NULL, ease integer NOT NULL,
  ivl integer NOT NULL, lastIvl integer NOT NULL, factor integer NOT NULL, time integer NOT NULL,
  type integer NOT NULL
);
CREATE TABLE graves (usn integer NOT NULL, oid integer NOT NULL, type integer NOT NULL);
CREATE INDEX ix_notes_usn ON notes (usn);
CREATE INDEX ix_cards_usn ON cards (usn);
CREATE INDEX ix_revlog_usn ON revlog (usn);
CREATE INDEX ix_cards_nid ON cards (nid);
CREATE INDEX ix_cards_sched ON cards (did, queue, due);
CREATE INDEX ix_revlog_cid ON revlog (cid);
CREATE INDEX ix_notes_csum ON notes (csum);
";

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
) -> rusqlite::Result<()> {
    let mut conn = Connection::open(path)?;
    conn.execute_batch("PRAGMA journal_mode = DELETE;")?;
    conn.execute_batch(SCHEMA_11)?;
    let tx = conn.transaction()?;
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
    {
        let mut insert_note = tx.prepare(
            "INSERT INTO notes (id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data)
             VALUES (?1, ?2, ?3, ?4, -1, ?5, ?6, ?7, 0, 0, '')",
        )?;
        let mut insert_card = tx.prepare(
            "INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps,
                                lapses, left, odue, odid, flags, data)
             VALUES (?1, ?2, ?3, ?4, ?5, -1, ?6, ?6, ?7, ?8, ?9, ?10, ?11, 0, 0, 0, 0, '')",
        )?;
        let mut insert_review = tx.prepare(
            "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)
             VALUES (?1, ?2, -1, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
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
            insert_note.execute(params![
                note_id,
                note.guid,
                mid,
                now_s,
                tags,
                note.fields.join("\u{1f}"),
                super::html::to_text(first),
            ])?;
            let deck_id = decks.get(&note.deck).copied().unwrap_or(1);
            for (index, ord) in ords.iter().enumerate() {
                // Far from every note id: a billion notes apart.
                let mut card_id = note_id + i64::from(*ord) * 1_000_000_000;
                while *ord > 0 && !used_ids.insert(card_id) {
                    card_id += 1;
                }
                let new_position = i64::try_from(position + 1).unwrap_or(i64::MAX);
                let scheduled = note.schedule.as_ref().filter(|s| s.due.is_some());
                let (kind, due, interval, factor, reps, lapses) = match scheduled {
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
                insert_card.execute(params![
                    card_id, note_id, deck_id, ord, now_s, kind, due, interval, factor, reps,
                    lapses
                ])?;
                // A fiches card is one card: its log goes with the first Anki card.
                if index > 0 {
                    continue;
                }
                for review in note.schedule.iter().flat_map(|s| &s.reviews) {
                    let mut review_id = review.at_ms;
                    while !used_review_ids.insert(review_id) {
                        review_id += 1;
                    }
                    insert_review.execute(params![
                        review_id,
                        card_id,
                        anki_button(review.rating),
                        review.interval_after,
                        review.interval_before,
                        i64::from(review.ease_after) * 10,
                        review.took_ms.clamp(0, 60_000),
                        if review.first { 0 } else { 1 },
                    ])?;
                }
            }
        }
    }
    let next_position = notes.len() + 1;
    tx.execute(
        "INSERT INTO col (id, crt, mod, scm, ver, dty, usn, ls, conf, models, decks, dconf, tags)
         VALUES (1, ?1, ?2, ?2, 11, 0, 0, 0, ?3, ?4, ?5, ?6, '{}')",
        params![
            crt,
            now_ms,
            config(next_position).to_string(),
            models(now_s).to_string(),
            decks_json(&decks, now_s).to_string(),
            deck_config().to_string(),
        ],
    )?;
    tx.commit()?;
    Ok(())
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
