-- A deck's place in the course (`order:`): new cards are introduced in it.
-- A card whose question asks for some of its items (`ask:`): how many.

ALTER TABLE decks ADD COLUMN course_order INTEGER;
ALTER TABLE cards ADD COLUMN ask INTEGER;
