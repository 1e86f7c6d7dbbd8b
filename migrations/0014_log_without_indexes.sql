-- A rating's commit wrote, besides the log's row, an entry in each of the
-- log's two indexes, a page apiece at every rating: `reviews_by_card`, to
-- find a card's reviews, and `reviews_by_day`, to find a day's. Both are
-- replaced by what a rating writes anyway or almost never:
--
-- * A card's reviews are a chain: the card names its latest review, and
--   each review the card's review before it. The card's row is written by
--   the rating already, and the review's `prev` goes in its own row.
-- * A day's reviews all have an id at or above the first id logged on that
--   day, kept in `review_days`: a row written by a day's first rating only.
--   With the clock going forward, the day's reviews are exactly the ids
--   from there on; a clock set back makes the range longer, never wrong.
--
-- Triggers keep both for every writer of the log (a rating, an import, an
-- undo), so that no one of them can forget.

ALTER TABLE reviews ADD COLUMN prev INTEGER;    -- the card's review before this one; NULL for its first
ALTER TABLE cards ADD COLUMN last_review INTEGER; -- the card's latest review; NULL for a card never reviewed

UPDATE reviews SET prev = (
    SELECT max(p.id) FROM reviews p WHERE p.card = reviews.card AND p.id < reviews.id
);
UPDATE cards SET last_review = (SELECT max(r.id) FROM reviews r WHERE r.card = cards.id)
WHERE EXISTS (SELECT 1 FROM reviews r WHERE r.card = cards.id);

-- A row for each day with a review, and for no other; for every review r:
-- first_review of r.day <= r.id.
CREATE TABLE review_days (
    day          TEXT PRIMARY KEY,             -- study day, as in reviews.day
    first_review INTEGER NOT NULL              -- no review of that day has a lower id
) STRICT, WITHOUT ROWID;

INSERT INTO review_days (day, first_review) SELECT day, min(id) FROM reviews GROUP BY day;

DROP INDEX reviews_by_card;
DROP INDEX reviews_by_day;

CREATE TRIGGER reviews_chain AFTER INSERT ON reviews
BEGIN
    UPDATE reviews SET prev = (SELECT last_review FROM cards WHERE id = NEW.card)
    WHERE id = NEW.id;
    UPDATE cards SET last_review = NEW.id WHERE id = NEW.card;
    -- Kept when the day has its row: no page is written then.
    INSERT OR IGNORE INTO review_days (day, first_review) VALUES (NEW.day, NEW.id);
END;

-- Undo takes a card's latest review: the card's chain starts one back, and
-- a day left without a review loses its row (a search of the day's range).
-- A review taken from the middle of a chain (nothing does so) is bridged,
-- by a search of the whole log that only such a deletion pays for.
CREATE TRIGGER reviews_unchain_inner BEFORE DELETE ON reviews
WHEN (SELECT last_review FROM cards WHERE id = OLD.card) IS NOT OLD.id
BEGIN
    UPDATE reviews SET prev = OLD.prev WHERE prev = OLD.id;
END;

CREATE TRIGGER reviews_unchain_latest AFTER DELETE ON reviews
BEGIN
    UPDATE cards SET last_review = OLD.prev WHERE id = OLD.card AND last_review = OLD.id;
    DELETE FROM review_days
    WHERE day = OLD.day
      AND NOT EXISTS (SELECT 1 FROM reviews r
                      WHERE r.id >= review_days.first_review AND r.day = OLD.day);
END;
