-- How many cards each deck has on each due day (new cards under the empty
-- day, graded and basic apart), kept by triggers: a session learns how many
-- cards are due, and how many new ones of each kind wait, from a few rows
-- instead of counting every card.

CREATE TABLE card_counts (
    deck    TEXT NOT NULL,
    due     TEXT NOT NULL,                 -- YYYY-MM-DD; '' for cards never reviewed
    graded  INTEGER NOT NULL CHECK (graded IN (0, 1)),
    cards   INTEGER NOT NULL,
    PRIMARY KEY (deck, due, graded)
) STRICT, WITHOUT ROWID;

INSERT INTO card_counts (deck, due, graded, cards)
SELECT deck, coalesce(due, ''), json_extract(kind, '$.kind') IS NOT 'basic', count(*)
FROM cards WHERE retired = 0 GROUP BY 1, 2, 3;

CREATE TRIGGER card_counts_insert AFTER INSERT ON cards WHEN NEW.retired = 0
BEGIN
    INSERT INTO card_counts (deck, due, graded, cards)
    VALUES (NEW.deck, coalesce(NEW.due, ''), json_extract(NEW.kind, '$.kind') IS NOT 'basic', 1)
    ON CONFLICT DO UPDATE SET cards = cards + 1;
END;

CREATE TRIGGER card_counts_delete AFTER DELETE ON cards WHEN OLD.retired = 0
BEGIN
    UPDATE card_counts SET cards = cards - 1
    WHERE deck = OLD.deck AND due = coalesce(OLD.due, '')
      AND graded = (json_extract(OLD.kind, '$.kind') IS NOT 'basic');
END;

-- A rating changes `due` only; sync may change any of the four.
CREATE TRIGGER card_counts_update AFTER UPDATE OF deck, retired, due, kind ON cards
WHEN OLD.deck IS NOT NEW.deck OR OLD.retired IS NOT NEW.retired
  OR OLD.due IS NOT NEW.due OR OLD.kind IS NOT NEW.kind
BEGIN
    UPDATE card_counts SET cards = cards - 1
    WHERE OLD.retired = 0 AND deck = OLD.deck AND due = coalesce(OLD.due, '')
      AND graded = (json_extract(OLD.kind, '$.kind') IS NOT 'basic');
    INSERT INTO card_counts (deck, due, graded, cards)
    SELECT NEW.deck, coalesce(NEW.due, ''), json_extract(NEW.kind, '$.kind') IS NOT 'basic', 1
    WHERE NEW.retired = 0
    ON CONFLICT DO UPDATE SET cards = cards + 1;
END;
