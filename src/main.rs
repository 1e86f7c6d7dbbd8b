use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    fiches::run(fiches::cli::Cli::parse())
}
