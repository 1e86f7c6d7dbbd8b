-- Two checks a rating's commit ran at every rating, made cheaper without
-- changing what they accept or count.
--
-- A review's verdict (migration 0010) was checked with `IN (...)`, which
-- SQLite evaluates by building a temporary index at every insert (a
-- ninth of a rating's instructions); the same check is now three
-- comparisons. Only the text of the table's definition changes, in place:
-- SQLite documents this for a CHECK constraint every row already meets
-- (the two accept the same values, NULL included), and the schema is read
-- again at once; the trigger below changes the schema's version for every
-- other connection.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(sql,
    'verdict TEXT CHECK (verdict IN (''right'', ''partly'', ''wrong''))',
    'verdict TEXT CHECK (verdict = ''right'' OR verdict = ''partly'' OR verdict = ''wrong'')')
WHERE type = 'table' AND name = 'reviews';
PRAGMA writable_schema = RESET;

-- The per-day counts' trigger (migration 0007) read a card's kind as JSON
-- twice at every move of its due day; a basic card's kind, stored as
-- exactly '{"kind":"basic"}', is now recognised by its text first. Any
-- other text is read as JSON, as before.
DROP TRIGGER IF EXISTS card_counts_update;

CREATE TRIGGER card_counts_follow AFTER UPDATE OF deck, retired, due, kind ON cards
WHEN OLD.deck IS NOT NEW.deck OR OLD.retired IS NOT NEW.retired
  OR OLD.due IS NOT NEW.due OR OLD.kind IS NOT NEW.kind
BEGIN
    UPDATE card_counts SET cards = cards - 1
    WHERE OLD.retired = 0 AND deck = OLD.deck AND due = coalesce(OLD.due, '')
      AND graded = (CASE WHEN OLD.kind = '{"kind":"basic"}' THEN 0
                         ELSE json_extract(OLD.kind, '$.kind') IS NOT 'basic' END);
    INSERT INTO card_counts (deck, due, graded, cards)
    SELECT NEW.deck, coalesce(NEW.due, ''),
           CASE WHEN NEW.kind = '{"kind":"basic"}' THEN 0
                ELSE json_extract(NEW.kind, '$.kind') IS NOT 'basic' END, 1
    WHERE NEW.retired = 0
    ON CONFLICT DO UPDATE SET cards = cards + 1;
END;
