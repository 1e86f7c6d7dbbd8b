//! `fiches review`: the day's session.

use std::io::{self, BufReader};

use crate::cli::ReviewArgs;
use crate::clock;
use crate::plain::{self, PlainError};
use crate::review::{Plan, Session, SessionError, plan};

use super::{Failure, Status, open_store, select_decks};

pub fn run(
    args: &ReviewArgs,
    db: Option<&std::path::Path>,
    scheduling: crate::review::scheduler::Scheduling,
) -> Result<Status, Failure> {
    let now = clock::now()?;
    if super::nothing_to_show(&args.decks, db) {
        return Err(super::no_decks());
    }
    let mut store = open_store(db)?;
    let selection = select_decks(&mut store, &args.decks, false, now)?;
    if selection.decks.is_empty() {
        return Err(super::no_decks());
    }
    let status = selection.status();
    let selection_report = selection.report;
    let plan = if args.cram {
        Plan::Cram
    } else {
        let today = clock::study_day(now);
        if let Some(refusal) = args.exam.and_then(|exam| plan::exam_refusal(exam, today)) {
            return Err(Failure::usage(refusal));
        }
        match args.exam {
            Some(exam) if plan::exam_to_come(Some(exam), today).is_none() => {
                eprintln!(
                    "fiches: the exam day {exam} is not to come: reviewing day by day instead"
                );
                Plan::Daily {
                    new_per_day: args.new,
                }
            }
            Some(exam) => Plan::Exam { exam },
            // Decks with their own `exam:` are planned to it.
            None => Plan::Daily {
                new_per_day: args.new,
            },
        }
    };
    let only = super::tags::only_tagged(&store, &selection.decks, &args.tags)?;
    let mut session = Session::start_scheduled(
        &store,
        selection.decks,
        now,
        plan,
        (args.minutes, only.as_ref()),
        scheduling,
    )
    .map_err(session_failure)?;
    session.set_only_tags(args.tags.clone());
    if !args.plain && super::interactive() {
        let mut screen =
            crate::ui::intents::open_review(session, &store).map_err(super::ui_failure)?;
        if let Some(notice) = super::skipped_notice(&selection_report) {
            screen.notice(notice);
        }
        let ended = super::run_screens(Box::new(screen), Some(&mut store), scheduling)
            .map(|s| s.or(status));
        between_sessions(&mut store);
        return ended;
    }
    let stdin = io::stdin();
    let mut input = BufReader::new(stdin.lock());
    let mut out = crate::text::SafeWriter::new(io::stdout().lock());
    let ran = plain::run(&mut session, &mut store, &mut input, &mut out, &clock::now);
    drop(out);
    between_sessions(&mut store);
    match ran {
        // The summary said what was not saved, and where: an I/O problem.
        Ok(summary) if summary.store_lost.is_some() => Ok(Status::Usage),
        Ok(_) => Ok(status),
        Err(PlainError::Session(err)) => Err(session_failure(err)),
        Err(PlainError::Clock(err)) => Err(err.into()),
        Err(err @ PlainError::GaveUp { .. }) => Err(Failure::usage(err.to_string())),
        // stdout closed under us (a pipe to `head`): every rating is saved already.
        Err(PlainError::Io(err)) if err.kind() == io::ErrorKind::BrokenPipe => Ok(status),
        Err(PlainError::Io(err)) => Err(Failure::usage(format!(
            "cannot read or write the terminal: {err}"
        ))),
    }
}

/// The session is over, every rating saved: the memory model's upkeep
/// (a fit when the log has grown enough, the cache of memory states). Its
/// failure loses nothing and is only mentioned.
fn between_sessions(store: &mut crate::store::Store) {
    let Ok(now) = clock::now() else { return };
    let progress = std::io::IsTerminal::is_terminal(&io::stderr());
    if let Err(err) = super::fit::upkeep(store, now, false, progress) {
        eprintln!(
            "fiches: the memory model could not be brought up to date ({err}); your ratings are saved"
        );
    }
}

fn session_failure(err: SessionError) -> Failure {
    match err {
        SessionError::Store(err) => err.into(),
        other => Failure::usage(other.to_string()),
    }
}
