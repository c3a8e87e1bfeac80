//! Inference benchmark (filled in below once `model` lands).
fn main() {}
