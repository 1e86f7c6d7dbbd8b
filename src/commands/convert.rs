//! `fiches convert`: read the copied page, convert it, write the deck, and
//! say on stderr what was merged, skipped or left out.

use std::fs;
use std::io::{self, IsTerminal, Read, Write};
use std::path::Path;

use crate::cli::ConvertArgs;
use crate::convert;
use crate::deck::MAX_DECK_BYTES;

use super::{Failure, Status};

pub fn run(args: &ConvertArgs) -> Result<Status, Failure> {
    let from_stdin = args.input.as_os_str() == "-";
    let name = if from_stdin {
        "<stdin>".to_string()
    } else {
        args.input.display().to_string()
    };
    // Refused before anything is said, so a curated deck is never replaced by accident.
    if let Some(path) = args.output.as_deref().filter(|p| !args.force && p.exists()) {
        return Err(Failure::usage(format!(
            "{} already exists: choose another file, or pass --force to replace it",
            path.display()
        )));
    }
    let text = read_input(&args.input, from_stdin, &name)?;
    let looks_like = convert::detect(&text);
    let mut stderr = crate::text::SafeWriter::new(io::stderr().lock());
    // Said last, where it is read: the cards may be nonsense.
    let mut hint = None;
    let from = match (args.from, looks_like) {
        (Some(from), Some(other)) if other != from => {
            hint = Some(format!(
                "{name}: this text looks like a {} page, not a {} one: if the cards are wrong, convert it with --from {}",
                other.as_str(),
                from.as_str(),
                other.as_str()
            ));
            from
        }
        (Some(from), _) => from,
        (None, Some(found)) => {
            let _ = writeln!(
                stderr,
                "{name}: read as --from {} (the format this text looks like)",
                found.as_str()
            );
            found
        }
        (None, None) => {
            return Err(Failure::usage(format!(
                "{name} does not look like any page format fiches reads: give it with --from brainscape, quizlet or quizpage"
            )));
        }
    };
    let conversion = convert::convert(from, &text);
    let report = &conversion.report;

    for line in report.details(&name) {
        let _ = writeln!(stderr, "{line}");
    }
    let cards = conversion.deck.cards.len();
    if cards == 0 {
        let _ = writeln!(stderr, "{}", report.summary(0));
        if let Some(hint) = &hint {
            let _ = writeln!(stderr, "{hint}");
        }
        return Err(Failure::problems(format!(
            "no card found in {name}: is it a {} page? Nothing written",
            from.as_str()
        )));
    }

    let title = match (&args.title, &conversion.deck.title) {
        (Some(title), _) if !title.trim().is_empty() => title.trim().to_string(),
        (_, Some(title)) => title.clone(),
        _ => {
            let title = default_title(&args.input, from_stdin);
            let _ = writeln!(
                stderr,
                "{name}: no title in the text: the deck is titled \"{title}\"; give another with --title"
            );
            title
        }
    };
    let source = (!from_stdin).then_some(name.as_str());
    let yaml = convert::to_yaml(&conversion.deck, &title, source, from);
    write_output(args, &yaml)?;
    let _ = writeln!(stderr, "{}", report.summary(cards));
    say_what_check_finds(&mut stderr, args, &yaml);
    if let Some(hint) = &hint {
        let _ = writeln!(stderr, "{hint}");
    }
    Ok(Status::Success)
}

/// The deck is checked as `fiches check --strict` would: what the source
/// left to settle (a question asked twice with different answers, points
/// that do not match the items) is listed, never silently "fixed".
fn say_what_check_finds(stderr: &mut impl Write, args: &ConvertArgs, yaml: &str) {
    let written = args
        .output
        .as_deref()
        .unwrap_or_else(|| Path::new("<stdout>"));
    let checked = crate::deck::parse_deck(written, yaml.as_bytes());
    if checked.diagnostics.is_empty() {
        return;
    }
    for d in &checked.diagnostics {
        let _ = writeln!(stderr, "{d}");
    }
    let _ = writeln!(
        stderr,
        "the deck has {} problem{} for you to settle: `fiches check --strict` refuses it until then",
        checked.diagnostics.len(),
        if checked.diagnostics.len() == 1 {
            ""
        } else {
            "s"
        }
    );
}

fn read_input(path: &Path, from_stdin: bool, name: &str) -> Result<String, Failure> {
    let cannot = |reason: String| Failure::usage(format!("cannot read {name}: {reason}"));
    let mut bytes = Vec::new();
    let read = if from_stdin {
        if io::stdin().is_terminal() {
            eprintln!(
                "fiches: reading the page's text from the terminal: paste it, then press Ctrl-D"
            );
        }
        io::stdin()
            .lock()
            .take(MAX_DECK_BYTES + 1)
            .read_to_end(&mut bytes)
    } else {
        fs::File::open(path).and_then(|file| file.take(MAX_DECK_BYTES + 1).read_to_end(&mut bytes))
    };
    read.map_err(|err| cannot(err.to_string()))?;
    if bytes.len() as u64 > MAX_DECK_BYTES {
        return Err(cannot(format!(
            "over {} MiB: that is not the text of a page",
            MAX_DECK_BYTES / (1024 * 1024)
        )));
    }
    String::from_utf8(bytes).map_err(|err| {
        cannot(format!(
            "not UTF-8 text (byte {} is invalid): save the page's text as UTF-8",
            err.utf8_error().valid_up_to() + 1
        ))
    })
}

/// The file name without its extension, when the text names no title.
fn default_title(input: &Path, from_stdin: bool) -> String {
    input
        .file_stem()
        .filter(|_| !from_stdin)
        .map(|stem| stem.to_string_lossy().trim().to_string())
        .filter(|stem| !stem.is_empty())
        .unwrap_or_else(|| "Fiches converties".to_string())
}

fn write_output(args: &ConvertArgs, yaml: &str) -> Result<(), Failure> {
    let Some(path) = &args.output else {
        return io::stdout()
            .lock()
            .write_all(yaml.as_bytes())
            .map_err(|err| Failure::usage(format!("cannot write the deck: {err}")));
    };
    // With --force the old deck is replaced only once the new one is whole.
    crate::files::write_replacing(path, yaml.as_bytes()).map_err(|err| {
        Failure::usage(format!(
            "cannot write {}: {err}; {}",
            path.display(),
            if path.exists() {
                "the file there was left as it was"
            } else {
                "nothing was written"
            }
        ))
    })
}
