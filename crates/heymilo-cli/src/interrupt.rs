//! Ctrl-C as a stream of events, so a command can finish its work in flight
//! on the first and give up on the second.

use tokio::sync::mpsc;

/// The Ctrl-Cs received since [`Interrupts::listen`].
pub struct Interrupts(mpsc::UnboundedReceiver<()>);

impl Interrupts {
    /// Takes over Ctrl-C from now on (the default would end the process at once).
    pub fn listen() -> Interrupts {
        let (tx, rx) = mpsc::unbounded_channel();
        // Installed now, not when the task first runs: no early Ctrl-C is lost.
        #[cfg(unix)]
        if let Ok(mut signals) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        {
            tokio::spawn(
                async move { while signals.recv().await.is_some() && tx.send(()).is_ok() {} },
            );
        }
        #[cfg(not(unix))]
        tokio::spawn(async move {
            while tokio::signal::ctrl_c().await.is_ok() && tx.send(()).is_ok() {}
        });
        Interrupts(rx)
    }

    /// The next Ctrl-C (never, if the handler could not be installed).
    pub async fn next(&mut self) {
        if self.0.recv().await.is_none() {
            std::future::pending::<()>().await;
        }
    }
}
