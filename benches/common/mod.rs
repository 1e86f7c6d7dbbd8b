//! Shared by the benchmarks: generated decks and a simple timer.

#![allow(dead_code, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A deck of `cards` cards shaped like the course decks: half with a
/// three-item list answer, accents throughout.
pub fn deck_text(cards: usize) -> String {
    let mut out = String::with_capacity(cards * 200);
    out.push_str("title: \"Paquet généré\"\ncards:\n");
    for i in 0..cards {
        out.push_str(&format!("  - id: \"c{i}\"\n    q: \"Question numéro {i} : quelle est la caractéristique du service ?\"\n"));
        if i % 2 == 1 {
            out.push_str("    points: 3\n    a:\n");
            for j in 0..3 {
                out.push_str(&format!(
                    "      - \"Élément {j} de la réponse {i}, avec é, à et ç;\"\n"
                ));
            }
        } else {
            out.push_str(&format!("    a: \"Réponse simple {i}.\"\n"));
        }
        out.push_str(&format!("    tags: [\"t{}\"]\n", i % 7));
    }
    out
}

pub fn write_deck(dir: &Path, name: &str, cards: usize) -> PathBuf {
    std::fs::create_dir_all(dir).expect("bench directory");
    let path = dir.join(name);
    std::fs::write(&path, deck_text(cards)).expect("write deck");
    path
}

pub fn bench_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(name)
}

/// The median of `runs` timings of `f`, after one warm-up run.
pub fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    f();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// A small random number generator (xorshift): the simulations are the
/// same from one run to the next for a seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform().max(1e-12), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}
