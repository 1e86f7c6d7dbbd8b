-- The grade of a graded card (true/false, choice, cloze, match) stored with
-- the rating it informed: the model of memory replays those cards by it, and
-- calibration sets the student's self-rating against it. NULL for a card
-- that is not graded, a graded card shown without grading, and every
-- rating from before this version.

ALTER TABLE reviews ADD COLUMN verdict TEXT CHECK (verdict IN ('right', 'partly', 'wrong'));
