//! A session's queue: the due cards first, read from the store a page at a
//! time in the queue's order, then the final pass and new cards, then the
//! cards coming back to be relearnt. Each step costs the same whatever the
//! queue's length: counts are kept as cards come and go, never recounted.

use std::collections::VecDeque;

use super::Remaining;
use super::plan::{DayPlan, DueLater, Slot, SlotKind};
use crate::store::{DueCursor, DuePage};

/// Due cards read from the store at a time.
pub const DUE_PAGE: usize = 64;

#[derive(Debug, Clone)]
pub(super) struct Queue {
    /// Due cards read and not yet shown, and cards whose rating was taken back.
    front: VecDeque<Slot>,
    /// Due cards not read yet: they come after `front`.
    unread: Option<DueLater>,
    /// The final pass, new cards, relearning.
    back: VecDeque<Slot>,
    left: Remaining,
}

impl Queue {
    pub fn new(plan: DayPlan) -> Queue {
        let mut queue = Queue {
            front: VecDeque::new(),
            unread: None,
            back: VecDeque::new(),
            left: Remaining::default(),
        };
        let split = plan.due_later.as_ref().map_or(0, |later| later.after);
        for (i, slot) in plan.queue.into_iter().enumerate() {
            queue.count(slot, 1);
            if i < split {
                queue.front.push_back(slot);
            } else {
                queue.back.push_back(slot);
            }
        }
        if let Some(later) = plan.due_later {
            queue.left.due += later.count;
            queue.unread = Some(later);
        }
        queue
    }

    fn count(&mut self, slot: Slot, added: isize) {
        let n = match slot.kind {
            SlotKind::New => &mut self.left.new,
            SlotKind::Due | SlotKind::FinalPass => &mut self.left.due,
            SlotKind::Relearning => &mut self.left.relearning,
        };
        *n = n.saturating_add_signed(added);
    }

    pub fn front(&self) -> Option<Slot> {
        self.front.front().or_else(|| self.back.front()).copied()
    }

    pub fn len(&self) -> usize {
        self.left.new + self.left.due + self.left.relearning
    }

    pub fn remaining(&self) -> Remaining {
        self.left
    }

    pub fn pop_front(&mut self) -> Option<Slot> {
        let slot = self.front.pop_front().or_else(|| self.back.pop_front())?;
        self.count(slot, -1);
        Some(slot)
    }

    pub fn push_front(&mut self, slot: Slot) {
        self.count(slot, 1);
        self.front.push_front(slot);
    }

    /// Puts `slot` back after `after` other cards not being relearnt.
    pub fn insert_relearning(&mut self, slot: Slot, after: usize) {
        self.count(slot, 1);
        let mut others = 0;
        let mut place = |queue: &VecDeque<Slot>| {
            queue.iter().position(|s| {
                let enough = others == after;
                if s.kind != SlotKind::Relearning {
                    others += 1;
                }
                enough
            })
        };
        if let Some(at) = place(&self.front) {
            self.front.insert(at, slot);
        } else if self.unread.is_some() {
            // Before the due cards not read yet (`front` holds a page of
            // them, so this is only reached with `after` that long).
            self.front.push_back(slot);
        } else {
            let at = place(&self.back).unwrap_or(self.back.len());
            self.back.insert(at, slot);
        }
    }

    /// Takes out the relearning entry of `card` (a card has one at most).
    pub fn remove_relearning(&mut self, card: crate::store::CardId) {
        let is_it = |s: &Slot| s.card == card && s.kind == SlotKind::Relearning;
        let found = match self.front.iter().position(is_it) {
            Some(pos) => self.front.remove(pos),
            None => self
                .back
                .iter()
                .position(is_it)
                .and_then(|pos| self.back.remove(pos)),
        };
        if let Some(slot) = found {
            self.count(slot, -1);
        }
    }

    /// The due cards to read before the card at the front is rated, so
    /// that the next one is at hand: where to read from, and how many.
    pub fn wants_due(&self) -> Option<(DueCursor, usize)> {
        let later = self.unread.as_ref()?;
        (self.front.len() <= 1).then_some((later.from, later.count.min(DUE_PAGE)))
    }

    /// Adds due cards read from the store after those already queued.
    pub fn add_due(&mut self, page: DuePage) {
        let Some(mut later) = self.unread.take() else {
            return;
        };
        let took = page.entries.len().min(later.count);
        for entry in &page.entries[..took] {
            self.front.push_back(later.slot(entry));
        }
        later.count -= took;
        // The due cards counted and not found were rated in another
        // session meanwhile: they are no longer due.
        match page.next {
            Some(from) if later.count > 0 && took > 0 => {
                later.from = from;
                self.unread = Some(later);
            }
            _ => self.left.due -= later.count,
        }
    }
}
