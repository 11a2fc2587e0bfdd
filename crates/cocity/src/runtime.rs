//! The async runtime for the commands that need one, and the one way they report failure.

use std::future::Future;
use std::process::ExitCode;

/// Runs `fut` to completion; an error is printed as one line and exits with code 1.
pub fn block_on<F>(fut: F) -> ExitCode
where
    F: Future<Output = Result<(), String>>,
{
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cocity: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(fut) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("cocity: {message}");
            ExitCode::FAILURE
        }
    }
}
