//! The command line: commands, flags and their help.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::convert::Format;

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
    /// Convert the copied text of a flashcard page into a YAML deck
    #[command(
        after_help = "Writes the deck on stdout (or to -o), and what was merged, skipped or left out on stderr.\nExit status: 0 deck written, 1 no card found, 2 usage or I/O problem."
    )]
    Convert(ConvertArgs),
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

#[derive(Debug, clap::Args)]
pub struct ConvertArgs {
    /// The page's format
    #[arg(long = "from", value_enum, value_name = "FORMAT")]
    pub from: Format,
    /// The copied text; `-` reads standard input
    #[arg(value_name = "FILE|-", default_value = "-")]
    pub input: PathBuf,
    /// Write the deck to this file instead of standard output
    #[arg(short = 'o', long = "output", value_name = "DECK.yaml")]
    pub output: Option<PathBuf>,
    /// Replace the file given with -o if it exists
    #[arg(long, requires = "output")]
    pub force: bool,
    /// The deck's title [default: the page's title, else the file name]
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
}
