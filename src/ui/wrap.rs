//! Word wrapping by display width, so accents, `’`, `…` and wide characters
//! take the columns they really take.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Splits `text` into lines at most `width` columns wide, breaking between
/// words, and inside a word only when it is longer than a line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    // Controls and bidi characters are shown (`\e`), never drawn raw.
    let text = crate::text::shown(text);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_width = 0;
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let word_width = word.width();
            let needed = if line.is_empty() {
                word_width
            } else {
                line_width + 1 + word_width
            };
            if needed <= width {
                if !line.is_empty() {
                    line.push(' ');
                    line_width += 1;
                }
                line.push_str(word);
                line_width += word_width;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line_width = 0;
            }
            if word_width <= width {
                line.push_str(word);
                line_width = word_width;
                continue;
            }
            for c in word.chars() {
                let w = c.width().unwrap_or(0);
                if line_width + w > width && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0;
                }
                line.push(c);
                line_width += w;
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_between_words_by_display_width() {
        assert_eq!(
            wrap("Néanmoins, en SAC, il faut garder à l’esprit…", 16),
            vec!["Néanmoins, en", "SAC, il faut", "garder à", "l’esprit…"]
        );
    }

    #[test]
    fn splits_words_longer_than_a_line_and_keeps_paragraphs() {
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("un\ndeux", 10), vec!["un", "deux"]);
        // A wide character takes two columns.
        assert_eq!(wrap("日本語", 4), vec!["日本", "語"]);
    }
}
