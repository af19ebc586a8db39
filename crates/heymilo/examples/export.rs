//! Exports against heymilo-mock, started in-process (no account needed): a
//! v1 export file streamed to disk with progress, and the v2 candidates of a
//! posting as JSON Lines.
//!
//! ```sh
//! cargo run -p heymilo --example export            # files go to the temporary directory
//! cargo run -p heymilo --example export -- out/    # or to a directory of your choice
//! ```

mod common;

use std::path::PathBuf;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir: PathBuf = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let (mock, client) = common::mock_and_client(heymilo_mock::Config {
        candidates_per_posting: 500,
        ..heymilo_mock::Config::default()
    })
    .await?;
    let (posting_id, _) = mock.postings()[0].clone();

    // v1: export_interviews, then the file, chunk by chunk, to any AsyncWrite.
    let path = dir.join(format!("interviews-{posting_id}.json"));
    let file = tokio::fs::File::create(&path).await?;
    let mut reported = 0;
    let done = client
        .export()
        .interviews(&posting_id)
        .on_progress(|p| {
            // Every 64 KiB or so, and at the end.
            if p.bytes_written - reported >= 64 * 1024 || Some(p.bytes_written) == p.total_bytes {
                reported = p.bytes_written;
                println!(
                    "  {} of {} bytes",
                    p.bytes_written,
                    p.total_bytes.map_or("?".to_owned(), |t| t.to_string())
                );
            }
        })
        .to_writer(file)
        .await?;
    println!(
        "export {}: {} bytes in {}",
        done.job_id.as_deref().unwrap_or("?"),
        done.bytes,
        path.display()
    );

    // The same into a path: written to `.part`, renamed once complete.
    let path = dir.join(format!("interviews-{posting_id}-again.json"));
    let done = client
        .export()
        .interviews(&posting_id)
        .to_path(&path)
        .await?;
    println!("export again: {} bytes in {}", done.bytes, path.display());

    // v2: every candidate of the posting as JSON Lines, into a file.
    let path = dir.join(format!("candidates-{posting_id}.jsonl"));
    let done = client
        .export()
        .candidates(&posting_id)
        .on_progress(|p| {
            if p.records % 100 == 0 {
                println!(
                    "  {} of {} candidates",
                    p.records,
                    p.total_records.map_or("?".to_owned(), |t| t.to_string())
                );
            }
        })
        .to_path(&path)
        .await?;
    println!(
        "{} candidates, {} bytes in {}",
        done.records,
        done.bytes,
        path.display()
    );

    mock.stop().await;
    Ok(())
}
