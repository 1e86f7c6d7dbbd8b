//! Anki's text format: one note a line, fields split by a separator, with
//! `#key:value` header lines saying what the columns are. We write it with
//! tabs and HTML fields; we read what Anki's "Notes in Plain Text" export
//! writes (any separator it offers, quoted fields, HTML or not).

use super::{Note, NoteKind};

/// The stock note type names every Anki collection has: the text format
/// names note types, and these are the ones an importer can find.
fn stock_notetype(kind: NoteKind) -> &'static str {
    match kind {
        NoteKind::Basic => "Basic",
        NoteKind::Cloze => "Cloze",
    }
}

/// A field quoted as CSV when it needs it.
fn field(text: &str, separator: char) -> String {
    if text.contains([separator, '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Notes in Anki's text import format, with its header lines.
pub fn write_anki_text(notes: &[Note]) -> String {
    let mut out = String::from(
        "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n",
    );
    for note in notes {
        let mut row = vec![
            field(&note.guid, '\t'),
            stock_notetype(note.kind).to_string(),
            field(&note.deck, '\t'),
        ];
        for i in 0..2 {
            row.push(field(note.fields.get(i).map_or("", String::as_str), '\t'));
        }
        row.push(field(&note.tags.join(" "), '\t'));
        out.push_str(&row.join("\t"));
        out.push('\n');
    }
    out
}

/// Notes as CSV with a header row: guid, notetype, deck, front, back, tags.
pub fn write_csv(notes: &[Note]) -> String {
    let mut out = String::from("guid,notetype,deck,front,back,tags\r\n");
    for note in notes {
        let row = [
            note.guid.as_str(),
            stock_notetype(note.kind),
            note.deck.as_str(),
            note.fields.first().map_or("", String::as_str),
            note.fields.get(1).map_or("", String::as_str),
            &note.tags.join(" "),
        ];
        let row: Vec<String> = row.iter().map(|f| field(f, ',')).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// A note as read from a text file.
#[derive(Debug, Clone, PartialEq)]
pub struct TextNote {
    /// The line it starts on.
    pub line: usize,
    pub guid: Option<String>,
    pub notetype: Option<String>,
    pub deck: Option<String>,
    pub tags: Vec<String>,
    pub fields: Vec<String>,
}

/// A text file as read: whether fields are HTML, and its notes.
#[derive(Debug, Clone, PartialEq)]
pub struct TextFile {
    pub html: bool,
    pub deck: Option<String>,
    pub notes: Vec<TextNote>,
}

fn separator(value: &str) -> Option<char> {
    match value.trim().to_ascii_lowercase().as_str() {
        "tab" | "\t" => Some('\t'),
        "comma" | "," => Some(','),
        "semicolon" | ";" => Some(';'),
        "space" | " " => Some(' '),
        "pipe" | "|" => Some('|'),
        "colon" | ":" => Some(':'),
        _ => None,
    }
}

/// Reads Anki's text format. `None` when the text has no `#separator`
/// header: it is then not a file Anki wrote.
pub fn read(text: &str) -> Option<TextFile> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sep = None;
    let mut html = false;
    let mut deck = None;
    let mut columns: [Option<usize>; 4] = [None; 4]; // guid, notetype, deck, tags
    let mut body_start = 0;
    let mut line_number = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end_matches(['\n', '\r']);
        let Some(header) = trimmed.strip_prefix('#') else {
            break;
        };
        line_number += 1;
        body_start += line.len();
        let Some((key, value)) = header.split_once(':') else {
            continue;
        };
        let number = value.trim().parse::<usize>().ok().filter(|n| *n >= 1);
        match key.trim() {
            "separator" => sep = separator(value),
            "html" => html = value.trim() == "true",
            "deck" => deck = Some(value.trim().to_string()),
            "guid column" => columns[0] = number,
            "notetype column" => columns[1] = number,
            "deck column" => columns[2] = number,
            "tags column" => columns[3] = number,
            _ => {}
        }
    }
    let sep = sep?;
    let mut notes = Vec::new();
    for (line, row) in rows(&text[body_start..], sep, line_number + 1) {
        if row.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let take = |column: Option<usize>| column.and_then(|c| row.get(c - 1)).cloned();
        let special: Vec<usize> = columns.iter().flatten().map(|c| c - 1).collect();
        let fields = row
            .iter()
            .enumerate()
            .filter(|(i, _)| !special.contains(i))
            .map(|(_, f)| f.clone())
            .collect();
        notes.push(TextNote {
            line,
            guid: take(columns[0]).filter(|g| !g.trim().is_empty()),
            notetype: take(columns[1]),
            deck: take(columns[2]),
            tags: take(columns[3])
                .map(|t| t.split_whitespace().map(str::to_string).collect())
                .unwrap_or_default(),
            fields,
        });
    }
    Some(TextFile { html, deck, notes })
}

/// Rows of separated fields, quotes honoured (`""` is a quote), each with
/// the line it starts on.
fn rows(text: &str, sep: char, first_line: usize) -> Vec<(usize, Vec<String>)> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut at_field_start = true;
    let mut line = first_line;
    let mut row_line = first_line;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                quoted = true;
                at_field_start = false;
            }
            c if c == sep => {
                row.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push((row_line, std::mem::take(&mut row)));
                line += 1;
                row_line = line;
                at_field_start = true;
            }
            c => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push((row_line, row));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(guid: &str, kind: NoteKind, fields: [&str; 2]) -> Note {
        Note {
            guid: guid.into(),
            kind,
            fields: fields.iter().map(|f| (*f).to_string()).collect(),
            tags: vec!["a".into(), "b".into()],
            deck: "Le paquet".into(),
            schedule: None,
        }
    }

    #[test]
    fn written_text_is_read_back() {
        let notes = vec![
            note("g1", NoteKind::Basic, ["Q\t\"x\"", "<ul><li>a</li></ul>"]),
            note("g2", NoteKind::Cloze, ["{{c1::Paris}}", ""]),
        ];
        let text = write_anki_text(&notes);
        let read = read(&text).unwrap();
        assert!(read.html);
        assert_eq!(read.notes.len(), 2);
        assert_eq!(read.notes[0].guid.as_deref(), Some("g1"));
        assert_eq!(
            read.notes[0].fields,
            vec!["Q\t\"x\"", "<ul><li>a</li></ul>"]
        );
        assert_eq!(read.notes[0].tags, vec!["a", "b"]);
        assert_eq!(read.notes[0].line, 7);
        assert_eq!(read.notes[1].notetype.as_deref(), Some("Cloze"));
        assert_eq!(read.notes[1].deck.as_deref(), Some("Le paquet"));
    }

    #[test]
    fn text_without_a_separator_header_is_not_anki_text() {
        assert_eq!(read("q\ta\n"), None);
    }

    #[test]
    fn csv_has_a_header_and_quotes_what_needs_it() {
        let csv = write_csv(&[note("g", NoteKind::Basic, ["a, b", "c"])]);
        assert_eq!(
            csv,
            "guid,notetype,deck,front,back,tags\r\ng,Basic,Le paquet,\"a, b\",c,a b\r\n"
        );
    }
}
