use std::process::ExitCode;

fn main() -> ExitCode {
    match fiches::cli::parse() {
        Ok(cli) => fiches::run(cli),
        Err(status) => status,
    }
}
