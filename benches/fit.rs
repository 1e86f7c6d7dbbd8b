//! The model's fit on a large log: the whole log against samples of its
//! cards capped at several sizes, for how well each fitted model predicts
//! the whole log (its log loss, and its parameters beside the whole fit's),
//! how long each fit takes and how much memory it adds at its peak.
//!
//! The log is simulated: cards reviewed by a student whose memory is FSRS
//! with weights of their own (hidden from the fit), each review's outcome
//! drawn from the recall those weights give, at the intervals they give
//! for 90 % recall, with some noise; about as many reviews to fit on as the
//! store benchmark's (535,000).
//!
//! Run: `cargo bench --bench fit` (FIT_CARDS=N for another number of cards).

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::time::Instant;

use chrono::{Days, NaiveDate};
use fiches::memory::fit::{self, CardLog, SampleBuilder};
use fiches::memory::{Logged, Model};
use fiches::sched::Rating;
use fsrs::{DEFAULT_PARAMETERS, FSRS, MemoryState};

use common::Rng;

/// The hidden student's weights: the defaults, a few moved.
fn student_weights() -> Vec<f32> {
    let mut w = DEFAULT_PARAMETERS.to_vec();
    for (i, scale) in [
        (0, 0.6),
        (1, 0.7),
        (2, 1.5),
        (3, 1.4),
        (8, 1.15),
        (11, 1.3),
        (15, 0.8),
        (20, 0.7),
    ] {
        w[i] *= scale;
    }
    w
}

/// One card's log: a first review on a day of the first 300, then reviews
/// at the student's intervals (noisy) until day 500 or 14 reviews.
fn card_log(fsrs: &FSRS, decay: f32, rng: &mut Rng) -> Vec<Logged> {
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let mut day = rng.next() % 300;
    let mut log = Vec::new();
    let mut memory: Option<MemoryState> = None;
    let mut elapsed = 0u32;
    while day < 500 && log.len() < 14 {
        let recalled = match memory {
            None => rng.uniform() > 0.25,
            Some(m) => {
                let r = fsrs::current_retrievability(m, elapsed as f32, decay);
                rng.uniform() < f64::from(r)
            }
        };
        // FSRS grades 1–4; the log's ratings 1 (Again), 3, 4, 5.
        let (grade, rating) = if !recalled {
            (1, 1)
        } else {
            match rng.uniform() {
                u if u < 0.15 => (2, 3),
                u if u < 0.9 => (3, 4),
                _ => (4, 5),
            }
        };
        log.push(Logged::rated(
            start + Days::new(day),
            Rating::new(rating).unwrap(),
        ));
        let next = fsrs.next_states(memory, 0.9, elapsed).unwrap();
        let state = match grade {
            1 => next.again,
            2 => next.hard,
            3 => next.good,
            _ => next.easy,
        };
        memory = Some(state.memory);
        let noisy = f64::from(state.interval) * (0.8 + 0.4 * rng.uniform());
        let gap = noisy.round().max(1.0) as u64;
        day += gap;
        elapsed = gap as u32;
    }
    log
}

/// Peak resident memory since the last reset, and the memory resident now,
/// in KiB (Linux: /proc/self/status).
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap()
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// Resets the peak resident memory to the memory resident now.
fn reset_peak() {
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
}

fn log_loss(model: &Model, items: &[fsrs::FSRSItem]) -> f32 {
    FSRS::new(model.weights())
        .unwrap()
        .evaluate(items.to_vec(), |_| true)
        .unwrap()
        .log_loss
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// The simulated log of `cards` cards.
fn simulated_log(cards: usize, hidden: &[f32]) -> Vec<Vec<Logged>> {
    let fsrs = FSRS::new(hidden).unwrap();
    let mut rng = Rng(0x5eed_f175);
    (0..cards)
        .map(|_| card_log(&fsrs, hidden[20], &mut rng))
        .collect()
}

fn cards() -> usize {
    std::env::var("FIT_CARDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(54_000)
}

/// One fit, capped at `cap` (`usize::MAX`: the whole log), in a process of
/// its own so that its peak memory is its own: prints the time, the
/// memory it added, the log loss on the whole log, and the weights.
fn one_fit(cap: usize) {
    let hidden = student_weights();
    let logs = simulated_log(cards(), &hidden);
    reset_peak();
    let (_, before) = memory_kib();
    let started = Instant::now();
    let mut builder = SampleBuilder::new(cap);
    for (key, log) in logs.iter().enumerate() {
        builder.offer(key as i64, (0, key as i64), log.clone());
    }
    let sample = builder.finish();
    let fitted = fit::fit_sample(&Model::defaults(), &sample, |_, _| {}).unwrap();
    let took = started.elapsed();
    let (peak, _) = memory_kib();
    let kept = sample.kept;
    let held: usize = fit::training_items(&sample.logs())
        .iter()
        .map(|item| item.reviews.len())
        .sum();
    drop(sample);
    let whole: Vec<CardLog<'_>> = logs.iter().map(|log| CardLog { log }).collect();
    let items = fit::training_items(&whole);
    let shown: Vec<String> = fitted.weights().iter().map(|w| w.to_string()).collect();
    println!(
        "{kept} {held} {:.2} {:.2} {:.6} {}",
        took.as_secs_f64(),
        peak.saturating_sub(before) as f64 / 1024.0,
        log_loss(&fitted, &items),
        shown.join(",")
    );
}

fn main() {
    if let Some(cap) = std::env::var("FIT_ONE_CAP")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        one_fit(cap);
        return;
    }
    println!("load average at the start: {}", load_average());
    let hidden = student_weights();
    let logs = simulated_log(cards(), &hidden);
    let whole: Vec<CardLog<'_>> = logs.iter().map(|log| CardLog { log }).collect();
    let size = fit::fit_size(&whole);
    let items = fit::training_items(&whole);
    let held: usize = items.iter().map(|item| item.reviews.len()).sum();
    println!(
        "log: {} cards, {} reviews, {size} to fit on, whose training items hold {held} reviews",
        logs.len(),
        logs.iter().map(Vec::len).sum::<usize>()
    );
    let truth = Model::new(&hidden, fiches::memory::Source::Defaults).unwrap();
    println!(
        "log loss on the whole log: the hidden weights {:.5}, the defaults {:.5}",
        log_loss(&truth, &items),
        log_loss(&Model::defaults(), &items)
    );
    drop(items);
    let mut caps = vec![50_000, 100_000, 250_000, 500_000, 1_000_000];
    caps.retain(|&cap| cap < held);
    caps.push(usize::MAX);
    let relative = |a: &[f32], b: &[f32]| -> Vec<f32> {
        a.iter()
            .zip(b)
            .map(|(x, y)| ((x - y) / y.abs().max(0.01)).abs())
            .collect()
    };
    let mut whole_fit: Option<Vec<f32>> = None;
    for cap in caps.into_iter().rev() {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .env("FIT_ONE_CAP", cap.to_string())
            .output()
            .unwrap();
        assert!(out.status.success(), "the fit capped at {cap} failed");
        let line = String::from_utf8(out.stdout).unwrap();
        let fields: Vec<&str> = line.split_whitespace().collect();
        let weights: Vec<f32> = fields[5].split(',').map(|w| w.parse().unwrap()).collect();
        let apart = whole_fit.as_ref().map_or(0.0, |w| {
            relative(&weights, w).into_iter().fold(0.0, f32::max)
        });
        let gaps = relative(&weights, &hidden);
        let hidden_gap = (gaps.iter().map(|g| g * g).sum::<f32>() / gaps.len() as f32).sqrt();
        let label = if cap == usize::MAX {
            "whole log".to_string()
        } else {
            format!("cap {cap}")
        };
        println!(
            "{label}: trained on {} reviews (items holding {}), {} s, peak {} MiB above the log held; log loss on the whole log {}; largest relative gap to the whole fit's weights {apart:.3}; relative RMS gap to the hidden weights {hidden_gap:.3}",
            fields[0], fields[1], fields[2], fields[3], fields[4]
        );
        let shown: Vec<String> = weights.iter().map(|w| format!("{w:.3}")).collect();
        println!("  weights [{}]", shown.join(", "));
        if whole_fit.is_none() {
            whole_fit = Some(weights);
        }
    }
    let shown: Vec<String> = hidden.iter().map(|w| format!("{w:.3}")).collect();
    println!("hidden weights [{}]", shown.join(", "));
    println!("load average at the end: {}", load_average());
}
