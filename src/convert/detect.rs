//! Which page format a copied text is, from the marks each format leaves:
//! Brainscape's lone `Q` and `A` lines and its rating scale, a quiz page's
//! questions printed twice and its `(correct)` choices, a flashcard list's
//! `-` lines under each heading.

use super::Format;

/// The format the text looks like, or `None` when it shows no format's marks.
pub fn detect(text: &str) -> Option<Format> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let alone = |mark: &str| lines.iter().filter(|l| **l == mark).count();
    if (alone("Q") >= 2 && alone("A") >= 2)
        || lines
            .iter()
            .any(|l| l.starts_with("How well did you know this"))
    {
        return Some(Format::Brainscape);
    }
    let printed_twice = lines
        .windows(2)
        .filter(|pair| !pair[0].is_empty() && pair[0] == pair[1])
        .count();
    if printed_twice >= 2 || lines.iter().any(|l| l.ends_with("(correct)")) {
        return Some(Format::Quizpage);
    }
    let listed = lines
        .iter()
        .filter(|l| l.starts_with("- ") || l.starts_with("• "))
        .count();
    (listed >= 2).then_some(Format::Quizlet)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_is_told_by_its_marks() {
        let brainscape = "1\nQ\nQuestion ? (2)\nA\n• un\n• deux\n2\nQ\nAutre ?\nA\n• oui\n";
        assert_eq!(detect(brainscape), Some(Format::Brainscape));
        let quiz = "Quelle ?\nQuelle ?\n- a\n- b (correct)\nVrai ?\nVrai ?\nFalse (B)\n";
        assert_eq!(detect(quiz), Some(Format::Quizpage));
        let list = "Pourquoi se plaindre ?\n- pour obtenir réparation\n- pour être entendu\n";
        assert_eq!(detect(list), Some(Format::Quizlet));
        assert_eq!(detect("Un texte sans rien de tel.\n"), None);
    }
}
