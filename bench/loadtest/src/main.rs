//! `sayr-load`: opens many WebSockets against a sayr instance, triggers task updates over
//! REST and measures the fan-out; `bare` measures a bare tokio-tungstenite broadcast server
//! with the same clients, as the baseline. See BENCHMARKS.md, "Realtime fan-out".

mod bare;
mod client;
mod driver;
mod procfs;
mod report;
mod sayr;
mod stats;

use clap::Parser;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "sayr-load", version, about)]
enum Cli {
    /// Measure a running sayr: its `/ws` fan-out of task updates made over REST.
    Sayr(sayr::SayrArgs),
    /// Measure a bare tokio-tungstenite broadcast server, the baseline.
    Bare(bare::BareArgs),
    /// The bare server alone (started by `bare`).
    #[command(hide = true)]
    BareServer {
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: String,
        #[command(flatten)]
        options: bare::ServerOptions,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli {
        Cli::BareServer { addr, options } => bare::serve_main(&addr, options),
        Cli::Sayr(args) => runtime().and_then(|rt| rt.block_on(sayr::run(args))),
        Cli::Bare(args) => runtime().and_then(|rt| rt.block_on(bare::run(args))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("sayr-load: {why}");
            ExitCode::FAILURE
        }
    }
}

/// One runtime for every client socket; reqwest needs a TLS provider chosen even for http.
fn runtime() -> Result<tokio::runtime::Runtime, String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}
