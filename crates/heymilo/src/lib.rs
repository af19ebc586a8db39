//! The Rust SDK for the HeyMilo API (work in progress: the generated clients
//! are re-exported as they are).
#![forbid(unsafe_code)]

pub use heymilo_gen::{Inner, v1, v2};
