//! `fiches report`: students' review logs merged into the class report.

use std::fs;
use std::io::{self, Read, Write};

use crate::class::{log, report};
use crate::cli::{ReportArgs, ReportFormat};

use super::{Failure, Status};

/// The largest log read.
const MAX_LOG_BYTES: u64 = 256 * 1024 * 1024;

pub fn run(args: &ReportArgs) -> Result<Status, Failure> {
    let mut lines = Vec::new();
    for path in &args.logs {
        let name = path.display().to_string();
        let cannot = |reason: String| {
            Failure::usage(format!("cannot read {name}: {reason}; nothing reported"))
        };
        let mut bytes = Vec::new();
        fs::File::open(path)
            .and_then(|f| f.take(MAX_LOG_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| cannot(e.to_string()))?;
        if bytes.len() as u64 > MAX_LOG_BYTES {
            return Err(cannot(format!("over {} MiB", MAX_LOG_BYTES >> 20)));
        }
        let text = String::from_utf8(bytes).map_err(|_| cannot("not UTF-8 text".into()))?;
        let read = log::read(&text).map_err(|err| {
            Failure::usage(format!(
                "{name}:{}: {}: is it a file `fiches export --log` wrote? Nothing reported",
                err.line, err.reason
            ))
        })?;
        lines.extend(read);
    }
    let merged = report::report(&lines);
    let out = match args.format {
        ReportFormat::Text => report::to_text(&merged),
        ReportFormat::Md => report::to_markdown(&merged),
        ReportFormat::Json => {
            let json = serde_json::to_string_pretty(&merged).unwrap_or_default();
            format!("{}\n", crate::text::json_safe(json))
        }
    };
    match &args.output {
        Some(path) => crate::files::write_replacing(path, out.as_bytes())
            .map_err(|err| Failure::usage(format!("cannot write {}: {err}", path.display())))?,
        None => crate::text::SafeWriter::new(io::stdout().lock())
            .write_all(out.as_bytes())
            .map_err(|err| Failure::usage(format!("cannot write the report: {err}")))?,
    }
    if merged.duplicates > 0 {
        let _ = writeln!(
            crate::text::SafeWriter::new(io::stderr().lock()),
            "{} rating{} given more than once (the same log twice?): counted once",
            merged.duplicates,
            if merged.duplicates == 1 { "" } else { "s" }
        );
    }
    Ok(Status::Success)
}
