//! Exports streamed to any writer, chunk by chunk: a file of any size passes
//! through a few kilobytes of memory.
//!
//! - v1: [`Client::export_interviews_to`] (and [`Client::export_interviews_to_path`])
//!   calls `export_interviews`, follows its `file_url` and copies the file.
//! - v2, which has no export job: [`Client::export_candidates_jsonl`] writes
//!   every candidate of a posting as JSON Lines, and
//!   [`Client::export_interview_data_jsonl`] every interview's full results
//!   (`get_interview_data`).
//!
//! ```no_run
//! # async fn demo(client: heymilo::Client) -> Result<(), heymilo::ExportError> {
//! let file = tokio::fs::File::create("interviews.json").await?;
//! let done = client
//!     .export_interviews_to("13D77095", file, |p| {
//!         eprintln!("{} of {:?} bytes", p.bytes_written, p.total_bytes)
//!     })
//!     .await?;
//! println!("export {:?}: {} bytes", done.job_id, done.bytes);
//! # Ok(()) }
//! ```
//!
//! # The file download
//!
//! The download uses the client's connection pool but not its API key unless
//! the file is served by the API's own origin (scheme, host and port of the v1
//! base URL): a file host elsewhere (a CDN, a signed storage URL) never sees
//! the key, also after a redirect. Until the first byte arrives, a failed
//! download (connection, 408, 429, 5xx) is tried again under the client's
//! retry policy; the client's timeout bounds each wait for data, not the
//! whole transfer, so a large file may take as long as it needs while it
//! keeps moving.

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use progenitor_client::ClientInfo as _;
use reqwest::StatusCode;
use serde::Serialize;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use url::Url;

use crate::retry::retry_after;
use crate::{Client, Error, Page, Paginate, v2};

/// Most redirects a file download follows.
const MAX_REDIRECTS: usize = 5;
/// The wait for data when the client has no timeout.
const DEFAULT_STALL: Duration = Duration::from_secs(60);
/// `get_interview_data` calls in flight at once.
const INTERVIEW_DATA_CONCURRENCY: usize = 4;
/// Page size of the v2 lists an export walks.
const PAGE_SIZE: u64 = 100;

/// How far an export has come; reported after every chunk or record written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
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
    /// Exports every interview of a posting (v1 `export_interviews`) and
    /// streams the file to `writer`, calling `progress` after each chunk; the
    /// writer is flushed at the end.
    ///
    /// A job that is `failed` or `expired` or has no `file_url` is an error,
    /// as is a file URL answering 404 or 410 ([`ExportError::FileExpired`]).
    ///
    /// ```no_run
    /// # async fn demo(client: heymilo::Client) -> Result<(), heymilo::ExportError> {
    /// let mut out = Vec::new(); // any AsyncWrite + Unpin
    /// client.export_interviews_to("13D77095", &mut out, |_| {}).await?;
    /// # Ok(()) }
    /// ```
    pub async fn export_interviews_to<W>(
        &self,
        posting_id: &str,
        mut writer: W,
        mut progress: impl FnMut(Progress),
    ) -> Result<ExportSummary, ExportError>
    where
        W: AsyncWrite + Unpin,
    {
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
            .download(&job.job_id, file_url, &mut writer, &mut progress)
            .await?;
        writer.flush().await?;
        Ok(ExportSummary {
            job_id: Some(job.job_id),
            bytes,
            records: 0,
        })
    }

    /// [`Client::export_interviews_to`] into a file at `path`, which appears
    /// only once complete: the data goes to `path` + `.part` first, then is
    /// synced and renamed; on failure the partial file is removed.
    ///
    /// ```no_run
    /// # async fn demo(client: heymilo::Client) -> Result<(), heymilo::ExportError> {
    /// let done = client.export_interviews_to_path("13D77095", "interviews.json").await?;
    /// println!("{} bytes", done.bytes);
    /// # Ok(()) }
    /// ```
    pub async fn export_interviews_to_path(
        &self,
        posting_id: &str,
        path: impl AsRef<Path>,
    ) -> Result<ExportSummary, ExportError> {
        let path = path.as_ref();
        let part = part_path(path);
        let file = tokio::fs::File::create(&part).await?;
        let mut writer = tokio::io::BufWriter::new(file);
        let result = async {
            let summary = self
                .export_interviews_to(posting_id, &mut writer, |_| {})
                .await?;
            writer.get_ref().sync_all().await?;
            tokio::fs::rename(&part, path).await?;
            Ok::<_, ExportError>(summary)
        }
        .await;
        if result.is_err() {
            drop(writer);
            let _ = tokio::fs::remove_file(&part).await;
        }
        result
    }

    /// Writes every candidate of a posting (v2 `list_candidates`, newest
    /// first) to `writer` as JSON Lines: one `CandidateResponse` object per
    /// line. Pages load while the previous one is written.
    ///
    /// ```no_run
    /// # async fn demo(client: heymilo::Client) -> Result<(), heymilo::ExportError> {
    /// let file = tokio::fs::File::create("candidates.jsonl").await?;
    /// client
    ///     .export_candidates_jsonl("13D77095", file, |p| eprintln!("{} records", p.records))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn export_candidates_jsonl<W>(
        &self,
        posting_id: &str,
        mut writer: W,
        mut progress: impl FnMut(Progress),
    ) -> Result<ExportSummary, ExportError>
    where
        W: AsyncWrite + Unpin,
    {
        let mut pages = self.candidate_pages(posting_id);
        let mut lines = JsonLines::default();
        while let Some(page) = pages.try_next().await? {
            lines.progress.total_records = lines.progress.total_records.or(page.total);
            for candidate in &page.items {
                lines.write(&mut writer, candidate).await?;
                progress(lines.progress);
            }
        }
        lines.finish(writer).await
    }

    /// Writes the full results of every interview of a posting (v2
    /// `get_interview_data` for each candidate `list_candidates` returns) to
    /// `writer` as JSON Lines, one `InterviewDataResponse` per line, in list
    /// order. A few interviews are fetched at once; all go through the
    /// client's rate limiter.
    ///
    /// ```no_run
    /// # async fn demo(client: heymilo::Client) -> Result<(), heymilo::ExportError> {
    /// let file = tokio::fs::File::create("results.jsonl").await?;
    /// client.export_interview_data_jsonl("13D77095", file, |_| {}).await?;
    /// # Ok(()) }
    /// ```
    pub async fn export_interview_data_jsonl<W>(
        &self,
        posting_id: &str,
        mut writer: W,
        mut progress: impl FnMut(Progress),
    ) -> Result<ExportSummary, ExportError>
    where
        W: AsyncWrite + Unpin,
    {
        let mut pages = self.candidate_pages(posting_id);
        let mut lines = JsonLines::default();
        while let Some(page) = pages.try_next().await? {
            lines.progress.total_records = lines.progress.total_records.or(page.total);
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
                lines.write(&mut writer, &data?).await?;
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
    async fn download<W>(
        &self,
        job_id: &str,
        file_url: &str,
        writer: &mut W,
        progress: &mut impl FnMut(Progress),
    ) -> Result<u64, ExportError>
    where
        W: AsyncWrite + Unpin,
    {
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
        let stall = self.transport().timeout.unwrap_or(DEFAULT_STALL);
        let mut response = self.open_file(job_id, url, &api, stall).await?;
        let mut progress_now = Progress {
            total_bytes: response.content_length(),
            ..Progress::default()
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

    /// GETs the file, following redirects and retrying until its body starts.
    async fn open_file(
        &self,
        job_id: &str,
        mut url: Url,
        api: &Url,
        stall: Duration,
    ) -> Result<reqwest::Response, ExportError> {
        let transport = self.transport();
        let retry = transport.retry;
        let mut attempt: u32 = 0;
        let mut redirects = 0;
        loop {
            let same_origin = url.origin() == api.origin();
            let mut request = reqwest::Request::new(reqwest::Method::GET, url.clone());
            if same_origin {
                // The API's own origin: authenticated, and counted against its rate limit.
                heymilo_gen::set_api_key(&mut request, &transport.shared.key);
                if let Err(e) = transport.shared.limiter.acquire().await {
                    tracing::warn!(error = %e, "rate limiter unavailable; sending anyway");
                }
            }
            tracing::debug!(
                host = url.host_str().unwrap_or(""),
                same_origin,
                attempt,
                "export file request"
            );
            let (failure, wait) =
                match tokio::time::timeout(stall, self.http().execute(request)).await {
                    Err(_) => (ExportError::Stalled(stall), None),
                    Ok(Err(e)) => {
                        let retryable = e.is_connect() || e.is_timeout() || e.is_request();
                        let error = ExportError::Api(transfer_error(e));
                        if !retryable {
                            return Err(error);
                        }
                        (error, None)
                    }
                    Ok(Ok(response)) => {
                        let status = response.status();
                        if status.is_success() {
                            return Ok(response);
                        }
                        if status.is_redirection()
                            && let Some(next) = redirect_target(&url, &response)
                        {
                            redirects += 1;
                            if redirects > MAX_REDIRECTS {
                                return Err(ExportError::Download {
                                    job_id: job_id.to_owned(),
                                    status: status.as_u16(),
                                });
                            }
                            url = next;
                            continue;
                        }
                        let wait = retry_after(response.headers());
                        if status == StatusCode::TOO_MANY_REQUESTS && same_origin {
                            transport
                                .shared
                                .limiter
                                .pause_for(wait.unwrap_or(retry.initial_backoff));
                        }
                        let code = status.as_u16();
                        match code {
                            404 | 410 => {
                                return Err(ExportError::FileExpired {
                                    job_id: job_id.to_owned(),
                                    status: code,
                                });
                            }
                            408 | 429 | 500 | 502 | 503 | 504 => {}
                            _ => {
                                return Err(ExportError::Download {
                                    job_id: job_id.to_owned(),
                                    status: code,
                                });
                            }
                        }
                        let failure = ExportError::Download {
                            job_id: job_id.to_owned(),
                            status: code,
                        };
                        (failure, wait)
                    }
                };
            if attempt >= retry.max_retries || wait.is_some_and(|w| w > retry.max_retry_after) {
                return Err(failure);
            }
            let delay = wait.unwrap_or_else(|| retry.backoff(attempt));
            tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, error = %failure, "export file request retried");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }
}

/// Where a redirect points, resolved against the URL that answered it.
fn redirect_target(from: &Url, response: &reqwest::Response) -> Option<Url> {
    let location = response.headers().get(reqwest::header::LOCATION)?;
    from.join(location.to_str().ok()?).ok()
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
    progress: Progress,
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

    async fn finish<W>(self, mut writer: W) -> Result<ExportSummary, ExportError>
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
