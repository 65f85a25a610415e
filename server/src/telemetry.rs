//! Logs (human by default, JSON on demand) and, when the standard `OTEL_*` variables say
//! where, OpenTelemetry traces over OTLP/HTTP: a span per request (continuing a caller's
//! W3C `traceparent`), per service call (`task.update`, …), per database query and per job.

use crate::config::LogFormat;
use opentelemetry::trace::{Span as _, TraceContextExt, Tracer as _, TracerProvider as _};
use opentelemetry::{Context, KeyValue, global};
use opentelemetry_sdk::trace::SdkTracerProvider;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::time::{Duration, SystemTime};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::{EnvFilter, Layer, fmt, prelude::*};

/// Whether spans are exported (set once by [`init`]): the per-query hook costs nothing
/// when they are not.
static EXPORTING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// What [`init`] set up; [`Telemetry::shutdown`] sends the spans still buffered.
#[must_use]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Whether traces are exported.
    pub fn tracing(&self) -> bool {
        self.provider.is_some()
    }

    /// Sends what is buffered (within the exporter's timeout) and stops exporting.
    pub async fn shutdown(self) {
        if let Some(provider) = self.provider {
            let _ = tokio::task::spawn_blocking(move || provider.shutdown()).await;
        }
    }
}

/// Installs the global subscriber (a second call, in tests, changes nothing). Call it from
/// within the Tokio runtime: the exporter sends through it.
pub fn init(format: LogFormat, filter: &str) -> Telemetry {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let provider = match otlp_provider() {
        Ok(provider) => provider,
        Err(e) => {
            eprintln!("sayr: traces are off: {e}");
            None
        }
    };
    // Spans are traced at `info` whatever the log filter says (SAYR_LOG=warn keeps logs
    // quiet, not traces).
    let traces = provider.as_ref().map(|provider| {
        tracing_opentelemetry::layer()
            .with_tracer(provider.tracer("sayr"))
            .with_tracked_inactivity(false)
            .with_filter(tracing_subscriber::filter::LevelFilter::INFO)
    });
    let logs = match format {
        // Colours for a terminal only: a file, a pipe or journald gets plain text.
        LogFormat::Human => fmt::layer()
            .with_target(false)
            .with_ansi(std::io::stdout().is_terminal())
            .boxed(),
        LogFormat::Json => fmt::layer().json().flatten_event(true).boxed(),
    };
    let installed = tracing_subscriber::registry()
        .with(logs.with_filter(filter))
        .with(traces)
        .try_init()
        .is_ok();
    if installed && provider.is_some() {
        global::set_text_map_propagator(
            opentelemetry_sdk::propagation::TraceContextPropagator::new(),
        );
        EXPORTING.store(true, std::sync::atomic::Ordering::Relaxed);
        services::jobs::set_trace_hooks(services::jobs::TraceHooks {
            current: current_traceparent,
            resume: continue_from,
        });
    }
    Telemetry {
        provider: provider.filter(|_| installed),
    }
}

/// The tracer provider, when `OTEL_EXPORTER_OTLP_ENDPOINT` (or its `_TRACES_` form) is set
/// and neither `OTEL_SDK_DISABLED=true` nor `OTEL_TRACES_EXPORTER=none` turns it off.
/// The exporter reads the other standard variables itself (headers, timeout, the batch
/// processor's `OTEL_BSP_*`, the sampler's `OTEL_TRACES_SAMPLER*`, `OTEL_RESOURCE_ATTRIBUTES`).
fn otlp_provider() -> Result<Option<SdkTracerProvider>, String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let endpoint = var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").or(var("OTEL_EXPORTER_OTLP_ENDPOINT"));
    let disabled = var("OTEL_SDK_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true"))
        || var("OTEL_TRACES_EXPORTER").is_some_and(|v| v.eq_ignore_ascii_case("none"));
    if endpoint.is_none() || disabled {
        return Ok(None);
    }
    let protocol = var("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL").or(var("OTEL_EXPORTER_OTLP_PROTOCOL"));
    if let Some(protocol) = protocol.filter(|p| p != "http/protobuf") {
        return Err(format!(
            "OTEL_EXPORTER_OTLP_PROTOCOL={protocol}: Sayr sends http/protobuf only (a collector's port 4318)"
        ));
    }
    use opentelemetry_otlp::WithHttpConfig;
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_http_client(RuntimeClient::new()?)
        .build()
        .map_err(|e| e.to_string())?;
    let mut resource = opentelemetry_sdk::Resource::builder()
        .with_attribute(KeyValue::new("service.version", env!("CARGO_PKG_VERSION")));
    if var("OTEL_SERVICE_NAME").is_none() {
        resource = resource.with_service_name("sayr");
    }
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource.build())
        .build();
    global::set_tracer_provider(provider.clone());
    Ok(Some(provider))
}

/// The exporter's HTTP client: our reqwest, driven on the Tokio runtime that was current at
/// start-up (the batch processor exports from a thread of its own, outside it).
#[derive(Debug)]
struct RuntimeClient {
    client: reqwest::Client,
    runtime: tokio::runtime::Handle,
}

impl RuntimeClient {
    fn new() -> Result<Self, String> {
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| "the exporter needs the Tokio runtime".to_string())?;
        crate::startup::install_tls_provider();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self { client, runtime })
    }
}

#[async_trait::async_trait]
impl opentelemetry_http::HttpClient for RuntimeClient {
    async fn send_bytes(
        &self,
        request: opentelemetry_http::Request<opentelemetry_http::Bytes>,
    ) -> Result<
        opentelemetry_http::Response<opentelemetry_http::Bytes>,
        opentelemetry_http::HttpError,
    > {
        let request = reqwest::Request::try_from(request.map(reqwest::Body::from))?;
        let client = self.client.clone();
        let response = self
            .runtime
            .spawn(async move {
                let response = client.execute(request).await?;
                let status = response.status();
                let body = response.bytes().await?;
                Ok::<_, reqwest::Error>((status, body))
            })
            .await??;
        let (status, body) = response;
        Ok(opentelemetry_http::Response::builder()
            .status(status)
            .body(body)?)
    }
}

/// Continues the trace a caller named in `traceparent` (W3C Trace Context) on `span`.
pub fn continue_trace(span: &tracing::Span, headers: &axum::http::HeaderMap) {
    if !headers.contains_key("traceparent") {
        return;
    }
    let parent = global::get_text_map_propagator(|p| {
        p.extract(&opentelemetry_http::HeaderExtractor(headers))
    });
    set_parent(span, parent);
}

fn set_parent(span: &tracing::Span, parent: Context) {
    if parent.span().span_context().is_valid() {
        let _ = span.set_parent(parent);
    }
}

/// The current span's trace as a `traceparent` value, to carry it where the work goes on
/// (a job); None when traces are off or nothing is being traced.
pub fn current_traceparent() -> Option<String> {
    let mut carrier = HashMap::new();
    global::get_text_map_propagator(|p| {
        p.inject_context(&tracing::Span::current().context(), &mut carrier)
    });
    carrier.remove("traceparent")
}

/// Makes `span` continue the trace of `traceparent` (as [`current_traceparent`] wrote it).
pub fn continue_from(span: &tracing::Span, traceparent: &str) {
    let carrier = HashMap::from([("traceparent".to_string(), traceparent.to_string())]);
    set_parent(
        span,
        global::get_text_map_propagator(|p| p.extract(&carrier)),
    );
}

/// A database query that took `elapsed` and has just ended, as a span under the current
/// one (SeaORM tells us of a query only once it is over: the span is backdated).
pub fn record_query(system: &'static str, statement: &str, elapsed: Duration, failed: bool) {
    if !EXPORTING.load(std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    let parent: Context = tracing::Span::current().context();
    if !parent.span().span_context().is_valid() {
        return;
    }
    let tracer = global::tracer("sayr");
    let end = SystemTime::now();
    let operation = statement
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    let mut span = tracer
        .span_builder(format!("db {operation}"))
        .with_kind(opentelemetry::trace::SpanKind::Client)
        .with_start_time(end - elapsed)
        .with_attributes([
            KeyValue::new(
                "db.query.text",
                statement.chars().take(2000).collect::<String>(),
            ),
            KeyValue::new("db.operation.name", operation),
            KeyValue::new("db.system.name", system),
        ])
        .start_with_context(&tracer, &parent);
    if failed {
        span.set_status(opentelemetry::trace::Status::error("the query failed"));
    }
    span.end_with_timestamp(end);
}
