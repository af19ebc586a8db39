//! Bulk ingest from a CSV file against heymilo-mock, started in-process (no
//! account needed): every row ends with an interview or an error, written to
//! a results CSV in input order.
//!
//! ```sh
//! cargo run -p heymilo --example bulk_ingest                          # built-in sample
//! cargo run -p heymilo --example bulk_ingest -- people.csv results.csv
//! ```
//!
//! The input has a header row with `name` and `email`, optionally
//! `phone_number`; every other column becomes a metadata label. The results
//! go to the second argument, or `bulk_ingest_results.csv` in the temporary
//! directory; `-` writes them to standard output.

mod common;

use std::io::Write;
use std::path::PathBuf;

use heymilo::ingest::Candidate;

/// A small input with the usual problems: a bad email, a phone number not in
/// E.164 form, a blank name and a candidate listed twice.
const SAMPLE: &str = "\
name,email,phone_number,external_id,source
Jane Doe,jane.doe@example.com,+12065551234,c-001,careers page
Li Wei,li.wei@example.com,,c-002,referral
Amara Okafor,amara@example,+442071838750,c-003,careers page
Diego García,diego.garcia@example.com,2065551234,c-004,job board
,nameless@example.com,,c-005,job board
Priya Patel,priya.patel@example.com,+919876543210,c-006,referral
Jane Doe,JANE.DOE@example.com,,c-001,careers page again
Tomás Novak,tomas.novak@example.com,+420601123456,c-008,job board
Yuki Tanaka,yuki.tanaka@example.com,,c-009,careers page
Noah Berg,noah.berg@example.com,+4791234567,c-010,referral
";

fn read_candidates(input: Option<&str>) -> Result<Vec<Candidate>, Box<dyn std::error::Error>> {
    let source: Box<dyn std::io::Read> = match input {
        Some(path) => Box::new(std::fs::File::open(path)?),
        None => Box::new(SAMPLE.as_bytes()),
    };
    let mut reader = csv::Reader::from_reader(source);
    let headers = reader.headers()?.clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(name), Some(email)) = (column("name"), column("email")) else {
        return Err("the CSV needs `name` and `email` columns".into());
    };
    let phone = column("phone_number");
    let mut candidates = Vec::new();
    for record in reader.records() {
        let record = record?;
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let mut c = Candidate::new(field(name), field(email));
        if let Some(p) = phone.map(field).filter(|p| !p.is_empty()) {
            c = c.phone_number(p);
        }
        for (i, header) in headers.iter().enumerate() {
            if [Some(name), Some(email), phone].contains(&Some(i)) || field(i).is_empty() {
                continue;
            }
            c = c.metadata(header.trim(), field(i));
        }
        candidates.push(c);
    }
    Ok(candidates)
}

/// One line of the results file.
#[derive(Default, serde::Serialize)]
struct ResultRow<'a> {
    row: usize,
    name: &'a str,
    email: &'a str,
    status: &'a str,
    interview_id: &'a str,
    interview_link: &'a str,
    error: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let candidates = read_candidates(args.first().map(String::as_str))?;
    println!("{} candidates read", candidates.len());

    let (mock, client) = common::mock_and_client(heymilo_mock::Config {
        candidates_per_posting: 0,
        ..heymilo_mock::Config::default()
    })
    .await?;
    let (posting_id, _) = mock.postings()[0].clone();

    let report = client
        .ingest()
        .v2(&posting_id)
        .chunk_size(4)
        .concurrency(2)
        .on_progress(|p| {
            println!(
                "  {}/{} rows: {} interviews, {} errors",
                p.rows,
                p.total.map_or("?".to_owned(), |t| t.to_string()),
                p.succeeded,
                p.failed
            )
        })
        .run(candidates.clone())
        .await;

    let out: Box<dyn Write> = match args.get(1).map(String::as_str) {
        Some("-") => Box::new(std::io::stdout()),
        Some(path) => Box::new(std::fs::File::create(path)?),
        None => {
            let path: PathBuf = std::env::temp_dir().join("bulk_ingest_results.csv");
            println!("results: {}", path.display());
            Box::new(std::fs::File::create(path)?)
        }
    };
    // The header comes from the field names, with the first row.
    let mut writer = csv::Writer::from_writer(out);
    for (row, (c, outcome)) in candidates.iter().zip(&report.outcomes).enumerate() {
        let (mut line, error) = (ResultRow::default(), outcome.as_ref().err());
        (line.row, line.name, line.email) = (row, &c.name, &c.email);
        line.status = match error {
            None => "ingested",
            Some(e) if e.may_have_been_ingested() => "unknown",
            Some(_) => "failed",
        };
        if let Ok(done) = outcome {
            (line.interview_id, line.interview_link) = (&done.interview_id, &done.interview_link);
        }
        line.error = error.map(|e| e.kind.to_string()).unwrap_or_default();
        writer.serialize(line)?;
    }
    writer.flush()?;
    println!(
        "{} ingested, {} failed",
        report.succeeded(),
        report.failed()
    );
    for e in report.errors() {
        println!("  {e}");
    }
    mock.stop().await;
    Ok(())
}
