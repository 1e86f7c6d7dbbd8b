-- Sync re-reads only the cards whose text changed: each card remembers the
-- hash of its text in the file, each deck the hash of what precedes its cards.
-- Cards are matched in memory, so the index on questions only slowed inserts.

ALTER TABLE cards ADD COLUMN text_hash INTEGER;
ALTER TABLE decks ADD COLUMN header_hash INTEGER;
DROP INDEX cards_by_question;
