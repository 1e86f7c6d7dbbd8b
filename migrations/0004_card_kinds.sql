-- Cards answered and graded (true/false, multiple choice, fill in the
-- blanks, matching): what a card holds beyond its question, as JSON.

ALTER TABLE cards ADD COLUMN kind TEXT NOT NULL DEFAULT '{"kind":"basic"}';
