//! The end of a session: its account (what was rated, what is left today,
//! what comes next) and the words both front ends say it in.

use std::collections::HashSet;
use std::io::{self, Write};

use chrono::NaiveDate;

use super::{DEFAULT_NEW_PER_DAY, Plan, Remaining, Session, SessionError, plan, scheduler};
use crate::deck::DeckId;
use crate::store::{CardId, Recorded, Store, StoreError};

/// The end-of-session account.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub cards_reviewed: usize,
    /// Ratings given, indexed by rating − 1.
    pub ratings: [usize; 5],
    /// What is still to do today in these decks: cards due, cards waiting
    /// to be relearned, new cards of today's plan not started.
    pub left_today: Remaining,
    /// Cards of these decks never reviewed.
    pub unseen: usize,
    /// New cards that more new cards today (`n`, a higher `--new`) would add.
    pub more_new: usize,
    /// The daily new-card limit the session ran with (a day-by-day plan).
    pub new_per_day: Option<usize>,
    /// Cards of these decks (what a cram goes through).
    pub cards: usize,
    /// Next days with cards due, with how many.
    pub upcoming: Vec<(NaiveDate, usize)>,
    /// Why the session's ratings are not where the next session reads
    /// them (the store deleted or replaced meanwhile).
    pub store_lost: Option<String>,
    /// A study by tag: the tags asked, whose cards alone the figures count.
    pub tags: Vec<String>,
}

impl Summary {
    /// `--tag T` for each tag of a study by tag, to continue it: "" otherwise.
    pub fn tag_args(&self) -> String {
        self.tags
            .iter()
            .map(|t| format!(" --tag {}", shell_word(t)))
            .collect()
    }

    /// What the figures count, for a study by tag: "the 12 cards tagged liste".
    pub fn covered_text(&self) -> Option<String> {
        (!self.tags.is_empty()).then(|| {
            let tags: Vec<String> = self
                .tags
                .iter()
                .map(|t| crate::text::one_line(t).into_owned())
                .collect();
            format!(
                "These figures are of the {} {} tagged {}.",
                self.cards,
                cards(self.cards),
                tags.join(" or ")
            )
        })
    }

    pub fn total_ratings(&self) -> usize {
        self.ratings.iter().sum()
    }

    /// Nothing left to do today.
    pub fn day_done(&self) -> bool {
        self.left_today == Remaining::default()
    }

    /// How many of each rating, in words: "1: 0, 2: 3, …", `separator` between.
    pub fn ratings_text(&self, separator: &str) -> String {
        let counts: Vec<String> = self
            .ratings
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{}: {n}", i + 1))
            .collect();
        counts.join(separator)
    }

    /// "Still to do today: 12 due, 2 to relearn, 20 new.", or "Nothing left
    /// for today.".
    pub fn today_text(&self) -> String {
        match self.left_today_text() {
            Some(left) => format!("Still to do today: {left}."),
            None => "Nothing left for today.".to_string(),
        }
    }

    /// What is still to do today, in words: "12 due, 2 to relearn, 20 new".
    pub fn left_today_text(&self) -> Option<String> {
        let left = self.left_today;
        let parts: Vec<String> = [
            (left.due, "due"),
            (left.relearning, "to relearn"),
            (left.new, "new"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    /// The next days with cards due: "2026-12-02 (5 cards), …".
    pub fn upcoming_text(&self) -> Option<String> {
        let next: Vec<String> = self
            .upcoming
            .iter()
            .map(|(day, n)| format!("{} ({n} {})", day.format("%Y-%m-%d"), cards(*n)))
            .collect();
        (!next.is_empty()).then(|| next.join(", "))
    }
}

fn cards(n: usize) -> &'static str {
    if n == 1 { "card" } else { "cards" }
}

/// A tag as a shell reads it back: quoted unless plain.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':'));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// What a committed rating did, as both front ends say it.
pub fn saved_text(recorded: &Recorded, comes_back: bool) -> String {
    let rating = recorded.rating;
    let Some(due) = recorded.next_due else {
        // Only a cram leaves a card without a review day: it logs the
        // rating and keeps the schedule as it was.
        return format!(
            "Saved {rating}: a cram leaves the schedule alone; this card has no review day yet."
        );
    };
    let next = due.format("%Y-%m-%d");
    if comes_back {
        format!("Saved {rating}: the card comes back in this session (next review {next}).")
    } else {
        format!("Saved {rating}: next review {next}.")
    }
}

/// The session's account in words, as both front ends end with it.
pub fn write_summary(out: &mut impl Write, summary: &Summary) -> io::Result<()> {
    writeln!(out)?;
    if let Some(lost) = &summary.store_lost {
        writeln!(out, "Not saved where fiches will read it: {lost}.")?;
    }
    if summary.total_ratings() == 0 {
        writeln!(out, "Session over: no cards reviewed.")?;
    } else {
        writeln!(
            out,
            "Session over: {} card{} reviewed, {} rating{} ({}).",
            summary.cards_reviewed,
            if summary.cards_reviewed == 1 { "" } else { "s" },
            summary.total_ratings(),
            if summary.total_ratings() == 1 {
                ""
            } else {
                "s"
            },
            summary.ratings_text(", ")
        )?;
    }
    // Today first, then later days.
    if let Some(covered) = summary.covered_text() {
        writeln!(out, "{covered}")?;
    }
    writeln!(out, "{}", summary.today_text())?;
    let tags = summary.tag_args();
    if summary.day_done() {
        if summary.more_new > 0 {
            let limit = summary.new_per_day.unwrap_or(DEFAULT_NEW_PER_DAY) + summary.more_new;
            writeln!(
                out,
                "New cards: {} not seen yet; `fiches review{tags} --new {limit}` adds {} more today.",
                summary.unseen, summary.more_new
            )?;
        } else if summary.unseen > 0 {
            writeln!(out, "New cards: {} not seen yet.", summary.unseen)?;
        }
        if summary.cards > 0 {
            writeln!(
                out,
                "`fiches review{tags} --cram` goes through every card{} now (the schedule stays as it is).",
                if tags.is_empty() { "" } else { " of the tags" }
            )?;
        }
    }
    match summary.upcoming_text() {
        Some(next) => writeln!(out, "Next due: {next}.")?,
        None => writeln!(out, "Nothing else is scheduled yet.")?,
    }
    Ok(())
}

impl Session {
    pub fn summary(&self, store: &Store) -> Result<Summary, SessionError> {
        let mut ratings = [0; 5];
        let mut reviewed = HashSet::new();
        for step in &self.done {
            ratings[usize::from(step.recorded.rating.value() - 1)] += 1;
            reviewed.insert(step.recorded.card);
        }
        let fsrs_decks: Vec<&DeckId> = self.fsrs.iter().map(|(d, _)| d).collect();
        let sm2_decks: Vec<DeckId> = self
            .decks
            .iter()
            .filter(|d| !fsrs_decks.contains(d))
            .cloned()
            .collect();
        let fsrs_due = scheduler::fsrs_due(store, &self.fsrs)?;
        if let Some(only) = &self.only {
            return self.tagged_summary(store, only, &fsrs_due, reviewed.len(), ratings);
        }
        let left_today = Remaining {
            due: store.due_count(&sm2_decks, self.day)? + scheduler::due_count(&fsrs_due, self.day),
            relearning: store.relearning_on(&self.decks, self.day)?.len(),
            new: self.new_left(),
        };
        let unseen = store.unseen_count(&self.decks)?;
        let new_per_day = self.new_per_day();
        let mut more_new = 0;
        for deck in self.decks_taking_more_new(store)? {
            more_new += store.unseen_count(std::slice::from_ref(deck))?;
        }
        let more_new = more_new
            .saturating_sub(left_today.new)
            .min(DEFAULT_NEW_PER_DAY);
        let mut cards = 0;
        for deck in &self.decks {
            cards += store.deck_stats(deck, self.day)?.cards;
        }
        Ok(Summary {
            cards_reviewed: reviewed.len(),
            ratings,
            left_today,
            unseen,
            more_new,
            new_per_day,
            cards,
            upcoming: scheduler::upcoming(
                store.upcoming(&sm2_decks, self.day, 3)?,
                &fsrs_due,
                self.day,
                3,
            ),
            store_lost: store.still_in_place().err().map(|err| err.to_string()),
            tags: Vec::new(),
        })
    }

    /// New cards of today's plan not started (a cram is not the day's
    /// plan: its cards are not "new today").
    fn new_left(&self) -> usize {
        if self.plan == Plan::Cram {
            0
        } else {
            self.remaining().new
        }
    }

    /// The daily new-card limit, for a session planned day by day.
    fn new_per_day(&self) -> Option<usize> {
        match self.plan {
            Plan::Daily { new_per_day } => Some(new_per_day),
            _ => None,
        }
    }

    /// The decks that more new cards today would add to: only those planned
    /// day by day (an exam plans its own).
    fn decks_taking_more_new(&self, store: &Store) -> Result<Vec<&DeckId>, StoreError> {
        let mut decks = Vec::new();
        if self.new_per_day().is_some() {
            for deck in &self.decks {
                let exam = store.exam_day(std::slice::from_ref(deck))?;
                if plan::deck_exam(self.plan, exam, self.day).is_none() {
                    decks.push(deck);
                }
            }
        }
        Ok(decks)
    }

    /// The summary of a study by tag: its figures count the tagged cards alone.
    fn tagged_summary(
        &self,
        store: &Store,
        only: &HashSet<CardId>,
        fsrs_due: &[scheduler::FsrsDue],
        cards_reviewed: usize,
        ratings: [usize; 5],
    ) -> Result<Summary, SessionError> {
        // A card FSRS schedules is due on FSRS's day, not SM-2's.
        let fsrs_day: std::collections::HashMap<CardId, NaiveDate> =
            fsrs_due.iter().map(|f| (f.card, f.due)).collect();
        let rows: Vec<crate::store::CardRow> = store
            .card_rows(&self.decks)?
            .into_iter()
            .filter(|row| !row.retired && only.contains(&row.card))
            .collect();
        let due_on = |row: &crate::store::CardRow| fsrs_day.get(&row.card).copied().or(row.due);
        let relearning: HashSet<CardId> = store
            .relearning_on(&self.decks, self.day)?
            .iter()
            .map(|entry| entry.card)
            .filter(|card| only.contains(card))
            .collect();
        let due = rows
            .iter()
            .filter(|row| due_on(row).is_some_and(|d| d <= self.day))
            .filter(|row| !relearning.contains(&row.card))
            .count();
        let left_today = Remaining {
            due,
            relearning: relearning.len(),
            new: self.new_left(),
        };
        let unseen = rows.iter().filter(|row| row.due.is_none()).count();
        let new_per_day = self.new_per_day();
        let mut more_new = 0;
        for deck in self.decks_taking_more_new(store)? {
            more_new += rows
                .iter()
                .filter(|row| row.due.is_none() && row.deck == deck.as_str())
                .count();
        }
        let mut upcoming: std::collections::BTreeMap<NaiveDate, usize> = Default::default();
        for day in rows.iter().filter_map(due_on).filter(|d| *d > self.day) {
            *upcoming.entry(day).or_default() += 1;
        }
        Ok(Summary {
            cards_reviewed,
            ratings,
            left_today,
            unseen,
            more_new: more_new
                .saturating_sub(left_today.new)
                .min(DEFAULT_NEW_PER_DAY),
            new_per_day,
            cards: rows.len(),
            upcoming: upcoming.into_iter().take(3).collect(),
            store_lost: store.still_in_place().err().map(|err| err.to_string()),
            tags: self.only_tags.clone(),
        })
    }
}
