//! fiches: a terminal spaced-repetition flashcard trainer.
//!
//! Data flows one way: `deck` (the YAML format, and reading deck files) →
//! `sync` (what a sync will do, planned without I/O) → `store` (SQLite, all
//! the SQL) → `sched` (SM-2) → `review` (a session, and its plans: pure
//! functions of one read of the store) → `ui` (the screens) and `plain` (the
//! session in lines). Front ends turn input into intents; `ui::intents` and
//! `plain::run` are where those meet the store and the clock.

// Tests may unwrap: a panic there is a failed test, not a crash.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod anki;
pub mod class;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod convert;
pub mod deck;
pub mod files;
pub mod hash;
pub mod memory;
pub mod plain;
pub mod review;
pub mod sched;
pub mod store;
pub mod sync;
pub mod text;
pub mod ui;

use std::process::ExitCode;

use cli::{Cli, Command};

/// Runs a parsed command line and returns the process exit status.
pub fn run(mut cli: Cli) -> ExitCode {
    // --db after the command, else before it, else FICHES_DB.
    let from_env = cli::db_from_env();
    let db = cli.store.db.as_deref().or(from_env.as_deref());
    let result = match &mut cli.command {
        None => scheduling(cli.scheduling, cli::SchedulingArgs::default()).and_then(|scheduling| {
            let minutes = cli::minutes_from_env().map_err(commands::Failure::usage)?;
            commands::home::run(db, scheduling, minutes)
        }),
        Some(command) => minutes(command).and_then(|()| run_command(command, db, cli.scheduling)),
    };
    match result {
        Ok(status) => status.into(),
        Err(failure) => {
            eprintln!("fiches: error: {}", text::shown(&failure.message));
            failure.status.into()
        }
    }
}

/// `--db` may come before the command or after it.
fn store<'a>(
    arg: &'a cli::StoreArg,
    before: Option<&'a std::path::Path>,
) -> Option<&'a std::path::Path> {
    arg.db.as_deref().or(before)
}

/// `--scheduler` and `--retention` too, each on its own, over their
/// variables; a bad variable is a usage error.
fn scheduling(
    arg: cli::SchedulingArgs,
    before: cli::SchedulingArgs,
) -> Result<review::scheduler::Scheduling, commands::Failure> {
    arg.scheduling(before).map_err(commands::Failure::usage)
}

/// `--minutes` of the commands that take it, else FICHES_MINUTES; a bad
/// variable is a usage error naming it.
fn minutes(command: &mut Command) -> Result<(), commands::Failure> {
    let minutes = match command {
        Command::Review(args) => &mut args.minutes,
        Command::Stats(args) => &mut args.minutes,
        Command::Readiness(args) => &mut args.minutes,
        _ => return Ok(()),
    };
    *minutes = cli::minutes_or_env(*minutes).map_err(commands::Failure::usage)?;
    Ok(())
}

fn run_command(
    command: &Command,
    db: Option<&std::path::Path>,
    before: cli::SchedulingArgs,
) -> Result<commands::Status, commands::Failure> {
    match command {
        Command::Check(args) => commands::check::run(args),
        Command::Convert(args) => commands::convert::run(args),
        Command::Review(args) => commands::review::run(
            args,
            store(&args.store, db),
            scheduling(args.scheduling, before)?,
        ),
        Command::Preview(args) => commands::preview::run(args),
        Command::Sync(args) => commands::sync::run(args, store(&args.store, db)),
        Command::Stats(args) => commands::stats::run(
            args,
            store(&args.select.store, db),
            scheduling(args.scheduling, before)?,
        ),
        Command::Cards(args) => commands::cards::run(
            args,
            store(&args.select.store, db),
            scheduling(args.scheduling, before)?,
        ),
        Command::Fit(args) => commands::fit::run(args, store(&args.store, db)),
        Command::Readiness(args) => commands::readiness::run(args, store(&args.select.store, db)),
        Command::Backup(args) => commands::backup::run(args, store(&args.store, db)),
        Command::Import(args) => commands::import::run(args, store(&args.store, db)),
        Command::Report(args) => commands::report::run(args),
        Command::Export(args) => commands::export::run(args, store(&args.store, db), before),
        Command::Completions(args) => commands::completions::completions(args.shell),
        Command::Man => commands::completions::man(),
    }
}
