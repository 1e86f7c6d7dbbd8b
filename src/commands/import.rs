//! `fiches import`: an Anki package or text export to a YAML deck, with a
//! report on stderr of what was read, written and left out.

use std::io::{self, Write};

use crate::anki::import::{self, Options};
use crate::anki::{package, source};
use crate::cli::ImportArgs;

use super::{Failure, Status};

pub fn run(args: &ImportArgs) -> Result<Status, Failure> {
    let name = args.input.display().to_string();
    let out = &args.output;
    if !args.force && out.exists() {
        return Err(Failure::usage(format!(
            "{} already exists: choose another file, or pass --force to replace it",
            out.display()
        )));
    }
    let scratch = package::temporary_beside(out, "collection");
    let read = source::read(&args.input, &scratch)
        .map_err(|err| Failure::usage(format!("cannot import {name}: {err}; nothing written")))?;
    let mut stderr = crate::text::SafeWriter::new(io::stderr().lock());
    let _ = writeln!(stderr, "{name}: read as {}", read.described);
    for skipped in &read.skipped {
        let _ = writeln!(stderr, "{name}: skipped {skipped}");
    }
    let fallback = args
        .input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let source_name = args
        .input
        .file_name()
        .map_or_else(|| name.clone(), |n| n.to_string_lossy().into_owned());
    let imported = import::import(
        read.notes,
        &Options {
            title: args.title.as_deref(),
            fallback_title: &fallback,
            source: &source_name,
            path: out,
        },
    );
    for line in imported.report.details(&name) {
        let _ = writeln!(stderr, "{line}");
    }
    let out_name = out.display().to_string();
    if imported.cards.is_empty() {
        let _ = writeln!(stderr, "{}", imported.report.summary(0, &out_name));
        return Err(Failure::problems(format!(
            "no card to import from {name}: nothing written"
        )));
    }
    if !imported.problems.is_empty() {
        for problem in &imported.problems {
            let _ = writeln!(stderr, "{problem}");
        }
        return Err(Failure::problems(format!(
            "the deck made from {name} does not pass `fiches check --strict`: nothing written"
        )));
    }
    crate::files::write_replacing(out, imported.yaml.as_bytes()).map_err(|err| {
        Failure::usage(format!(
            "cannot write {}: {err}; {}",
            out.display(),
            if out.exists() {
                "the file there was left as it was"
            } else {
                "nothing was written"
            }
        ))
    })?;
    let _ = writeln!(
        stderr,
        "{}",
        imported.report.summary(imported.cards.len(), &out_name)
    );
    if read.media_files > 0 {
        let _ = writeln!(
            stderr,
            "{name}: the package holds {} media file{}, not imported",
            read.media_files,
            if read.media_files == 1 { "" } else { "s" }
        );
    }
    Ok(Status::Success)
}
