-- A deck's own choice of scheduler (`scheduler:`) and the retention FSRS
-- aims at for it (`retention:`), as last synced; NULL when the deck names
-- none (SM-2, and 0.90). SM-2's state stays in `cards` under either: an
-- FSRS due day is computed from the memory the log replays, never stored,
-- so a deck switching back to SM-2 finds SM-2's own due days.

ALTER TABLE decks ADD COLUMN scheduler TEXT CHECK (scheduler IN ('sm2', 'fsrs'));
ALTER TABLE decks ADD COLUMN retention INTEGER CHECK (retention BETWEEN 70 AND 97);
