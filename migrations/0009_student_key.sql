-- The student's pseudonymous key, made once per store from SQLite's random
-- source: the review logs an instructor gathers (`fiches export --log`) are
-- told apart by it, never by a name.

CREATE TABLE student (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    key  TEXT NOT NULL
) STRICT;

INSERT INTO student (id, key) VALUES (1, lower(hex(randomblob(16))));
