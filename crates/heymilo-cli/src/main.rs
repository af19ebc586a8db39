//! `heymilo`: the HeyMilo recruiting API from the command line, both
//! generations, built on the `heymilo` SDK.
//!
//! Run `heymilo --help`; the exit codes are listed in [`error`].
#![forbid(unsafe_code)]

mod api;
mod cli;
mod commands;
mod error;
mod input;
mod interrupt;
mod output;
mod terminal;
mod waits;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;

#[tokio::main]
async fn main() -> ExitCode {
    // Usage errors exit here with clap's code 2; --help and --version with 0.
    let cli = cli::Cli::parse();
    if cli.global.verbose {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_env_filter(tracing_subscriber::EnvFilter::new("heymilo=debug,warn"))
            .init();
    }
    match commands::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if error::is_stdout_closed(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {}", error::one_line(&e));
            ExitCode::from(error::exit_code(&e))
        }
    }
}
