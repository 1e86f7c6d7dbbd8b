-- The review store. Append-only once shipped: later changes go in new files.

-- A deck as last synced from its file.
CREATE TABLE decks (
    id          TEXT PRIMARY KEY,          -- the deck's `id`, or its file name
    title       TEXT NOT NULL,
    path        TEXT NOT NULL,             -- the file it was last synced from
    position    INTEGER NOT NULL,          -- order in which decks were first seen
    file_size   INTEGER NOT NULL DEFAULT -1,
    file_mtime  INTEGER NOT NULL DEFAULT -1, -- nanoseconds since the epoch
    file_hash   INTEGER NOT NULL DEFAULT 0,  -- FNV-1a of the bytes, to spot a touch without an edit
    synced_at   TEXT NOT NULL
) STRICT;

-- A card and its SM-2 state. Cards are never deleted: a card removed from its
-- deck is retired, and comes back with its history if it is put back.
CREATE TABLE cards (
    id            INTEGER PRIMARY KEY,
    deck          TEXT NOT NULL REFERENCES decks(id),
    key           TEXT,                    -- the author's `id`, when the card has one
    qnorm         TEXT NOT NULL,           -- the question, normalised, to match cards without an id
    question      TEXT NOT NULL,
    answer        TEXT NOT NULL,           -- JSON: a string, or a list of strings
    points        INTEGER,
    tags          TEXT NOT NULL DEFAULT '[]', -- JSON list
    note          TEXT,
    source        TEXT,
    line          INTEGER NOT NULL,
    position      INTEGER NOT NULL,        -- order in the deck
    retired       INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    reps          INTEGER NOT NULL DEFAULT 0,   -- SM-2 n: successful repetitions in a row
    ease          INTEGER NOT NULL DEFAULT 250, -- SM-2 EF in hundredths
    interval      INTEGER NOT NULL DEFAULT 0,   -- SM-2 I in days
    due           TEXT,                    -- YYYY-MM-DD; NULL for a card never reviewed
    lapses        INTEGER NOT NULL DEFAULT 0,
    last_rating   INTEGER,
    last_day      TEXT                     -- study day of the last scheduling rating
) STRICT;

CREATE UNIQUE INDEX cards_by_key ON cards(deck, key) WHERE key IS NOT NULL;
CREATE INDEX cards_by_question ON cards(deck, qnorm);
CREATE INDEX cards_by_due ON cards(deck, retired, due, position);

-- Every rating ever given. Rows are only ever deleted by undo.
CREATE TABLE reviews (
    id              INTEGER PRIMARY KEY,
    card            INTEGER NOT NULL REFERENCES cards(id),
    at              TEXT NOT NULL,         -- RFC 3339 instant
    day             TEXT NOT NULL,         -- study day (starts at 04:00 local)
    rating          INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    took_ms         INTEGER NOT NULL,
    scheduled       INTEGER NOT NULL CHECK (scheduled IN (0, 1)), -- 0: a same-day repeat that left the schedule alone
    ticks           TEXT,                  -- JSON list of answer items the student ticked as recalled
    before_reps     INTEGER NOT NULL,
    before_ease     INTEGER NOT NULL,
    before_interval INTEGER NOT NULL,
    before_due      TEXT,
    before_lapses   INTEGER NOT NULL,
    before_last_rating INTEGER,
    before_last_day TEXT,
    after_reps      INTEGER NOT NULL,
    after_ease      INTEGER NOT NULL,
    after_interval  INTEGER NOT NULL,
    after_due       TEXT
) STRICT;

CREATE INDEX reviews_by_card ON reviews(card, id);
CREATE INDEX reviews_by_day ON reviews(day);
