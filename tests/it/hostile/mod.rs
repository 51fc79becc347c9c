//! The hostile corpus (`tests/hostile/`): inputs a careless or hostile user might give, one
//! file (or a small folder) per defect, each with a test asserting the exit status, the located
//! message and, for exempt material, that nothing of it reaches a public output.

pub(crate) mod exempt;
mod inputs;
mod misc;
