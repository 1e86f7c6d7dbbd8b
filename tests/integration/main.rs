//! The `fiches` binary as a user runs it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod anki;
mod anki_import;
mod check;
mod class;
mod concurrency;
mod conventions;
mod convert;
mod day;
mod decks;
mod exam;
mod faults;
mod files;
mod hostile;
mod hostile_text;
mod input;
mod kinds;
mod memory;
mod naming;
mod review;
mod robustness;
mod scheduler;
mod store;
mod support;
mod tags;
mod terminal;
mod verdicts;
mod writes;
