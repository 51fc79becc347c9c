//! Hostile inputs: deep nesting, devices, FIFOs, huge files and paths out of the paper's root.

#[allow(unused_imports)]
use crate::common::*;
