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

struct Tmux {
    socket: String,
    scratch: Scratch,
}

fn tmux_installed() -> bool {
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

impl Tmux {
    /// Starts `fiches ARGS` in an 80×24 terminal, in a scratch directory with the deck.
    fn start(args: &str) -> Tmux {
        Tmux::start_with(args, &[])
    }

    /// [`Tmux::start`], with more files (name, contents) in the directory.
    fn start_with(args: &str, files: &[(&str, &str)]) -> Tmux {
        let scratch = Scratch::new();
        scratch.write("decks/terminal.yaml", DECK);
        for (name, contents) in files {
            scratch.write(name, contents);
        }
        let socket = format!(
            "fiches-test-{}",
            scratch.path.file_name().unwrap().to_string_lossy()
        );
        let command = format!(
            "cd {dir} && env FICHES_DB={dir}/store.db FICHES_NOW=2026-12-01T09:00:00-05:00 TERM=xterm-256color {BIN} {args}; echo $? > {dir}/exit-status",
            dir = scratch.path.display()
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
            &command,
        ]);
        tmux.run(&["set-option", "-t", "t", "remain-on-exit", "on"]);
        tmux
    }

    fn run(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        for key in keys {
            self.run(&["send-keys", "-t", "t", key]);
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "t"])
    }

    fn wait_for(&self, text: &str) -> String {
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

    fn pane(&self, format: &str) -> String {
        self.run(&["display-message", "-p", "-t", "t", format])
            .trim()
            .to_string()
    }

    fn wait_dead(&self) {
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

    fn store(&self) -> &Path {
        &self.scratch.path
    }

    fn last_ratings(&self) -> Vec<(String, Option<u64>)> {
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

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
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
