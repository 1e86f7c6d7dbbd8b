-- A deck may name the date of its exam (`exam: YYYY-MM-DD`): reviews are
-- then planned so that every card is learnt in time.

ALTER TABLE decks ADD COLUMN exam TEXT;
