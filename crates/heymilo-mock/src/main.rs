//! `heymilo-mock`: serve a stateful HeyMilo API (both generations) locally.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use heymilo_mock::MockServer;
use heymilo_mock::cli::{ServeArgs, banner};

/// A stateful, spec-faithful HeyMilo API server for both generations (v1 at
/// the root, v2 under /api/v2; with --v1-port, v1 alone on a port of its
/// own as well) with control routes under /_mock/. `heymilo mock` takes the
/// same flags.
#[derive(Parser)]
#[command(
    name = "heymilo-mock",
    version,
    after_help = "Examples:\n  heymilo-mock --port 4010\n  heymilo-mock --port 4010 --v1-port 4011\n  heymilo-mock --max-store-bytes 67108864\n  heymilo-mock --port 0 --api-key k1 --api-key k2 --rate-limit 60\n  heymilo-mock --error-rate 0.2 --fault-route /api/v2/postings"
)]
struct Args {
    /// The server's settings.
    #[command(flatten)]
    serve: ServeArgs,
    /// Print the v2 operation ids the mock serves, one a line, and exit.
    #[arg(long)]
    list_operations: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if args.list_operations {
        for op in heymilo_mock::V2_OPERATIONS {
            println!("{op}");
        }
        return ExitCode::SUCCESS;
    }
    let config = match args.serve.config() {
        Ok(c) => c,
        Err(m) => {
            eprintln!("heymilo-mock: {m}");
            return ExitCode::from(2);
        }
    };
    let mock = match MockServer::start(config).await {
        Ok(m) => m,
        Err(e) => {
            eprintln!("heymilo-mock: cannot listen: {e}");
            return ExitCode::from(1);
        }
    };
    // A closed stdout (the reader went away) must not stop the server.
    let mut out = std::io::stdout();
    let _ = out.write_all(banner(&mock).as_bytes());
    let _ = out.flush();
    let _ = tokio::signal::ctrl_c().await;
    mock.stop().await;
    ExitCode::SUCCESS
}
