//! Finding reviews in the log without an index of it (migration 0014): a
//! card's reviews through their chain, a day's from the first id logged on
//! that day. Neither costs a rating's commit a page.

/// `SELECT columns FROM reviews` for the card `?1`, its reviews with an id
/// above `?2` (0: all of them), oldest first: from the card's latest
/// review back along each review's `prev`.
pub(super) fn card_reviews(columns: &str) -> String {
    format!(
        "WITH RECURSIVE chain(id) AS (
           SELECT last_review FROM cards WHERE id = ?1
           UNION ALL
           SELECT r.prev FROM chain JOIN reviews r ON r.id = chain.id WHERE r.prev > ?2)
         SELECT {columns} FROM reviews WHERE id IN (SELECT id FROM chain) AND id > ?2 ORDER BY id"
    )
}
