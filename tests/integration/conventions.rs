//! The conventions of a command-line tool: completions, a manual page, and
//! a version that names the commit it was built from.

use std::process::Command;

use crate::support::{Scratch, fiches_in};

#[test]
fn completions_cover_every_command_in_every_shell() {
    let scratch = Scratch::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = fiches_in(&scratch.path, &["completions", shell]);
        assert_eq!(run.status, 0, "{shell}: {}", run.stderr);
        for command in ["review", "export", "check", "convert", "completions", "man"] {
            assert!(run.stdout.contains(command), "{shell} lacks {command}");
        }
    }
    let bash = fiches_in(&scratch.path, &["completions", "bash"]);
    let script = scratch.write("fiches.bash", &bash.stdout);
    let syntax = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        syntax.status.success(),
        "{}",
        String::from_utf8_lossy(&syntax.stderr)
    );
    let wrong = fiches_in(&scratch.path, &["completions", "tcsh"]);
    assert_eq!(wrong.status, 2);
    assert!(wrong.stderr.contains("possible values"), "{}", wrong.stderr);
}

#[test]
fn the_manual_page_is_roff_naming_the_commands() {
    let scratch = Scratch::new();
    let run = fiches_in(&scratch.path, &["man"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains(".TH fiches 1"), "{}", run.stdout);
    for command in ["review", "export", "completions"] {
        assert!(run.stdout.contains(command), "the page lacks {command}");
    }
}

#[test]
fn the_version_names_the_commit_when_built_from_git() {
    let scratch = Scratch::new();
    let run = fiches_in(&scratch.path, &["--version"]);
    assert_eq!(run.status, 0);
    assert!(
        run.stdout
            .starts_with(&format!("fiches {}", env!("CARGO_PKG_VERSION"))),
        "{}",
        run.stdout
    );
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match commit {
        Some(commit) => assert!(
            run.stdout.contains(&format!("({commit}")),
            "{} lacks {commit}",
            run.stdout
        ),
        None => eprintln!("skipping the commit check: not built from a git checkout"),
    }
}
