-- How many reviews up to `cached_through` came on a later day than their
-- card's previous review: at most what a fit of the log would rest on (it
-- leaves out retired cards, and cards whose log misses their first review).
-- Kept with the cache so that the upkeep between sessions learns whether a
-- fit may be due by counting the reviews since, not by replaying the whole
-- log. NULL until the cache is next rebuilt whole.

ALTER TABLE memory_model ADD COLUMN cached_pairs INTEGER;
