//! Exports streamed to any writer or file, chunk by chunk: a file of any size
//! passes through a few kilobytes of memory.
//!
//! Start from [`Client::export`], pick what to export, optionally follow the
//! progress, then write it to an `AsyncWrite` ([`ExportRun::to_writer`]) or to
//! a path ([`ExportRun::to_path`], which appears only once complete):
//!
//! - [`Export::interviews`] (v1): calls `export_interviews`, follows its
//!   `file_url` and copies the file.
//! - [`Export::candidates`] (v2, which has no export job): every candidate of
//!   a posting as JSON Lines.
//! - [`Export::interview_data`] (v2): every interview's full results
//!   (`get_interview_data`) as JSON Lines.
//!
//! ```no_run
//! # async fn demo(client: heymilo::Client) -> Result<(), heymilo::ExportError> {
//! let done = client
//!     .export()
//!     .interviews("13D77095")
//!     .on_progress(|p| eprintln!("{} of {:?} bytes", p.bytes_written, p.total_bytes))
//!     .to_path("interviews.json")
//!     .await?;
//! println!("export {:?}: {} bytes", done.job_id, done.bytes);
//!
//! let mut lines = Vec::new(); // any AsyncWrite + Unpin
//! client.export().candidates("13D77095").to_writer(&mut lines).await?;
//! # Ok(()) }
//! ```
//!
//! # The file download
//!
//! The download uses the client's connection pool but not its API key unless
//! the file is served by the API's own origin (scheme, host and port of the v1
//! base URL): a file host elsewhere (a CDN, a signed storage URL) never sees
//! the key, also after a redirect. Until the first byte arrives, a failed
//! download (connection, 408, 429, 5xx) is tried again by the client's request
//! engine, under the same rules as any API call (a request to the API's origin
//! needs a rate-limit permit, and a limiter that fails closed stops it); the
//! client's timeout bounds each wait for data, not the whole transfer, so a
//! large file may take as long as it needs while it keeps moving.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use progenitor_client::ClientInfo as _;
use serde::Serialize;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use url::Url;

use crate::engine::DownloadFailure;
use crate::{Client, Error, Generation, Page, Paginate, v2};
/// The wait for data when the client has no timeout.
const DEFAULT_STALL: Duration = Duration::from_secs(60);
/// `get_interview_data` calls in flight at once.
const INTERVIEW_DATA_CONCURRENCY: usize = 4;
/// Page size of the v2 lists an export walks.
const PAGE_SIZE: u64 = 100;

/// How far an export has come; reported after every chunk or record written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExportProgress {
    /// Bytes written to the writer so far.
    pub bytes_written: u64,
    /// The file's size, when the server said (`Content-Length`).
    pub total_bytes: Option<u64>,
    /// JSON Lines records written so far (v2 exports; 0 for a file).
    pub records: u64,
    /// Records in all, when the list said (v2 exports).
    pub total_records: Option<u64>,
}

/// A finished export.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExportSummary {
    /// The v1 export job (none for v2 exports).
    pub job_id: Option<String>,
    /// Bytes written.
    pub bytes: u64,
    /// JSON Lines records written (v2 exports; 0 for a file).
    pub records: u64,
}

/// Everything that can stop an export.
///
/// No variant holds the API key or the file's URL (which may carry a
/// signature).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// A call to the API failed (the export request, a list page, a download
    /// that could not connect or broke off).
    #[error(transparent)]
    Api(#[from] Error),
    /// The export job ended without a file (`failed` or `expired`).
    #[error("export {job_id} {status}")]
    JobFailed {
        /// The export job.
        job_id: String,
        /// Its status.
        status: String,
    },
    /// The export job has no `file_url` (e.g. still `pending`).
    #[error("export {job_id} has no file yet (status {status})")]
    NoFile {
        /// The export job.
        job_id: String,
        /// Its status.
        status: String,
    },
    /// The file is gone: its URL answered 404 or 410. Export again.
    #[error("export {job_id}: the file has expired (HTTP {status})")]
    FileExpired {
        /// The export job.
        job_id: String,
        /// 404 or 410.
        status: u16,
    },
    /// The file's URL answered another unexpected status.
    #[error("export {job_id}: downloading the file failed with HTTP {status}")]
    Download {
        /// The export job.
        job_id: String,
        /// The status.
        status: u16,
    },
    /// The job's `file_url` is not an http(s) URL.
    #[error("export {job_id}: the file URL is not usable: {message}")]
    InvalidFileUrl {
        /// The export job.
        job_id: String,
        /// What is wrong with it.
        message: String,
    },
    /// No data arrived for this long (the client's timeout).
    #[error("the download stalled: nothing arrived for {0:?}")]
    Stalled(Duration),
    /// Writing failed.
    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),
}

impl Client {
    /// Exports: the v1 interview file and the v2 JSON Lines exports; see
    /// [`crate::export`].
    pub fn export(&self) -> Export {
        Export {
            client: self.clone(),
        }
    }
}

/// The exports of a client; start from [`Client::export`].
#[derive(Debug, Clone)]
pub struct Export {
    client: Client,
}

/// What an [`ExportRun`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Interviews,
    Candidates,
    InterviewData,
}

impl Export {
    /// Every interview of a posting, as the file of v1 `export_interviews`.
    ///
    /// A job that is `failed` or `expired` or has no `file_url` is an error,
    /// as is a file URL answering 404 or 410 ([`ExportError::FileExpired`]).
    pub fn interviews(&self, posting_id: impl Into<String>) -> ExportRun<'static> {
        self.run(Kind::Interviews, posting_id.into())
    }

    /// Every candidate of a posting (v2 `list_candidates`, newest first), as
    /// JSON Lines: one `CandidateResponse` object per line. Pages load while
    /// the previous one is written.
    pub fn candidates(&self, posting_id: impl Into<String>) -> ExportRun<'static> {
        self.run(Kind::Candidates, posting_id.into())
    }

    /// The full results of every interview of a posting (v2
    /// `get_interview_data` for each candidate `list_candidates` returns), as
    /// JSON Lines, one `InterviewDataResponse` per line, in list order. A few
    /// interviews are fetched at once; all go through the client's rate limiter.
    pub fn interview_data(&self, posting_id: impl Into<String>) -> ExportRun<'static> {
        self.run(Kind::InterviewData, posting_id.into())
    }

    fn run(&self, kind: Kind, posting_id: String) -> ExportRun<'static> {
        ExportRun {
            client: self.client.clone(),
            kind,
            posting_id,
            progress: Box::new(|_| {}),
        }
    }
}

/// A progress callback, boxed so one builder type serves every closure.
type ProgressFn<'a> = Box<dyn FnMut(ExportProgress) + Send + 'a>;

/// One export being configured; write it with [`ExportRun::to_writer`] or
/// [`ExportRun::to_path`].
pub struct ExportRun<'a> {
    client: Client,
    kind: Kind,
    posting_id: String,
    progress: ProgressFn<'a>,
}

impl fmt::Debug for ExportRun<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExportRun")
            .field("kind", &self.kind)
            .field("posting_id", &self.posting_id)
            .finish_non_exhaustive()
    }
}

impl<'a> ExportRun<'a> {
    /// The API generation this export reads.
    pub fn generation(&self) -> Generation {
        match self.kind {
            Kind::Interviews => Generation::V1,
            Kind::Candidates | Kind::InterviewData => Generation::V2,
        }
    }

    /// Called after every chunk or record written.
    pub fn on_progress<'b>(
        self,
        progress: impl FnMut(ExportProgress) + Send + 'b,
    ) -> ExportRun<'b> {
        ExportRun {
            client: self.client,
            kind: self.kind,
            posting_id: self.posting_id,
            progress: Box::new(progress),
        }
    }

    /// Writes the export to `writer`, flushed at the end.
    pub async fn to_writer<W>(mut self, mut writer: W) -> Result<ExportSummary, ExportError>
    where
        W: AsyncWrite + Unpin,
    {
        let client = self.client.clone();
        let posting = std::mem::take(&mut self.posting_id);
        let (kind, progress) = (self.kind, &mut self.progress);
        client
            .write_export(kind, &posting, &mut writer, progress)
            .await
    }

    /// Writes the export to a file at `path`, which appears only once
    /// complete: the data goes to `path` + `.part` first, then is synced and
    /// renamed; on failure the partial file is removed. I/O errors name the file.
    pub async fn to_path(self, path: impl AsRef<Path>) -> Result<ExportSummary, ExportError> {
        let path = path.as_ref();
        let part = part_path(path);
        let file = tokio::fs::File::create(&part)
            .await
            .map_err(|e| named(&part, e))?;
        let mut writer = tokio::io::BufWriter::new(file);
        let result = async {
            let summary = self.to_writer(&mut writer).await?;
            writer
                .get_ref()
                .sync_all()
                .await
                .map_err(|e| named(&part, e))?;
            tokio::fs::rename(&part, path)
                .await
                .map_err(|e| named(path, e))?;
            Ok::<_, ExportError>(summary)
        }
        .await;
        if result.is_err() {
            drop(writer);
            let _ = tokio::fs::remove_file(&part).await;
        }
        result
    }
}

/// An I/O error naming its file.
fn named(path: &Path, e: std::io::Error) -> ExportError {
    ExportError::Io(std::io::Error::new(
        e.kind(),
        format!("{}: {e}", path.display()),
    ))
}

impl Client {
    /// The v1 export file of a posting; or its candidates (for
    /// [`Kind::InterviewData`], their interview data, fetched a few at a
    /// time) as JSON Lines, page by page.
    async fn write_export(
        &self,
        kind: Kind,
        posting_id: &str,
        writer: &mut (impl AsyncWrite + Unpin),
        progress: &mut ProgressFn<'_>,
    ) -> Result<ExportSummary, ExportError> {
        if kind == Kind::Interviews {
            let job = self
                .v1()
                .export_interviews()
                .posting_id(posting_id)
                .send()
                .await
                .map_err(Error::from)?
                .into_inner();
            // v1 does not promise a status; without one the file URL decides.
            let status = job.status.clone().unwrap_or_default();
            if matches!(status.as_str(), "failed" | "expired") {
                return Err(ExportError::JobFailed {
                    job_id: job.job_id,
                    status,
                });
            }
            let Some(file_url) = job.file_url.as_deref().filter(|u| !u.trim().is_empty()) else {
                return Err(ExportError::NoFile {
                    job_id: job.job_id,
                    status,
                });
            };
            let bytes = self
                .download(&job.job_id, file_url, writer, progress)
                .await?;
            writer.flush().await?;
            return Ok(ExportSummary {
                job_id: Some(job.job_id),
                bytes,
                records: 0,
            });
        }
        let mut pages = self.candidate_pages(posting_id);
        let mut lines = JsonLines::default();
        while let Some(page) = pages.try_next().await? {
            lines.progress.total_records = lines.progress.total_records.or(page.total);
            if kind == Kind::Candidates {
                for candidate in &page.items {
                    lines.write(writer, candidate).await?;
                    progress(lines.progress);
                }
                continue;
            }
            let v2 = self.v2();
            let mut results = stream::iter(page.items.into_iter().map(|c| c.interview_id))
                .map(|id| async move {
                    v2.get_interview_data()
                        .interview_id(id)
                        .send()
                        .await
                        .map(|r| r.into_inner().data)
                        .map_err(Error::from)
                })
                .buffered(INTERVIEW_DATA_CONCURRENCY);
            while let Some(data) = results.next().await {
                lines.write(writer, &data?).await?;
                progress(lines.progress);
            }
        }
        lines.finish(writer).await
    }

    /// Every page of a posting's candidates (boxed, so that the futures
    /// holding it stay `Send`).
    fn candidate_pages(
        &self,
        posting_id: &str,
    ) -> BoxStream<'_, Result<Page<v2::types::CandidateResponse>, Error>> {
        Box::pin(
            self.v2()
                .list_candidates()
                .posting_id(posting_id)
                .limit(PAGE_SIZE)
                .pages(),
        )
    }

    /// Copies the file at `file_url` to `writer`; the bytes written.
    async fn download(
        &self,
        job_id: &str,
        file_url: &str,
        writer: &mut (impl AsyncWrite + Unpin),
        progress: &mut ProgressFn<'_>,
    ) -> Result<u64, ExportError> {
        let invalid = |message: String| ExportError::InvalidFileUrl {
            job_id: job_id.to_owned(),
            message,
        };
        let api = Url::parse(self.v1().baseurl()).map_err(|e| invalid(e.to_string()))?;
        // A relative file_url is read against the API's base URL.
        let url = api.join(file_url).map_err(|e| invalid(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid(format!("scheme {:?}", url.scheme())));
        }
        let stall = self.engine().timeout.unwrap_or(DEFAULT_STALL);
        let mut response = self
            .engine()
            .download(self.http(), url, &api, stall)
            .await
            .map_err(|failure| download_error(job_id, failure))?;
        let mut progress_now = ExportProgress {
            total_bytes: response.content_length(),
            ..ExportProgress::default()
        };
        loop {
            let chunk = match tokio::time::timeout(stall, response.chunk()).await {
                Err(_) => return Err(ExportError::Stalled(stall)),
                Ok(Err(e)) => return Err(transfer_error(e).into()),
                Ok(Ok(None)) => break,
                Ok(Ok(Some(chunk))) => chunk,
            };
            writer.write_all(&chunk).await?;
            progress_now.bytes_written += chunk.len() as u64;
            progress(progress_now);
        }
        Ok(progress_now.bytes_written)
    }
}

/// Why the file did not start downloading, as an export error.
fn download_error(job_id: &str, failure: DownloadFailure) -> ExportError {
    match failure {
        DownloadFailure::Refused(refusal) => ExportError::Api(refusal.into()),
        DownloadFailure::Transport(e) => ExportError::Api(transfer_error(e)),
        DownloadFailure::Stalled(stall) => ExportError::Stalled(stall),
        DownloadFailure::Status(status @ (404 | 410)) => ExportError::FileExpired {
            job_id: job_id.to_owned(),
            status,
        },
        DownloadFailure::Status(status) => ExportError::Download {
            job_id: job_id.to_owned(),
            status,
        },
    }
}

/// A transfer error as the SDK's error, without the URL (it may carry a signature).
fn transfer_error(e: reqwest::Error) -> Error {
    let source = e.without_url();
    if source.is_timeout() {
        Error::Timeout { source }
    } else {
        Error::Connection { source }
    }
}

/// `path` with `.part` added to its file name.
fn part_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".part");
    path.with_file_name(name)
}

/// Writes records as JSON Lines and counts them.
#[derive(Default)]
struct JsonLines {
    line: Vec<u8>,
    progress: ExportProgress,
}

impl JsonLines {
    async fn write<W, T>(&mut self, writer: &mut W, record: &T) -> Result<(), ExportError>
    where
        W: AsyncWrite + Unpin,
        T: Serialize,
    {
        self.line.clear();
        serde_json::to_writer(&mut self.line, record).map_err(std::io::Error::other)?;
        self.line.push(b'\n');
        writer.write_all(&self.line).await?;
        self.progress.bytes_written += self.line.len() as u64;
        self.progress.records += 1;
        Ok(())
    }

    async fn finish<W>(self, writer: &mut W) -> Result<ExportSummary, ExportError>
    where
        W: AsyncWrite + Unpin,
    {
        writer.flush().await?;
        Ok(ExportSummary {
            job_id: None,
            bytes: self.progress.bytes_written,
            records: self.progress.records,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_files_sit_beside_the_target() {
        assert_eq!(
            part_path(Path::new("/tmp/x/out.json")),
            PathBuf::from("/tmp/x/out.json.part")
        );
        assert_eq!(part_path(Path::new("out")), PathBuf::from("out.part"));
    }
}
