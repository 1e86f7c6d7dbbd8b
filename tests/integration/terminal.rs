//! The real binary in a real pseudo-terminal (tmux): reveal, rate, quit;
//! and the terminal restored, every rating kept, when it is killed.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::{BIN, Scratch};

const DECK: &str = r#"title: "Terminal"
cards:
  - id: "un"
    q: "Première question ?"
    points: 2
    a: ["premier élément", "second élément"]
  - id: "deux"
    q: "Deuxième question ?"
    a: "Réponse."
"#;

pub struct Tmux {
    socket: String,
    scratch: Scratch,
}

pub fn tmux_installed() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is needed for the terminal tests in CI"
        );
        eprintln!("skipping: tmux is not installed");
    }
    found
}

/// `text` as one word for /bin/sh.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

impl Tmux {
    /// Starts `fiches ARGS` in an 80×24 terminal, in a scratch directory with the deck.
    pub fn start(args: &str) -> Tmux {
        Tmux::start_with(args, &[])
    }

    /// [`Tmux::start`], with more files (name, contents) in the directory.
    pub fn start_with(args: &str, files: &[(&str, &str)]) -> Tmux {
        Tmux::start_in(Scratch::new(), "", args, files)
    }

    /// The same in `scratch`, with `env` (`NAME=value …`) set after ours.
    pub fn start_in(scratch: Scratch, env: &str, args: &str, files: &[(&str, &str)]) -> Tmux {
        scratch.write("decks/terminal.yaml", DECK);
        for (name, contents) in files {
            scratch.write(name, contents);
        }
        let socket = format!(
            "fiches-test-{}",
            scratch.path.file_name().unwrap().to_string_lossy()
        );
        let dir = quoted(&scratch.path.display().to_string());
        let db = quoted(&format!("{}/store.db", scratch.path.display()));
        let status = quoted(&format!("{}/exit-status", scratch.path.display()));
        let command = format!(
            "cd {dir} && env FICHES_DB={db} FICHES_NOW=2026-12-01T09:00:00-05:00 TERM=xterm-256color {env} {bin} {args}; echo $? > {status}",
            bin = quoted(BIN),
        );
        let tmux = Tmux { socket, scratch };
        tmux.run(&[
            "new-session",
            "-d",
            "-x",
            "80",
            "-y",
            "24",
            "-s",
            "t",
            // Given as several words, tmux runs it as it is: /bin/sh, not
            // the default-shell that $SHELL or a tmux.conf would choose.
            "/bin/sh",
            "-c",
            &command,
        ]);
        tmux.run(&["set-option", "-t", "t", "remain-on-exit", "on"]);
        tmux
    }

    pub fn run(&self, args: &[&str]) -> String {
        // No ~/.tmux.conf: the terminal is the same on every machine.
        let output = Command::new("tmux")
            .arg("-f")
            .arg("/dev/null")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        for key in keys {
            self.run(&["send-keys", "-t", "t", key]);
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "t"])
    }

    pub fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "waited for {text:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn pane(&self, format: &str) -> String {
        self.run(&["display-message", "-p", "-t", "t", format])
            .trim()
            .to_string()
    }

    pub fn wait_dead(&self) {
        let start = Instant::now();
        while self.pane("#{pane_dead}") != "1" {
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "fiches did not exit:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn store(&self) -> &Path {
        &self.scratch.path
    }

    pub fn last_ratings(&self) -> Vec<(String, Option<u64>)> {
        let output = Command::new(BIN)
            .args(["cards", "--json"])
            .current_dir(self.store())
            .env("FICHES_DB", self.store().join("store.db"))
            .env("FICHES_NOW", "2026-12-01T09:00:00-05:00")
            .output()
            .unwrap();
        let cards: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
        cards
            .iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap().to_string(),
                    c["last_rating"].as_u64(),
                )
            })
            .collect()
    }
}

impl Tmux {
    /// Ends the terminal and what runs in it.
    pub fn stop(&self) {
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }

    /// The exit status noted by the pane's shell once fiches ended.
    pub fn exit_status(&self) -> String {
        std::fs::read_to_string(self.store().join("exit-status"))
            .unwrap_or_default()
            .trim()
            .to_string()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.stop();
    }
}

#[test]
fn review_in_a_terminal_reveals_rates_and_quits() {
    if !tmux_installed() {
        return;
    }
    let tmux = Tmux::start("review");
    tmux.wait_for("Première question ?");
    assert_eq!(
        tmux.pane("#{alternate_on}"),
        "1",
        "the review uses the alternate screen"
    );
    tmux.keys(&["Space"]);
    tmux.wait_for("[ ] 2. second élément");
    tmux.keys(&["x", "Enter"]);
    tmux.wait_for("Deuxième question ?");
    tmux.keys(&["Space", "5", "q"]);
    tmux.wait_for("Session over: everything is saved.");
    tmux.keys(&["q"]);
    tmux.wait_dead();
    assert_eq!(tmux.pane("#{alternate_on}"), "0", "terminal restored");
    let screen = tmux.run(&["capture-pane", "-p", "-e", "-S", "-", "-t", "t"]);
    assert!(
        screen
            .contains("Session over: 2 cards reviewed, 2 ratings (1: 0, 2: 0, 3: 1, 4: 0, 5: 1)."),
        "{screen:?}"
    );
    assert_eq!(
        tmux.last_ratings(),
        vec![("un".to_string(), Some(3)), ("deux".to_string(), Some(5))]
    );
}

fn killed_mid_review_keeps_ratings(signal: &str, status: &str) {
    if !tmux_installed() {
        return;
    }
    let tmux = Tmux::start("review");
    tmux.wait_for("Première question ?");
    tmux.keys(&["Space", "4"]);
    tmux.wait_for("Deuxième question ?");
    // The pane runs a shell that notes the exit status; fiches is its child.
    let shell = tmux.pane("#{pane_pid}");
    let found = Command::new("pgrep").args(["-P", &shell]).output().unwrap();
    let pid = String::from_utf8_lossy(&found.stdout).trim().to_string();
    assert!(!pid.is_empty(), "no fiches process under the pane's shell");
    let killed = Command::new("kill").args([signal, &pid]).status().unwrap();
    assert!(killed.success());
    tmux.wait_dead();
    assert_eq!(
        tmux.pane("#{alternate_on}"),
        "0",
        "terminal restored after {signal}"
    );
    let noted = std::fs::read_to_string(tmux.store().join("exit-status")).unwrap();
    assert_eq!(noted.trim(), status, "exit status 128 + signal");
    assert_eq!(
        tmux.last_ratings(),
        vec![("un".to_string(), Some(4)), ("deux".to_string(), None)]
    );
}

#[test]
fn sigterm_restores_the_terminal_and_keeps_ratings() {
    killed_mid_review_keeps_ratings("-TERM", "143");
}

#[test]
fn sighup_restores_the_terminal_and_keeps_ratings() {
    killed_mid_review_keeps_ratings("-HUP", "129");
}

/// The screen's rows, trimmed and joined: a wrapped line reads whole.
fn joined(screen: &str) -> String {
    screen
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

const BROKEN: &str = "title: \"Cassé\"\ncards:\n  - q: \"Sans réponse ?\"\n";

#[test]
fn a_broken_deck_is_announced_on_the_screen_that_leaves_it_out() {
    if !tmux_installed() {
        return;
    }
    for args in ["review", ""] {
        let tmux = Tmux::start_with(args, &[("decks/casse.yaml", BROKEN)]);
        let screen = tmux.wait_for(if args.is_empty() {
            "fiches · decks"
        } else {
            "Première question ?"
        });
        let whole = joined(&screen);
        assert!(
            whole.contains("decks/casse.yaml has 1 error: it is left out; `fiches check decks/casse.yaml` shows them."),
            "{args:?}: {screen}"
        );
        tmux.keys(&["q"]);
        if !args.is_empty() {
            tmux.wait_for("Session over: everything is saved.");
            tmux.keys(&["q"]);
        }
        tmux.wait_dead();
        let status = std::fs::read_to_string(tmux.store().join("exit-status")).unwrap_or_default();
        assert_eq!(status.trim(), "1", "{args:?}: a deck had errors");
    }
}

/// Another process holding the store's write lock, as a stopped `sqlite3`
/// in `BEGIN IMMEDIATE` or a stopped fiches would; released when dropped.
pub struct WriteLock(rusqlite::Connection);

impl WriteLock {
    pub fn take(db: &Path) -> WriteLock {
        let conn = rusqlite::Connection::open(db).unwrap();
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        WriteLock(conn)
    }

    pub fn release(self) {
        self.0.execute_batch("ROLLBACK").unwrap();
    }
}

#[test]
fn a_locked_store_says_it_waits_and_esc_gives_up_keeping_earlier_ratings() {
    if !tmux_installed() {
        return;
    }
    let tmux = Tmux::start("review");
    tmux.wait_for("Première question ?");
    tmux.keys(&["Space", "4"]);
    tmux.wait_for("Deuxième question ?");
    let lock = WriteLock::take(&tmux.store().join("store.db"));
    tmux.keys(&["Space", "5"]);
    let screen = tmux.wait_for("Waiting for another fiches process");
    assert!(screen.contains("Esc gives up"), "{screen}");
    // Keys while waiting rate nothing.
    tmux.keys(&["3"]);
    tmux.wait_for("Waiting for another fiches process");
    tmux.keys(&["Escape"]);
    tmux.wait_dead();
    assert_eq!(tmux.pane("#{alternate_on}"), "0", "terminal restored");
    assert_eq!(tmux.exit_status(), "2");
    let screen = tmux.run(&["capture-pane", "-p", "-J", "-S", "-", "-t", "t"]);
    assert!(
        screen.contains("gave up waiting for another fiches process"),
        "{screen}"
    );
    lock.release();
    assert_eq!(
        tmux.last_ratings(),
        vec![("un".to_string(), Some(4)), ("deux".to_string(), None)]
    );
}

#[test]
fn a_locked_store_is_waited_for_and_the_rating_saved_once_free() {
    if !tmux_installed() {
        return;
    }
    let tmux = Tmux::start("review");
    tmux.wait_for("Première question ?");
    let lock = WriteLock::take(&tmux.store().join("store.db"));
    tmux.keys(&["Space", "4"]);
    tmux.wait_for("Waiting for another fiches process");
    lock.release();
    tmux.wait_for("Deuxième question ?");
    tmux.keys(&["Space", "5"]);
    tmux.wait_for("Session over");
    tmux.keys(&["q"]);
    tmux.wait_dead();
    assert_eq!(tmux.exit_status(), "0");
    assert_eq!(
        tmux.last_ratings(),
        vec![("un".to_string(), Some(4)), ("deux".to_string(), Some(5))]
    );
}

/// The store deleted, or another file renamed over it, under an open
/// session: the next rating is refused and said so, never "saved".
#[test]
fn a_store_deleted_or_replaced_under_the_screen_refuses_the_next_rating() {
    if !tmux_installed() {
        return;
    }
    for replaced in [false, true] {
        let tmux = Tmux::start("review");
        tmux.wait_for("Première question ?");
        let db = tmux.store().join("store.db");
        if replaced {
            let other = tmux.store().join("other.db");
            std::fs::copy(&db, &other).unwrap();
            std::fs::rename(&other, &db).unwrap();
        } else {
            std::fs::remove_file(&db).unwrap();
        }
        tmux.keys(&["Space", "4"]);
        let screen = tmux.wait_for("NOT saved");
        let joined = tmux.run(&["capture-pane", "-p", "-J", "-t", "t"]);
        let said = if replaced { "replaced" } else { "deleted" };
        assert!(joined.contains(said), "{screen}");
        assert!(joined.contains("store.db"), "{screen}");
        assert!(screen.contains("Première question ?"), "{screen}");
        // The summary does not claim the session saved.
        tmux.keys(&["q"]);
        let summary = tmux.wait_for("Session over, NOT saved");
        assert!(!summary.contains("everything is saved"), "{summary}");
        tmux.keys(&["q"]);
        tmux.wait_dead();
        let left = tmux.run(&["capture-pane", "-p", "-J", "-S", "-", "-t", "t"]);
        assert!(
            left.contains("Not saved where fiches will read it"),
            "{left}"
        );
        assert_eq!(tmux.exit_status(), "2", "{left}");
        if replaced {
            assert_eq!(
                tmux.last_ratings(),
                vec![("un".to_string(), None), ("deux".to_string(), None)]
            );
        }
    }
}
