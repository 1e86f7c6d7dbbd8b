//! The command line: commands, flags and their help.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::convert::Format;

/// The command line of this process. clap's errors quote the arguments
/// given, which may hold escape sequences: they are formatted without
/// styling and written through the escaping step, so what was typed shows
/// visibly. Help and `--version` are ours and print in clap's colours.
/// `Err` is the exit status (2 for a usage error).
pub fn parse() -> Result<Cli, std::process::ExitCode> {
    use clap::{CommandFactory, FromArgMatches};
    let plain = Cli::command().styles(clap::builder::Styles::plain());
    let err = match plain
        .try_get_matches()
        .and_then(|mut matches| Cli::from_arg_matches_mut(&mut matches))
    {
        Ok(cli) => return Ok(cli),
        Err(err) => err,
    };
    let status = u8::try_from(err.exit_code()).unwrap_or(2);
    if err.use_stderr() {
        let message = err.render().ansi().to_string();
        let _ = std::io::Write::write_all(
            &mut std::io::stderr().lock(),
            crate::text::shown(&message).as_bytes(),
        );
    } else if let Err(help) = Cli::try_parse() {
        let _ = help.print();
    }
    Err(std::process::ExitCode::from(status))
}

#[derive(Debug, Parser)]
#[command(
    name = "fiches",
    version = env!("FICHES_VERSION"),
    about = "Spaced-repetition flashcards in the terminal",
    long_about = "Spaced-repetition flashcards in the terminal.\n\nDecks are YAML files (see decks/README.md); reviews are scheduled with SM-2 (or FSRS: --scheduler fsrs, or `scheduler: fsrs` in a deck).",
    after_help = TOP_HELP,
    after_long_help = TOP_HELP
)]
pub struct Cli {
    #[command(flatten)]
    pub store: StoreArg,
    /// For the deck list (and the reviews and stats it opens)
    #[command(flatten)]
    pub scheduling: SchedulingArgs,
    /// Without a command: the deck list, to pick a deck to review, preview or look at
    #[command(subcommand)]
    pub command: Option<Command>,
}

const TOP_HELP: &str = "\
Without a command, `fiches` opens the deck list: Enter reviews a deck, p previews it, s shows its stats.
DECK is a deck file, a directory of them, or a deck id as `fiches stats` and the deck list print it;
without one, commands use decks/ in the current directory.

Environment:
  FICHES_DB   the review store (as --db)
  FICHES_NOW  the clock, RFC 3339 (2026-12-01T09:00:00-05:00), to simulate days
  FICHES_SCHEDULER, FICHES_RETENTION  the scheduler and retention (as --scheduler, --retention)
  NO_COLOR    no colours on screen";

/// `--db`, for the commands that use the review store.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct StoreArg {
    /// The review store, else FICHES_DB [default: $XDG_DATA_HOME/fiches/fiches.db or ~/.local/share/fiches/fiches.db]
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
}

/// FICHES_DB, the store when no `--db` is given; unset or empty, none (a
/// path need not be UTF-8, so it is taken as it is).
pub fn db_from_env() -> Option<PathBuf> {
    std::env::var_os("FICHES_DB")
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
}

/// `--db` and the decks a command reads from the store.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct StoreDecks {
    #[command(flatten)]
    pub store: StoreArg,
    /// Deck files, directories or deck ids [default: decks/ if it exists, and every deck in the store]
    pub decks: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check deck files for errors, for CI and for authors
    #[command(after_help = CHECK_HELP)]
    Check(CheckArgs),
    /// Convert the copied text of a flashcard page into a YAML deck
    #[command(after_help = CONVERT_HELP)]
    Convert(ConvertArgs),
    /// Review the cards due today (and new ones), rating each 1–5
    #[command(after_help = REVIEW_HELP)]
    Review(ReviewArgs),
    /// Browse every card of a deck with its answer, without touching anyone's progress
    Preview(PreviewArgs),
    /// Bring deck edits into the review store and say what changed
    Sync(SyncArgs),
    /// Where each deck stands: new, learning, due, retention
    Stats(StatsArgs),
    /// Every card with its schedule
    Cards(CardsArgs),
    /// Fit the memory model to your own review log now (otherwise done between sessions)
    Fit(FitArgs),
    /// What you will remember on the exam day (or any day), as the model of memory predicts
    Readiness(ReadinessArgs),
    /// Copy the review store safely, even while a session is open (use this, not cp)
    #[command(after_help = BACKUP_HELP)]
    Backup(BackupArgs),
    /// Export decks for Anki: a package (.apkg), Anki's text format, or CSV
    #[command(after_help = EXPORT_HELP)]
    Export(ExportArgs),
    /// Import an Anki package (.apkg, .colpkg) or Anki's text export as a YAML deck
    #[command(after_help = IMPORT_HELP)]
    Import(ImportArgs),
    /// Merge students' review logs (from `fiches export --log`) into the class report
    #[command(after_help = REPORT_HELP)]
    Report(ReportArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    #[command(after_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. `fiches man | man -l -`
    Man,
}

/// After `fiches check --help`.
const CHECK_HELP: &str =
    "Exit status: 0 no errors, 1 some deck has errors, 2 usage or I/O problem.";

/// After `fiches convert --help`.
const CONVERT_HELP: &str = "Writes the deck on stdout (or to -o), and what was merged, skipped or left out on stderr.\nExit status: 0 deck written, 1 no card found, 2 usage or I/O problem.";

/// After `fiches review --help`.
const REVIEW_HELP: &str = "Exit status: 0 session over (every rating saved), 1 a deck has errors (the others are reviewed), 2 usage or I/O problem, the store deleted or replaced during the session (the ratings since are not where fiches reads them), or Esc while waiting for another fiches process writing to the store (every earlier rating saved), 128+N killed by signal N.";

/// After `fiches backup --help`.
const BACKUP_HELP: &str = "Exit status: 0 copied, 2 usage or I/O problem.";

/// After `fiches export --help`.
const EXPORT_HELP: &str = "Each card becomes an Anki note whose GUID is the card's id (or derived from its deck and question), so importing again updates the notes.\nExit status: 0 written, 1 a deck had errors (left out), 2 usage or I/O problem.";

/// After `fiches import --help`.
const IMPORT_HELP: &str = "Basic-like notes become question and answer, cloze notes `kind: cloze`; each card keeps its note's GUID as `id` and its tags. Media are not imported: each card that refers to some says so in its `note`.\nA package of several Anki decks gives one deck file, whose cards name their Anki deck in `source`; with an existing folder for -o, a deck file in it for each Anki deck, named and titled after it.\nThe deck written passes `fiches check --strict`: what it would refuse is left out, and said, on stderr, with what was read.\nExit status: 0 written (and, with --with-history, the history brought), 1 no card to import (nothing written), or a deck the review store refused to sync (its history left out), 2 usage or I/O problem, a file that is not an Anki one (nothing written), or a review store that could not be opened for --with-history (the decks are written: run again with --force).";

/// After `fiches report --help`.
const REPORT_HELP: &str = "Per card: students, reviews, lapse rate, mean first rating, share of answer items ticked, reviews graded (a graded card is read by its verdict, not its rating); per deck and tag; the 20 hardest cards with their deck file and line.\nExit status: 0 reported, 2 a file that is not a log, or an I/O problem (nothing reported).";

/// After `fiches completions --help`.
const COMPLETIONS_HELP: &str = "bash: fiches completions bash > ~/.local/share/bash-completion/completions/fiches\nzsh:  fiches completions zsh > ~/.zfunc/_fiches   (with fpath+=~/.zfunc)\nfish: fiches completions fish > ~/.config/fish/completions/fiches.fish";

#[derive(Debug, clap::Args)]
pub struct ReadinessArgs {
    #[command(flatten)]
    pub select: StoreDecks,
    /// The day (YYYY-MM-DD) [default: the decks' exam day, else today]
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub on: Option<chrono::NaiveDate>,
    /// Figures by deck or by tag (the JSON has both)
    #[arg(long, value_enum, default_value_t = ReadinessBy::Deck)]
    pub by: ReadinessBy,
    /// The minutes a day the plan is followed with (1–600) [default:
    /// $FICHES_MINUTES, else your usual time, from the log]
    #[arg(long, value_name = "N", value_parser = parse_minutes)]
    pub minutes: Option<u32>,
    /// Only the cards carrying this tag, their own or their deck's (repeat
    /// for several: a card with any of them)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// One JSON object on stdout
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReadinessBy {
    Deck,
    Tag,
}

#[derive(Debug, clap::Args)]
pub struct FitArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// One JSON object on stdout
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// Where to write the copy
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// Replace PATH if it exists
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub struct ReviewArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// Deck files, directories or deck ids [default: decks/ if it exists, else the decks in the store]
    pub decks: Vec<PathBuf>,
    /// Plain lines instead of the full screen (automatic when stdin or stdout is not a terminal)
    #[arg(long)]
    pub plain: bool,
    /// New cards to introduce per day, across all decks
    #[arg(long, value_name = "N", default_value_t = crate::review::DEFAULT_NEW_PER_DAY,
          allow_negative_numbers = true, value_parser = parse_count)]
    pub new: usize,
    /// Plan to an exam on this day (YYYY-MM-DD): every card seen in time,
    /// nothing scheduled after it, a final pass the day before [default: the decks' `exam`]
    #[arg(long, value_name = "DATE", value_parser = parse_day, conflicts_with = "cram")]
    pub exam: Option<chrono::NaiveDate>,
    /// Go through every card now, weakest first, without moving the schedule
    #[arg(long)]
    pub cram: bool,
    /// Hold about N minutes of work, estimated from your own time per card
    /// (1–600) [default: $FICHES_MINUTES, else no bound]
    #[arg(long, value_name = "N", value_parser = parse_minutes)]
    pub minutes: Option<u32>,
    /// Only the cards carrying this tag, their own or their deck's (repeat
    /// for several: a card with any of them)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    #[command(flatten)]
    pub scheduling: SchedulingArgs,
}

/// Which scheduler sets the due days, over each deck's own `scheduler:`
/// and `retention:`.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct SchedulingArgs {
    /// The scheduler of the decks' due days, sm2 or fsrs [default:
    /// $FICHES_SCHEDULER, else each deck's `scheduler:`, else sm2]
    #[arg(long, value_name = "NAME", value_parser = parse_scheduler)]
    pub scheduler: Option<crate::sched::Scheduler>,
    /// The recall FSRS schedules reviews at, 0.70 to 0.97 [default:
    /// $FICHES_RETENTION, else each deck's `retention:`, else 0.90]
    #[arg(long, value_name = "R", value_parser = parse_retention,
          allow_negative_numbers = true)]
    pub retention: Option<crate::sched::Retention>,
}

impl SchedulingArgs {
    /// These flags, each over its copy given before the command (`before`),
    /// over FICHES_SCHEDULER and FICHES_RETENTION. The variables are read
    /// here, by the commands that schedule, not by clap for every command:
    /// a bad one stops only these, and the error names it.
    pub fn scheduling(
        self,
        before: SchedulingArgs,
    ) -> Result<crate::review::scheduler::Scheduling, String> {
        let scheduler = match self.scheduler.or(before.scheduler) {
            Some(given) => Some(given),
            None => from_env(SCHEDULER_VARIABLE, "--scheduler", parse_scheduler)?,
        };
        let retention = match self.retention.or(before.retention) {
            Some(given) => Some(given),
            None => from_env(RETENTION_VARIABLE, "--retention", parse_retention)?,
        };
        Ok(crate::review::scheduler::Scheduling {
            scheduler,
            retention,
        })
    }
}

pub const SCHEDULER_VARIABLE: &str = "FICHES_SCHEDULER";
pub const RETENTION_VARIABLE: &str = "FICHES_RETENTION";

pub const MINUTES_VARIABLE: &str = "FICHES_MINUTES";

/// FICHES_MINUTES, for the deck list (which has no `--minutes` of its own).
pub fn minutes_from_env() -> Result<Option<u32>, String> {
    from_env_fixed(MINUTES_VARIABLE, "set it right or unset it", parse_minutes)
}

/// `--minutes` as given, else FICHES_MINUTES, for review, stats and
/// readiness. The variable is read here, not by clap, so that it follows the
/// rule of the other variables: empty is as unset, and a bad value is an
/// error naming the variable (clap's would name `--minutes`, not typed).
pub fn minutes_or_env(given: Option<u32>) -> Result<Option<u32>, String> {
    match given {
        Some(minutes) => Ok(Some(minutes)),
        None => from_env(MINUTES_VARIABLE, "--minutes", parse_minutes),
    }
}

/// The variable's value, parsed; unset or empty, none.
fn from_env<T>(
    name: &str,
    flag: &str,
    parse: fn(&str) -> Result<T, String>,
) -> Result<Option<T>, String> {
    from_env_fixed(
        name,
        &format!("set it right, unset it, or give {flag}"),
        parse,
    )
}

/// The same, `fix` saying what to do with a bad value.
fn from_env_fixed<T>(
    name: &str,
    fix: &str,
    parse: fn(&str) -> Result<T, String>,
) -> Result<Option<T>, String> {
    match std::env::var(name) {
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(format!("{name} in the environment is not UTF-8: {fix}"))
        }
        Ok(value) if value.is_empty() => Ok(None),
        Ok(value) => parse(&value)
            .map(Some)
            .map_err(|why| format!("{name} in the environment: {why}; {fix}")),
    }
}

fn parse_scheduler(text: &str) -> Result<crate::sched::Scheduler, String> {
    crate::sched::Scheduler::parse(text).ok_or_else(|| {
        format!(
            "{text:?} is not a scheduler: give {} (SM-2 is the default)",
            crate::sched::Scheduler::NAMES
        )
    })
}

fn parse_retention(text: &str) -> Result<crate::sched::Retention, String> {
    crate::sched::Retention::parse(text).ok_or_else(|| {
        format!(
            "{text:?} is not a retention FSRS can schedule at: give a number from 0.70 to 0.97 (the share of cards you want to recall when they come back; 0.90 by default)"
        )
    })
}

/// The most minutes one session may be asked to hold: ten hours.
pub const MAX_MINUTES: u32 = crate::review::exam_plan::MAX_MINUTES;

fn parse_minutes(text: &str) -> Result<u32, String> {
    match text.trim().parse::<i64>() {
        Ok(n) if (1..=i64::from(MAX_MINUTES)).contains(&n) => Ok(u32::try_from(n).unwrap_or(1)),
        Ok(n) if n < 1 => Err(format!(
            "{n} is not a number of minutes to study: give at least 1"
        )),
        Ok(n) => Err(format!(
            "{n} minutes is more than one session can hold: give at most {MAX_MINUTES}"
        )),
        Err(_) => Err(format!("{text:?} is not a whole number of minutes")),
    }
}

fn parse_count(text: &str) -> Result<usize, String> {
    match text.trim().parse::<i64>() {
        Ok(n) if n < 0 => Err(format!(
            "{n} is below 0: give how many new cards to introduce today, 0 or more (0: none)"
        )),
        _ => text
            .trim()
            .parse::<usize>()
            .map_err(|_| format!("{text:?} is not a number of cards (0 or more)")),
    }
}

fn parse_day(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("{text:?} is not a date written YYYY-MM-DD"))
}

#[derive(Debug, clap::Args)]
pub struct PreviewArgs {
    /// A deck file, a directory of decks, or a deck id [default: decks/]
    pub deck: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// Deck files, directories or deck ids [default: decks/]
    pub decks: Vec<PathBuf>,
    /// Show what would change without writing anything
    #[arg(long)]
    pub dry_run: bool,
    /// Read every deck file again, even those whose size and time say they are as synced
    #[arg(long)]
    pub full: bool,
}

#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub select: StoreDecks,
    /// One JSON document on stdout
    #[arg(long)]
    pub json: bool,
    /// The plan to an exam on this day (YYYY-MM-DD) [default: the decks' `exam`]
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub exam: Option<chrono::NaiveDate>,
    /// How well the model of memory has predicted you, and your own ratings
    #[arg(long, conflicts_with = "exam")]
    pub calibration: bool,
    /// The figures of the cards carrying this tag (their own or their
    /// deck's) instead of each deck's; repeat for several
    #[arg(long = "tag", value_name = "TAG", conflicts_with_all = ["exam", "calibration"])]
    pub tags: Vec<String>,
    /// The minutes a day you study, to say whether they see every card
    /// before the exam (1–600) [default: $FICHES_MINUTES, else your usual
    /// time, from the log]
    #[arg(long, value_name = "N", value_parser = parse_minutes)]
    pub minutes: Option<u32>,
    #[command(flatten)]
    pub scheduling: SchedulingArgs,
}

#[derive(Debug, clap::Args)]
pub struct CardsArgs {
    #[command(flatten)]
    pub select: StoreDecks,
    /// A JSON array on stdout
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub scheduling: SchedulingArgs,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Deck files, directories (searched for *.yaml and *.yml) or deck ids [default: decks/]
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

/// `--from`: the converter's formats, named and described for the command
/// line here, so that the converter does not depend on clap.
impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &Format::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()).help(self.looks_like()))
    }
}

#[derive(Debug, clap::Args)]
pub struct ConvertArgs {
    /// The page's format [default: the one the text looks like]
    #[arg(long = "from", value_enum, value_name = "FORMAT")]
    pub from: Option<Format>,
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

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// Deck files or directories [default: decks/]
    pub decks: Vec<PathBuf>,
    /// What to write [default: from the file's extension: .apkg, .csv, else anki-text]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<ExportFormat>,
    /// The file to write
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// Carry each card's review state (due day, interval, ease, reps, lapses) and its review log
    #[arg(long)]
    pub with_scheduling: bool,
    /// Write this store's review log instead (jsonl or csv), for an instructor's `fiches report`
    #[arg(long)]
    pub log: bool,
    /// Replace the file given with -o if it exists
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Review logs written by `fiches export --log` (JSON lines or CSV)
    #[arg(required = true, value_name = "LOG")]
    pub logs: Vec<PathBuf>,
    /// What to print
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Write the report to this file instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    /// Markdown tables, to paste into a course page
    Md,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// The Anki package or text export
    pub input: PathBuf,
    /// The deck file to write, or an existing folder: a deck file in it for each Anki deck
    #[arg(short = 'o', long = "output", value_name = "DECK.yaml|FOLDER")]
    pub output: PathBuf,
    /// Replace the file (or files) -o names if it exists
    #[arg(long)]
    pub force: bool,
    /// The deck's title [default: the Anki deck's name, else the file name]; not with a folder
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// Bring the package's review log and card states into the review store, on the imported cards
    #[arg(long)]
    pub with_history: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// An Anki package, for Anki, AnkiDroid and AnkiMobile
    Apkg,
    /// Anki's text import format (tab-separated, with header lines)
    AnkiText,
    /// CSV with a header row: guid, notetype, deck, front, back, tags (with --log: the log's fields)
    Csv,
    /// JSON lines, one rating a line (with --log)
    Jsonl,
}

impl ExportFormat {
    pub fn from_path(path: &std::path::Path) -> ExportFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("apkg") => ExportFormat::Apkg,
            Some(e) if e.eq_ignore_ascii_case("csv") => ExportFormat::Csv,
            Some(e) if e.eq_ignore_ascii_case("jsonl") => ExportFormat::Jsonl,
            _ => ExportFormat::AnkiText,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
