//! fiches: a terminal spaced-repetition flashcard trainer.
//!
//! Data flows one way: `deck` (the YAML format) → `store` (SQLite) →
//! `sched` (SM-2) → `review` (a session) → `ui` (the screens).

// Tests may unwrap: a panic there is a failed test, not a crash.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod cli;
pub mod clock;
pub mod commands;
pub mod convert;
pub mod deck;
pub mod review;
pub mod sched;
pub mod store;
pub mod text;

use std::process::ExitCode;

use cli::{Cli, Command};

/// Runs a parsed command line and returns the process exit status.
pub fn run(cli: Cli) -> ExitCode {
    let result = match &cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Convert(args) => commands::convert::run(args),
        Command::Review(args) => commands::review::run(args, cli.db.as_deref()),
        Command::Sync(args) => commands::sync::run(args, cli.db.as_deref()),
        Command::Stats(args) => commands::stats::run(args, cli.db.as_deref()),
        Command::Cards(args) => commands::cards::run(args, cli.db.as_deref()),
    };
    match result {
        Ok(status) => status.into(),
        Err(failure) => {
            eprintln!("fiches: error: {failure}");
            failure.status.into()
        }
    }
}
