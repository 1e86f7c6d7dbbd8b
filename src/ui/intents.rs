//! The one place the screens meet the store and the clock. A key handler
//! returns what the student asked for (an [`Intent`]); [`run`] does it and
//! tells the screen what came of it ([`News`]). Screens never do I/O.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::decks::{DeckList, DeckRow, DeckRows};
use super::preview::PreviewScreen;
use super::review::ReviewScreen;
use super::stats::{Forecast, StatsPage, StatsScreen};
use super::{Control, Ctx, Screen, UiError};
use crate::clock;
use crate::deck::{self, DeckId};
use crate::review::{Current, DEFAULT_NEW_PER_DAY, Session, Summary, UndoError, outlook, standing};
use crate::sched::Rating;
use crate::store::{Recorded, Store, StoreError};

/// What a key asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// Nothing beyond what the screen did itself.
    Stay,
    Close,
    /// Rate the card shown; `ticks` are the answer items recalled (1-based)
    /// for an answer of several items; `verdict` a graded card's grade;
    /// `took_ms` how long it was shown.
    Rate {
        rating: Rating,
        ticks: Option<Vec<usize>>,
        verdict: Option<crate::sched::Verdict>,
        took_ms: u64,
    },
    /// Take back the session's last rating.
    Undo,
    /// End the review: its summary.
    Finish,
    /// Nothing left today: as many new cards again.
    MoreNew,
    /// Nothing left today: every card, weakest first, schedule untouched.
    Cram,
    /// Review a deck's day, holding about `minutes` of work when given
    /// (FICHES_MINUTES, as `review --minutes`).
    OpenReview {
        deck: DeckId,
        minutes: Option<u32>,
    },
    /// Preview a deck from the file it was synced from.
    OpenPreview {
        deck: DeckId,
        path: Option<PathBuf>,
    },
    OpenStats(DeckId),
    /// Read the deck list's figures again (a review may have changed them),
    /// its exam forecast at these minutes a day when given.
    RefreshDecks {
        decks: Vec<DeckId>,
        minutes: Option<u32>,
    },
}

/// What to show after a rating or an undo.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    Card(Box<Current>),
    /// No card left: the session's summary.
    Over(Summary),
}

/// What came of an intent, for the screen to show.
#[derive(Debug, Clone, PartialEq)]
pub enum News {
    /// The rating is committed; `requeued`: the card comes back later in
    /// the session.
    Rated {
        recorded: Recorded,
        requeued: bool,
        next: Next,
    },
    Undone {
        recorded: Recorded,
        next: Next,
    },
    Over(Summary),
    /// The session planned again (more new cards, a cram): what comes now.
    Replanned(Next),
    Decks(DeckRows),
    /// Something to tell the student; nothing changed.
    Message(String),
}

/// Runs an intent of the screen `top`.
pub fn run(top: &mut dyn Screen, intent: Intent, ctx: &mut Ctx<'_>) -> Control {
    execute(top, intent, ctx).unwrap_or_else(Control::Fail)
}

fn execute(top: &mut dyn Screen, intent: Intent, ctx: &mut Ctx<'_>) -> Result<Control, UiError> {
    match intent {
        Intent::Stay => {}
        Intent::Close => return Ok(Control::Close),
        Intent::Rate {
            rating,
            ticks,
            verdict,
            took_ms,
        } => {
            let store = ctx.store.as_deref_mut().ok_or(UiError::NoStore)?;
            let now = (ctx.now)()?;
            let Some(session) = top.session() else {
                return Ok(Control::Continue);
            };
            // Committed here, before the next card is shown. A store that
            // refuses it (a full disk) keeps the card: the student may free
            // space and rate again, or quit with everything before it saved.
            match session.rate(store, rating, now, took_ms, ticks.as_deref(), verdict) {
                Ok(Some(recorded)) => {
                    let requeued = session.last_comes_back();
                    let next = next(session, store)?;
                    top.show(News::Rated {
                        recorded,
                        requeued,
                        next,
                    });
                }
                Ok(None) => {}
                // Another process is writing: the loop says so and tries again.
                Err(crate::review::SessionError::Store(StoreError::Busy { path })) => {
                    return Ok(Control::Wait(Box::new(super::Waiting {
                        intent: Intent::Rate {
                            rating,
                            ticks,
                            verdict,
                            took_ms,
                        },
                        store: path,
                    })));
                }
                Err(crate::review::SessionError::Store(err)) => {
                    top.show(News::Message(crate::review::not_saved(&err)));
                }
                Err(err) => return Err(err.into()),
            }
        }
        Intent::Undo => {
            let store = ctx.store.as_deref_mut().ok_or(UiError::NoStore)?;
            let Some(session) = top.session() else {
                return Ok(Control::Continue);
            };
            let news = match session.undo(store) {
                Ok(Some(recorded)) => News::Undone {
                    recorded,
                    next: next(session, store)?,
                },
                Ok(None) => News::Message("Nothing to undo.".into()),
                Err(UndoError::RatedElsewhere) => {
                    News::Message(UndoError::RatedElsewhere.to_string())
                }
                Err(UndoError::Store(StoreError::Busy { path })) => {
                    return Ok(Control::Wait(Box::new(super::Waiting {
                        intent: Intent::Undo,
                        store: path,
                    })));
                }
                Err(UndoError::Store(
                    err @ (StoreError::DiskFull { .. }
                    | StoreError::Deleted { .. }
                    | StoreError::Replaced { .. }),
                )) => News::Message(format!("Not undone: {err}.")),
                Err(UndoError::Store(err)) => return Err(err.into()),
            };
            top.show(news);
        }
        Intent::Finish => {
            let (Some(store), Some(session)) = (ctx.store.as_deref(), top.session()) else {
                return Ok(Control::Close);
            };
            let summary = session.summary(store)?;
            top.show(News::Over(summary));
        }
        Intent::MoreNew | Intent::Cram => {
            let store = ctx.store.as_deref().ok_or(UiError::NoStore)?;
            let now = (ctx.now)()?;
            let Some(session) = top.session() else {
                return Ok(Control::Continue);
            };
            let plan = match intent {
                Intent::MoreNew => session.more_new_plan(),
                _ => Some(crate::review::Plan::Cram),
            };
            let Some(plan) = plan else {
                return Ok(Control::Continue);
            };
            session.replan(store, now, plan)?;
            let news = News::Replanned(next(session, store)?);
            top.show(news);
        }
        Intent::OpenReview { deck, minutes } => {
            let store = ctx.store.as_deref().ok_or(UiError::NoStore)?;
            let now = (ctx.now)()?;
            let session = Session::start_scheduled(
                store,
                vec![deck],
                now,
                crate::review::Plan::Daily {
                    new_per_day: DEFAULT_NEW_PER_DAY,
                },
                (minutes, None),
                ctx.scheduling,
            )?;
            return Ok(Control::Open(Box::new(open_review(session, store)?)));
        }
        Intent::OpenPreview { deck, path } => {
            let Some(path) = path.filter(|p| p.is_file()) else {
                top.show(News::Message(format!(
                    "The file of deck `{deck}` is not where it was synced from."
                )));
                return Ok(Control::Continue);
            };
            match deck::read_deck(&path) {
                Ok(loaded) => return Ok(Control::Open(Box::new(PreviewScreen::new(loaded)))),
                Err(err) => top.show(News::Message(format!(
                    "Cannot read {}: {err}",
                    path.display()
                ))),
            }
        }
        Intent::OpenStats(deck) => {
            let store = ctx.store.as_deref().ok_or(UiError::NoStore)?;
            let today = clock::study_day((ctx.now)()?);
            let screen = open_stats_scheduled(
                store,
                std::slice::from_ref(&deck),
                today,
                None,
                ctx.scheduling,
            )?;
            return Ok(Control::Open(Box::new(screen)));
        }
        Intent::RefreshDecks { decks, minutes } => {
            if let (Some(store), Ok(now)) = (ctx.store.as_deref(), (ctx.now)()) {
                let today = clock::study_day(now);
                top.show(
                    match deck_rows(store, &decks, today, (ctx.scheduling, minutes)) {
                        Ok(rows) => News::Decks(rows),
                        Err(err) => News::Message(err.to_string()),
                    },
                );
            }
        }
    }
    Ok(Control::Continue)
}

/// The session's next card, or its summary when there is none.
fn next(session: &Session, store: &Store) -> Result<Next, UiError> {
    Ok(match session.current(store)? {
        Some(current) => Next::Card(Box::new(current)),
        None => Next::Over(session.summary(store)?),
    })
}

/// The review screen of a session, on its first card.
pub fn open_review(session: Session, store: &Store) -> Result<ReviewScreen, UiError> {
    let first = next(&session, store)?;
    Ok(ReviewScreen::new(session, first))
}

/// The stats screen of these decks: with `exam`, or the decks' own exam
/// day, each page shows the plan.
pub fn open_stats(
    store: &Store,
    decks: &[DeckId],
    today: NaiveDate,
    exam: Option<NaiveDate>,
) -> Result<StatsScreen, StoreError> {
    open_stats_scheduled(store, decks, today, exam, Default::default())
}

/// The stats screen, the due cards of each deck as `scheduling` has them.
pub fn open_stats_scheduled(
    store: &Store,
    decks: &[DeckId],
    today: NaiveDate,
    exam: Option<NaiveDate>,
    scheduling: crate::review::scheduler::Scheduling,
) -> Result<StatsScreen, StoreError> {
    let mut pages = Vec::with_capacity(decks.len());
    let outlook = outlook::read(store, decks)?;
    let note = outlook::model_note(outlook.model.source, &outlook.calibration);
    for (deck, stats) in decks
        .iter()
        .zip(standing::read(store, decks, today, exam, scheduling)?)
    {
        let one = std::slice::from_ref(deck);
        // Readiness by tag on the exam day, or today without one.
        let on = stats.exam.as_ref().map(|e| e.date).unwrap_or(today);
        let mine = outlook.decks.iter().find(|d| d.deck == *deck);
        let by_tag = mine
            .map(|d| outlook::recall_by_tag(&outlook.model, d, on))
            .unwrap_or_default();
        let all = mine.map_or(0.0, |d| {
            outlook::mean_recall(&outlook.model, &d.memories, on)
        });
        pages.push(StatsPage {
            // Under an exam plan the plan decides, as under SM-2.
            due_30_days: match stats.exam {
                Some(_) => store.due_per_day(one, today, 30)?,
                None => {
                    crate::review::scheduler::deck_due_per_day(store, deck, today, 30, scheduling)?
                }
            },
            ratings_30_days: store.ratings_since(one, today, 30)?,
            forecast: Forecast {
                on,
                all,
                by_tag,
                note: with_graded(note.clone(), &store.graded_ratings(one)?),
                calibration: outlook.calibration.clone(),
            },
            stats,
        });
    }
    Ok(StatsScreen::new(today, pages))
}

/// The note of the forecast view, and how the deck's graded cards' ratings
/// held up against their grade (as `stats --calibration` says it).
fn with_graded(note: String, graded: &[(crate::sched::Rating, crate::sched::Verdict)]) -> String {
    if graded.is_empty() {
        return note;
    }
    let at_odds = graded.iter().filter(|(r, v)| v.at_odds_with(*r)).count();
    format!(
        "{note} Of your {} rating{} of graded cards, {at_odds} disagreed with the grade (3 or more on a wrong answer, 1 or 2 on a right one).",
        graded.len(),
        if graded.len() == 1 { "" } else { "s" }
    )
}

/// The deck list, with each deck's figures on `today`.
pub fn open_decks(
    store: &Store,
    decks: Vec<DeckId>,
    today: NaiveDate,
    scheduling: crate::review::scheduler::Scheduling,
) -> Result<DeckList, StoreError> {
    open_decks_planned(store, decks, today, scheduling, None)
}

/// The deck list, its exam forecast made with `minutes` a day when given
/// (FICHES_MINUTES): the recall if the exam plan is followed at them.
pub fn open_decks_planned(
    store: &Store,
    decks: Vec<DeckId>,
    today: NaiveDate,
    scheduling: crate::review::scheduler::Scheduling,
    minutes: Option<u32>,
) -> Result<DeckList, StoreError> {
    let rows = deck_rows(store, &decks, today, (scheduling, minutes))?;
    Ok(DeckList::new(decks, rows, minutes))
}

fn deck_rows(
    store: &Store,
    decks: &[DeckId],
    today: NaiveDate,
    (scheduling, minutes): (crate::review::scheduler::Scheduling, Option<u32>),
) -> Result<DeckRows, StoreError> {
    let exams: Vec<Option<NaiveDate>> = decks
        .iter()
        .map(|id| {
            store
                .exam_day(std::slice::from_ref(id))
                .map(|exam| crate::review::plan::exam_to_come(exam, today))
        })
        .collect::<Result<_, _>>()?;
    // The model (and the student's time a card, when planning with
    // minutes) is read only when some deck has an exam to forecast.
    let (outlook, seconds_per_card) = if exams.iter().any(Option::is_some) {
        let pace = match minutes {
            Some(_) => Some(crate::review::pace(store, minutes)?.seconds_per_card),
            None => None,
        };
        (Some(outlook::read(store, decks)?), pace)
    } else {
        (None, None)
    };
    let outlooks = exam_outlooks(
        outlook.as_ref(),
        decks,
        &exams,
        today,
        minutes.zip(seconds_per_card),
    );
    let rows: Vec<DeckRow> = decks
        .iter()
        .zip(&exams)
        .zip(outlooks)
        .map(|((id, exam), outlook)| {
            let stats = match exam {
                Some(_) => store.deck_stats(id, today)?,
                None => crate::review::scheduler::deck_stats(store, id, today, scheduling)?,
            };
            let exam = outlook;
            Ok(DeckRow {
                id: id.clone(),
                title: stats.title,
                path: store.deck_path(id)?,
                cards: stats.cards,
                new: stats.new,
                due_today: stats.due_today,
                exam,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    // Decks the minutes cannot cover, after what the column is: those of one
    // exam day named together, as their plan shares the minutes.
    let note = outlook.map(|o| {
        let mut note = outlook::exam_column_note(o.model.source, &o.calibration, minutes);
        let mut short: Vec<(String, Vec<String>)> = Vec::new();
        for row in &rows {
            if let Some(warning) = row.exam.as_ref().and_then(|e| e.warning()) {
                match short.iter_mut().find(|(w, _)| *w == warning) {
                    Some((_, ids)) => ids.push(row.id.to_string()),
                    None => short.push((warning, vec![row.id.to_string()])),
                }
            }
        }
        for (warning, ids) in short {
            note.push_str(&format!(" {}: {warning}", ids.join(", ")));
        }
        note
    });
    Ok(DeckRows { rows, note })
}

/// Each deck's exam outlook, `None` without an exam to come. With minutes
/// (and the student's seconds a card), the decks of one exam day are
/// planned together, sharing the minutes as a review of them all does and
/// as `readiness` forecasts them.
fn exam_outlooks(
    outlook: Option<&outlook::Outlook>,
    decks: &[DeckId],
    exams: &[Option<NaiveDate>],
    today: NaiveDate,
    planned: Option<(u32, f64)>,
) -> Vec<Option<outlook::ExamOutlook>> {
    let mut out: Vec<Option<outlook::ExamOutlook>> = vec![None; decks.len()];
    let Some(outlook) = outlook else {
        return out;
    };
    let memories = |id: &DeckId| {
        outlook
            .decks
            .iter()
            .find(|d| d.deck == *id)
            .map(|d| d.memories.as_slice())
    };
    for (i, (id, exam)) in decks.iter().zip(exams).enumerate() {
        let (Some(exam), None) = (exam, &out[i]) else {
            continue;
        };
        match planned {
            None => {
                out[i] = memories(id)
                    .map(|m| outlook::ExamOutlook::new(&outlook.model, m, today, *exam));
            }
            Some((minutes, seconds)) => {
                // This deck and the later ones of the same exam day.
                let together: Vec<(usize, &[Option<crate::memory::Memory>])> = (i..decks.len())
                    .filter(|&j| exams[j] == Some(*exam))
                    .filter_map(|j| memories(&decks[j]).map(|m| (j, m)))
                    .collect();
                let shares: Vec<&[Option<crate::memory::Memory>]> =
                    together.iter().map(|(_, m)| *m).collect();
                let planned = outlook::ExamOutlook::planned(
                    &outlook.model,
                    &shares,
                    (today, *exam),
                    minutes,
                    seconds,
                );
                for ((j, _), one) in together.iter().zip(planned) {
                    out[*j] = Some(one);
                }
            }
        }
    }
    out
}
