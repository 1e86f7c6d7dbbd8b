//! For instructors: the review log a student hands in, and the class
//! report made from many of them.

pub mod log;
pub mod report;
