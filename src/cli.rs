//! The command line: commands, flags and their help.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "fiches",
    version,
    about = "Spaced-repetition flashcards in the terminal",
    long_about = "Spaced-repetition flashcards in the terminal.\n\nDecks are YAML files (see decks/README.md); reviews are scheduled with SM-2."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check deck files for errors, for CI and for authors
    #[command(
        after_help = "Exit status: 0 no errors, 1 some deck has errors, 2 usage or I/O problem."
    )]
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Deck files or directories (searched for *.yaml and *.yml) [default: decks/]
    pub paths: Vec<PathBuf>,
    /// Treat warnings as errors
    #[arg(long)]
    pub strict: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// path:line:column: severity: message, on stderr
    Human,
    /// One JSON object per line: each problem, then the summary
    Json,
    /// GitHub Actions annotations (::error file=…,line=…,col=…::message)
    Github,
}
