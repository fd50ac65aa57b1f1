//! referat: Danish municipal minutes and business-case catalogues (PDF or
//! text) into normalized JSON records.
//!
//! One direction of flow: [`walk`] → [`extract`] → [`parse`] → [`tables`] →
//! [`record`]; [`ingest`] drives the stages for one file, and [`batch`] runs
//! them over a corpus in parallel, incrementally and restartably (journal,
//! manifest, shards, merge); [`export`] turns an output folder into tidy
//! tables. Grammar knowledge lives in `grammars/*.toml`,
//! loaded by [`profile`]. `docs/architecture.md` draws the whole.

pub mod archive;
pub mod batch;
pub mod error;
pub mod export;
pub mod extract;
pub mod ingest;
pub mod inspect;
mod memory;
pub mod parse;
pub mod profile;
pub mod record;
pub mod tables;
pub mod walk;
