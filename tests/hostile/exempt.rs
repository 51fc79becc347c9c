//! Hostile inputs: routes by which exempt (Schedule 12A) material could reach a public file.

#[allow(unused_imports)]
use crate::common::*;
