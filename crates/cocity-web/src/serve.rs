//! Serving the router on a socket, with graceful shutdown: on the signal, stop accepting
//! and let in-flight requests finish.

use std::future::Future;
use std::net::SocketAddr;
use tokio::net::{TcpListener, ToSocketAddrs};

use crate::state::AppState;

/// Binds `bind` and serves until `shutdown` completes.
pub async fn serve<A, F>(state: AppState, bind: A, shutdown: F) -> std::io::Result<()>
where
    A: ToSocketAddrs,
    F: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind(bind).await?;
    serve_listener(state, listener, shutdown).await
}

/// Serves on an already bound listener (tests bind `127.0.0.1:0`).
pub async fn serve_listener<F>(
    state: AppState,
    listener: TcpListener,
    shutdown: F,
) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "cocity is listening");
    }
    let app = crate::router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    tracing::info!("cocity stopped: in-flight requests finished");
    Ok(())
}

/// Completes on Ctrl-C or (on Unix) SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received");
}
