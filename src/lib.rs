//! referat: Danish municipal minutes and business-case catalogues (PDF or
//! text) into normalized JSON records.
//!
//! One direction of flow: [`walk`] → [`extract`] → [`parse`] → [`tables`] →
//! [`record`] → [`output`]; [`ingest`] drives the stages for a batch.

pub mod error;
pub mod extract;
pub mod ingest;
pub mod output;
pub mod parse;
pub mod profile;
pub mod record;
pub mod tables;
pub mod walk;
