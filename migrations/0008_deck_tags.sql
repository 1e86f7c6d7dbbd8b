-- A deck's own `tags:` (a card's tags are in `cards.tags`): studying by tag
-- takes a deck's cards when the deck carries the tag.

ALTER TABLE decks ADD COLUMN tags TEXT NOT NULL DEFAULT '[]'; -- JSON list

-- Decks synced before this column existed are read again in full at the
-- next sync, so their tags are stored (their cards keep their history).
UPDATE decks SET file_size = -1, file_hash = 0, header_hash = NULL;
