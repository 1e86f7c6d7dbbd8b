//! The decks a sync leaves out for what they share with other decks: an id
//! taken twice, among the files synced or against the store.

use super::*;

/// The rules between decks, as `fiches check` applies them, and against
/// what the store keeps: a deck whose id, or one of whose card ids, is
/// another deck's is left out with a diagnostic, so the store never holds
/// two decks with one id or two cards with one id.
pub(super) fn leave_out_conflicts(store: &Store, planned: &mut [Planned]) -> Result<(), SyncError> {
    // Between the decks read in this sync: with one, there is nothing to
    // compare (its own duplicates are its own rules').
    let read = planned
        .iter()
        .filter(|p| {
            matches!(
                p,
                Planned::Outcome {
                    outcome: Outcome::Changed(_),
                    ..
                } | Planned::Skipped(_)
            )
        })
        .count();
    let mut problems: Vec<Diagnostic> = if read < 2 {
        Vec::new()
    } else {
        let ids: Vec<DeckIds<'_>> = planned
            .iter()
            .filter_map(|p| match p {
                Planned::Outcome {
                    outcome: Outcome::Changed(plan),
                    ids,
                    ..
                } => Some(DeckIds {
                    path: &plan.sync.path,
                    deck: &plan.sync.deck,
                    cards: ids.iter().map(|(id, pos)| (id.as_str(), *pos)).collect(),
                }),
                Planned::Skipped(s) => DeckIds::of(&s.loaded),
                Planned::Outcome { .. } => None,
            })
            .collect();
        deck::cross_check_ids(&ids)
    };
    // A deck id already taken by a deck that stays: unchanged in this sync,
    // or synced before from another file that is still there.
    let canonicals: FastSet<String> = planned
        .iter()
        .filter_map(|p| match p {
            Planned::Outcome {
                outcome: Outcome::Changed(plan),
                ..
            } => Some(plan.source.canonical.clone()),
            _ => None,
        })
        .collect();
    let unchanged: HashMap<DeckId, PathBuf> = planned
        .iter()
        .filter_map(|p| match p {
            Planned::Outcome {
                outcome: Outcome::Unchanged(sync),
                ..
            } => Some((sync.deck.clone(), sync.path.clone())),
            _ => None,
        })
        .collect();
    let stored_paths: HashMap<DeckId, String> = store.deck_paths()?.into_iter().collect();
    for p in planned.iter() {
        let Planned::Outcome {
            outcome: Outcome::Changed(plan),
            ..
        } = p
        else {
            continue;
        };
        let other = match unchanged.get(&plan.sync.deck) {
            Some(path) => Some(path.display().to_string()),
            None => stored_paths
                .get(&plan.sync.deck)
                .filter(|path| {
                    **path != plan.source.canonical
                        && !canonicals.contains(*path)
                        && !file_is_gone(path)
                })
                .cloned(),
        };
        // The id another file of this sync was last synced under and now
        // leaves: both decks would be written from that id's rows.
        let leaving = planned.iter().find_map(|q| match q {
            Planned::Outcome {
                outcome: Outcome::Changed(other),
                ..
            } if other.sync.renamed_from.as_ref() == Some(&plan.sync.deck)
                && other.sync.path != plan.sync.path =>
            {
                Some(other)
            }
            _ => None,
        });
        if let Some(other) = leaving {
            problems.push(Diagnostic::error(
                &plan.sync.path,
                Pos::new(1, 1),
                format!(
                    "deck id `{}` is still held by {}, which now says `id: {}`: this deck waits until {} is synced under its new id; sync again then",
                    plan.sync.deck,
                    other.sync.path.display(),
                    other.sync.deck,
                    other.sync.path.display()
                ),
            ));
            continue;
        }
        if let Some(other) = other {
            problems.push(Diagnostic::error(
                &plan.sync.path,
                Pos::new(1, 1),
                format!(
                    "deck id `{}` is also the id of {other}: give one of them another `id`",
                    plan.sync.deck
                ),
            ));
        }
    }
    leave_out(planned, problems);
    // Card ids the store holds live in a deck that keeps its rows.
    if !planned.iter().any(|p| match p {
        Planned::Outcome {
            outcome: Outcome::Changed(plan),
            ..
        } => !plan.claimed_ids().is_empty(),
        _ => false,
    }) {
        return Ok(());
    }
    let keyed = store.keyed_rows()?;
    loop {
        let mut rewritten: FastSet<DeckId> = FastSet::default();
        let mut as_they_were: FastSet<DeckId> = FastSet::default();
        for p in planned.iter() {
            match p {
                Planned::Outcome {
                    outcome: Outcome::Changed(plan),
                    rows_of,
                    ..
                } => {
                    rewritten.insert(plan.sync.deck.clone());
                    rewritten.extend(rows_of.clone());
                }
                Planned::Outcome {
                    outcome: Outcome::Unchanged(sync),
                    ..
                } => {
                    as_they_were.insert(sync.deck.clone());
                }
                Planned::Skipped(s) => as_they_were.extend(s.last_synced.clone()),
            }
        }
        // Decks that keep their rows: all but those rewritten, less those
        // whose file is gone (their cards may move to another deck).
        let kept: FastSet<DeckId> = stored_paths
            .iter()
            .filter(|(id, path)| {
                !rewritten.contains(*id) && (as_they_were.contains(*id) || !file_is_gone(path))
            })
            .map(|(id, _)| id.clone())
            .collect();
        let plans = planned.iter().enumerate().filter_map(|(i, p)| match p {
            Planned::Outcome {
                outcome: Outcome::Changed(plan),
                ..
            } => Some((i, plan.as_ref())),
            _ => None,
        });
        let taken = plan::ids_taken(plans, &keyed, &kept);
        if taken.is_empty() {
            return Ok(());
        }
        let problems: Vec<Diagnostic> = taken
            .into_iter()
            .filter_map(|t| {
                let Planned::Outcome {
                    outcome: Outcome::Changed(plan),
                    ..
                } = &planned[t.outcome]
                else {
                    return None;
                };
                let holder = stored_paths
                    .get(&t.holder.deck)
                    .filter(|p| !p.is_empty())
                    .map_or_else(|| format!("deck `{}`", t.holder.deck), Clone::clone);
                Some(Diagnostic::error(
                    &plan.sync.path,
                    Pos::new(t.line, 3),
                    format!(
                        "duplicate card id `{}`: already used in {holder}:{} (deck `{}` as last synced): card ids must be unique across decks",
                        t.key, t.holder.line, t.holder.deck
                    ),
                ))
            })
            .collect();
        leave_out(planned, problems);
    }
}

/// Leaves out of the sync each deck a diagnostic names, with it.
fn leave_out(planned: &mut [Planned], problems: Vec<Diagnostic>) {
    for problem in problems {
        let Some(p) = planned.iter_mut().find(|p| match p {
            Planned::Outcome {
                outcome: Outcome::Changed(plan),
                ..
            } => plan.sync.path == problem.path,
            Planned::Skipped(s) => s.loaded.path == problem.path,
            Planned::Outcome { .. } => false,
        }) else {
            continue;
        };
        match p {
            Planned::Skipped(s) => s.loaded.diagnostics.push(problem),
            Planned::Outcome {
                loaded,
                last_synced,
                ..
            } => {
                let mut loaded = std::mem::replace(loaded, LoadedDeck::empty(Path::new("")));
                loaded.diagnostics.push(problem);
                *p = Planned::Skipped(SkippedDeck {
                    loaded,
                    last_synced: last_synced.clone(),
                    between_decks: true,
                });
            }
        }
    }
}
