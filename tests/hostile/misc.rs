//! Hostile inputs: what `check` must catch before a writer does, closed streams, interrupted
//! builds, dangerous links, money and dates.

#[allow(unused_imports)]
use crate::common::*;
