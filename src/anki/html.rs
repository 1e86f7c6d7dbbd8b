//! Anki fields are HTML; our cards are text. Text becomes HTML by escaping
//! it (line breaks as `<br>`, lists as `<ul>`); HTML becomes text by
//! dropping tags, decoding entities and turning line-level elements into
//! line breaks, so that a back side written as lines or a list becomes
//! answer items.

/// Text as HTML: `&`, `<`, `>` and `"` escaped, line breaks as `<br>`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Items as an HTML list.
pub fn list(items: &[String], ordered: bool) -> String {
    let (open, close) = if ordered {
        ("<ol>", "</ol>")
    } else {
        ("<ul>", "</ul>")
    };
    let mut out = String::from(open);
    for item in items {
        out.push_str("<li>");
        out.push_str(&escape(item));
        out.push_str("</li>");
    }
    out.push_str(close);
    out
}

/// Elements whose start or end begins a new line of text.
const LINE_ELEMENTS: &[&str] = &[
    "br",
    "div",
    "p",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "hr",
    "dt",
    "dd",
    "dl",
];

/// Elements whose content is never text to study.
const HIDDEN_ELEMENTS: &[&str] = &["script", "style", "head", "title"];

/// The text of an HTML field, as lines: tags dropped, entities decoded,
/// line-level elements and line breaks ending lines, spaces collapsed.
/// Empty lines are left out.
pub fn to_lines(html: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut hidden: Option<String> = None;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let Some(end) = rest.find('>') else {
                // A lone `<` is text.
                if hidden.is_none() {
                    line.push('<');
                }
                rest = &rest[1..];
                continue;
            };
            let tag = &rest[1..end];
            rest = &rest[end + 1..];
            if tag.starts_with('!') {
                continue;
            }
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if let Some(open) = &hidden {
                if closing && *open == name {
                    hidden = None;
                }
                continue;
            }
            if !closing && HIDDEN_ELEMENTS.contains(&name.as_str()) {
                hidden = Some(name);
                continue;
            }
            if LINE_ELEMENTS.contains(&name.as_str()) {
                end_line(&mut line, &mut lines);
            }
            continue;
        }
        rest = &rest[c.len_utf8()..];
        if hidden.is_some() {
            continue;
        }
        if c == '&' {
            let (decoded, used) = entity(rest);
            if let Some(decoded) = decoded {
                line.push(decoded);
                rest = &rest[used..];
                continue;
            }
        }
        if c == '\n' || c == '\r' {
            // Line breaks in HTML source are spaces.
            line.push(' ');
        } else {
            line.push(c);
        }
    }
    end_line(&mut line, &mut lines);
    lines
}

/// The text of an HTML field on one line (its lines joined by a space).
pub fn to_text(html: &str) -> String {
    to_lines(html).join(" ")
}

fn end_line(line: &mut String, lines: &mut Vec<String>) {
    let collapsed = line
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if !collapsed.is_empty() {
        lines.push(collapsed);
    }
    line.clear();
}

/// The entity after an `&` (`rest` starts after it): the character and how
/// many bytes of `rest` it used, or `None` when it is not an entity.
fn entity(rest: &str) -> (Option<char>, usize) {
    let Some(end) = rest.char_indices().take(12).find(|(_, c)| *c == ';') else {
        return (None, 0);
    };
    let name = &rest[..end.0];
    let used = end.0 + 1;
    let decoded = if let Some(number) = name.strip_prefix('#') {
        let value = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => number.parse::<u32>().ok(),
        };
        value.and_then(char::from_u32).map(|c| {
            // A NUL or other control character from an entity is not text.
            if c.is_control() && c != '\n' && c != '\t' {
                ' '
            } else {
                c
            }
        })
    } else {
        match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            "laquo" => Some('«'),
            "raquo" => Some('»'),
            "eacute" => Some('é'),
            "egrave" => Some('è'),
            "ecirc" => Some('ê'),
            "agrave" => Some('à'),
            "acirc" => Some('â'),
            "ccedil" => Some('ç'),
            "ocirc" => Some('ô'),
            "ucirc" => Some('û'),
            "ugrave" => Some('ù'),
            "icirc" => Some('î'),
            "iuml" => Some('ï'),
            "euml" => Some('ë'),
            "Eacute" => Some('É'),
            "Egrave" => Some('È'),
            "Agrave" => Some('À'),
            "Ccedil" => Some('Ç'),
            "oelig" => Some('œ'),
            "rsquo" => Some('’'),
            "lsquo" => Some('‘'),
            "rdquo" => Some('”'),
            "ldquo" => Some('“'),
            "hellip" => Some('…'),
            "ndash" => Some('–'),
            "mdash" => Some('—'),
            "euro" => Some('€'),
            "deg" => Some('°'),
            "times" => Some('×'),
            "rarr" => Some('→'),
            _ => None,
        }
    };
    match decoded {
        Some(c) => (Some(c), used),
        None => (None, 0),
    }
}

/// The files a field refers to: `<img src="…">`, `[sound:…]` and other
/// `src=` attributes.
pub fn media_references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("[sound:") {
        let after = &rest[start + 7..];
        match after.find(']') {
            Some(end) => {
                found.push(after[..end].to_string());
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    let lower = html.to_ascii_lowercase();
    let mut at = 0;
    while let Some(found_at) = lower[at..].find("src=") {
        let start = at + found_at + 4;
        let value = &html[start..];
        let name = match value.chars().next() {
            Some(quote @ ('"' | '\'')) => value[1..].split(quote).next().unwrap_or(""),
            _ => value
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or(""),
        };
        if !name.is_empty() {
            found.push(to_text(name));
        }
        at = start;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_with_line_breaks() {
        assert_eq!(
            escape("a < b & \"c\"\nd"),
            "a &lt; b &amp; &quot;c&quot;<br>d"
        );
        assert_eq!(
            list(&["x".into(), "<y>".into()], false),
            "<ul><li>x</li><li>&lt;y&gt;</li></ul>"
        );
    }

    #[test]
    fn html_becomes_lines() {
        assert_eq!(
            to_lines(
                "Qui &amp; quoi ?<br>encore<ul><li>un</li><li> deux </li></ul><img src=\"pic.png\">"
            ),
            vec!["Qui & quoi ?", "encore", "un", "deux"]
        );
        assert_eq!(
            to_lines("<div><b>gras</b> et&nbsp;<i>ital</i></div><div>2&#233;me &#x41;</div>"),
            vec!["gras et ital", "2éme A"]
        );
        assert_eq!(
            to_lines("<style>.x{}</style>a < b &unknown; c"),
            vec!["a < b &unknown; c"]
        );
        assert_eq!(to_lines("&#0;x"), vec!["x"]);
        assert!(to_lines("<br><br>").is_empty());
    }

    #[test]
    fn escaped_text_comes_back_unchanged() {
        for text in ["a < b & \"c\"", "ligne 1\nligne 2", "l'été → « ça »"] {
            assert_eq!(to_lines(&escape(text)).join("\n"), text);
        }
    }

    #[test]
    fn media_references_are_found() {
        assert_eq!(
            media_references("x <img src=\"pic.png\"> [sound:a b.mp3] <IMG SRC=c.jpg>"),
            vec!["a b.mp3", "pic.png", "c.jpg"]
        );
    }
}
