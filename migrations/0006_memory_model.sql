-- The model of memory (FSRS): parameters fitted to this student's log, and
-- each card's memory state as last replayed, so that planning a session
-- replays only the reviews since.

CREATE TABLE memory_model (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    version         INTEGER NOT NULL,      -- changes whenever the parameters do
    parameters      TEXT,                  -- JSON list of 21 numbers; NULL: the defaults
    fitted_reviews  INTEGER NOT NULL DEFAULT 0, -- the reviews the fit rests on
    fitted_at       TEXT,                  -- RFC 3339
    last_fit_at     TEXT,                  -- the latest attempt, kept or not
    last_fit_result TEXT,                  -- what it gave, in words
    cached_through  INTEGER NOT NULL DEFAULT 0  -- memory_states hold reviews up to this id
) STRICT;

INSERT INTO memory_model (id, version) VALUES (1, 0);

CREATE TABLE memory_states (
    card        INTEGER PRIMARY KEY REFERENCES cards(id),
    model       INTEGER NOT NULL,          -- memory_model.version they were replayed with
    stability   REAL NOT NULL,
    difficulty  REAL NOT NULL,
    last_day    TEXT NOT NULL
) STRICT;
