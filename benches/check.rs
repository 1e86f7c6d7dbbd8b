//! `fiches check` of a 100,000-card deck against the YAML library alone
//! parsing the same file into its generic value type, and against
//! serde_yaml (the usual Rust YAML library) doing the same.
//!
//! Run: `cargo bench --bench check`

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::path::Path;

fn main() {
    let text = common::deck_text(100_000);
    let bytes = text.as_bytes();
    println!("deck: 100,000 cards, {:.1} MB", bytes.len() as f64 / 1e6);
    let baseline = common::median(5, || {
        let value = fiches::deck::yaml::parse_generic(&text).expect("the generated deck parses");
        std::hint::black_box(value);
    });
    let check = common::median(5, || {
        let loaded = fiches::deck::parse_deck(Path::new("bench.yaml"), bytes);
        assert!(loaded.diagnostics.is_empty());
        std::hint::black_box(loaded);
    });
    let serde_yaml_alone = common::median(5, || {
        let value: serde_yaml::Value = serde_yaml::from_str(&text).expect("serde_yaml parses it");
        std::hint::black_box(value);
    });
    println!(
        "YAML library into serde_json::Value: {}",
        common::ms(baseline)
    );
    println!(
        "serde_yaml alone into serde_yaml::Value: {}",
        common::ms(serde_yaml_alone)
    );
    println!(
        "fiches check (parse + every rule):    {}",
        common::ms(check)
    );
    println!(
        "ratio to the YAML library: {:.2} (goal: at most 1.5); to serde_yaml: {:.2}",
        check.as_secs_f64() / baseline.as_secs_f64(),
        check.as_secs_f64() / serde_yaml_alone.as_secs_f64()
    );
}
