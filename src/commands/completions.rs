//! `fiches completions` and `fiches man`: what a shell and `man` need,
//! generated from the command line's own definition.

use std::io::{self, Write};

use clap::CommandFactory;

use crate::cli::Cli;

use super::{Failure, Status, written};

pub fn completions(shell: clap_complete::Shell) -> Result<Status, Failure> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "fiches", &mut script);
    written(
        io::stdout().lock().write_all(&script),
        "the completion script",
        Status::Success,
    )
}

pub fn man() -> Result<Status, Failure> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|err| Failure::usage(format!("cannot write the manual page: {err}")))?;
    written(
        io::stdout().lock().write_all(&page),
        "the manual page",
        Status::Success,
    )
}
