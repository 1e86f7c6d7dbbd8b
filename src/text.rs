//! Text comparison that matches how people read French: case, accents,
//! spacing and punctuation do not make two questions different.

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

#[cfg(test)]
mod tests {
    use super::*;

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
