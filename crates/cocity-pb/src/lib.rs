//! Participatory-budgeting maths for cocity: the Pabulib file format and the counting rules.
//!
//! This crate depends on no other part of cocity and can be used on its own.
//! All money and every decision use exact rational arithmetic.

pub mod analysis;
pub mod chart;
pub mod check;
pub mod explain;
pub mod model;
pub mod numeric;
pub mod pabulib;
pub mod rules;
pub mod satisfaction;

pub use model::{Election, Instance, Money, Points, Profile, Project, VoteType, Voter};
