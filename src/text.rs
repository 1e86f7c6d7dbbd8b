//! Text comparison that matches how people read French: case, accents,
//! spacing and punctuation do not make two questions different. And the one
//! escaping step every text from a deck, a file name, the store or stdin
//! passes through where it is written to a terminal.

use std::borrow::Cow;
use std::io::{self, Write};

/// Lowercases, strips accents, keeps letters and digits, and turns every run
/// of anything else into one space.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    let mut push = |c: char, out: &mut String| {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            push_folded(out, c);
        } else {
            gap = true;
        }
    };
    for c in text.chars() {
        // Most of a French deck is ASCII: skip the general lowercasing there.
        if c.is_ascii() {
            push(c.to_ascii_lowercase(), &mut out);
        } else {
            for lower in c.to_lowercase() {
                push(lower, &mut out);
            }
        }
    }
    out
}

/// Lowercases and strips accents but keeps everything else, for searching.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        push_folded(&mut out, c);
    }
    out
}

/// Levenshtein distance, in characters: how many one-character edits turn
/// `a` into `b`. For typos in field names and in typed answers.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}

fn push_folded(out: &mut String, c: char) {
    let plain = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'ç' => "c",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => "o",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        'œ' => "oe",
        'æ' => "ae",
        _ => {
            out.push(c);
            return;
        }
    };
    out.push_str(plain);
}

/// Whether `c` must never reach a terminal raw: C0 controls (tab and line
/// feed aside: the caller decides about line feeds), DEL, C1 controls, and the
/// bidirectional embeddings, overrides and isolates that reorder what is shown.
pub fn is_unsafe(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}') || is_bidi_control(c)
}

/// U+202A–U+202E and U+2066–U+2069.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// How an unsafe character is shown: `\e`, `\r`, `\u{202e}`.
fn push_visible(out: &mut String, c: char) {
    match c {
        '\u{1b}' => out.push_str("\\e"),
        '\r' => out.push_str("\\r"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\0' => out.push_str("\\0"),
        _ => {
            use std::fmt::Write as _;
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

fn escape_where(text: &str, escaped: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escaped(c) {
            push_visible(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` safe to write to a terminal, its line breaks kept: every unsafe
/// character shown visibly instead (a carriage return too, so that later
/// text cannot overwrite a line).
pub fn shown(text: &str) -> Cow<'_, str> {
    escape_where(text, is_unsafe)
}

/// Like [`shown`], for text that must stay on one line (a diagnostic, a
/// table cell): line breaks are shown as `\n` too, so no text forges a line,
/// and tabs as `\t`, so none moves what follows it to another column.
pub fn one_line(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| c == '\n' || c == '\t' || is_unsafe(c))
}

/// JSON from serde_json, with the characters it leaves raw inside strings
/// (DEL, C1 and bidi controls) written as `\uXXXX` escapes. Outside strings
/// JSON is ASCII, so every such character is inside a string.
pub fn json_safe(json: String) -> String {
    if !json.chars().any(is_unsafe) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_unsafe(c) {
            use std::fmt::Write as _;
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// A writer for line output (stdout, stderr when they are not a full
/// screen): whatever is written through it reaches the terminal through
/// [`shown`], and bytes that are not UTF-8 as `\xHH`. Our line output has no
/// styling of its own, so nothing in it needs to pass raw.
pub struct SafeWriter<W: Write> {
    inner: W,
    /// The start of a character split across two writes.
    pending: Vec<u8>,
}

impl<W: Write> SafeWriter<W> {
    pub fn new(inner: W) -> Self {
        SafeWriter {
            inner,
            pending: Vec::new(),
        }
    }

    /// The writer given, once everything was written through.
    pub fn into_inner(self) -> W {
        self.inner
    }

    fn put(&mut self, text: &str) -> io::Result<()> {
        self.inner.write_all(shown(text).as_bytes())
    }
}

impl<W: Write> Write for SafeWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut bytes = std::mem::take(&mut self.pending);
        bytes.extend_from_slice(buf);
        let mut rest = &bytes[..];
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.put(text)?;
                    break;
                }
                Err(err) => {
                    let (valid, after) = rest.split_at(err.valid_up_to());
                    self.put(&String::from_utf8_lossy(valid))?;
                    match err.error_len() {
                        // Cut short: the rest of the character comes next.
                        None => {
                            self.pending = after.to_vec();
                            break;
                        }
                        Some(len) => {
                            for byte in &after[..len] {
                                write!(self.inner, "\\x{byte:02X}")?;
                            }
                            rest = &after[len..];
                        }
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_characters_are_shown_never_sent() {
        assert_eq!(
            shown("a\u{1b}]0;x\u{7}b\rc\u{9b}d\u{202e}e\u{7f}\nf\tg"),
            "a\\e]0;x\\u{7}b\\rc\\u{9b}d\\u{202e}e\\u{7f}\nf\tg"
        );
        assert_eq!(one_line("a\nb\tc"), "a\\nb\\tc");
        assert!(matches!(shown("Qualité perçue ?"), Cow::Borrowed(_)));
        for c in [
            '\u{2066}', '\u{2069}', '\u{202a}', '\u{85}', '\u{8}', '\u{b}',
        ] {
            assert!(is_unsafe(c), "{c:?}");
        }
        for c in ['\n', '\t', 'é', '\u{2028}', '\u{a0}', '\u{200b}'] {
            assert!(!is_unsafe(c), "{c:?}");
        }
    }

    #[test]
    fn json_keeps_its_escapes_and_gains_ours() {
        let json = serde_json::to_string("\u{1b}\u{9b}\u{202e}").unwrap();
        let safe = json_safe(json);
        assert_eq!(safe, "\"\\u001b\\u009b\\u202e\"");
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, "\u{1b}\u{9b}\u{202e}");
    }

    #[test]
    fn the_writer_escapes_across_split_writes() {
        let text = "é\u{202e}\u{1b}[31mà".as_bytes();
        for cut in 0..text.len() {
            let mut out = SafeWriter::new(Vec::new());
            out.write_all(&text[..cut]).unwrap();
            out.write_all(&text[cut..]).unwrap();
            assert_eq!(
                String::from_utf8(out.inner).unwrap(),
                "é\\u{202e}\\e[31mà",
                "cut at {cut}"
            );
        }
        let mut out = SafeWriter::new(Vec::new());
        out.write_all(b"a\xffb\x9b").unwrap();
        assert_eq!(String::from_utf8(out.inner).unwrap(), "a\\xFFb\\x9B");
    }

    #[test]
    fn normalize_ignores_case_accents_spacing_and_punctuation() {
        assert_eq!(
            normalize("  Est-ce que le CLIENT a toujours raison ? "),
            "est ce que le client a toujours raison"
        );
        assert_eq!(normalize("Qualité PERÇUE…"), normalize("qualite   percue"));
        assert_eq!(normalize("L’Œuvre"), "l oeuvre");
        assert_ne!(normalize("αβ"), normalize("γδ"));
    }

    #[test]
    fn fold_keeps_punctuation() {
        assert_eq!(fold("Élève, À l’école"), "eleve, a l’ecole");
    }
}
