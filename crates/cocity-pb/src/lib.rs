//! Participatory-budgeting maths for cocity: the Pabulib file format and the counting rules.
//!
//! This crate depends on no other part of cocity and can be used on its own.
//! All money and every decision use exact rational arithmetic.

pub mod model;

pub use model::{Election, Instance, Money, Points, Profile, Project, Voter, VoteType};
