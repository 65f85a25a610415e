//! The baseline: a bare tokio-tungstenite broadcast server. Every frame a publisher sends
//! to `/publish` goes to every socket of `/ws`; it answers SUBSCRIBE with SUBSCRIBED so
//! that the same client runs against it.
//!
//! It runs in a child process (this binary's hidden `bare-server` command) unless
//! `--in-process`: 10,000 client and 10,000 server sockets in one process need more open
//! files than Linux lets one process have here (`fs.nr_open` is 20,000), and a process of
//! its own also gives the server's memory apart from the clients'.

use crate::client::{self, Target, title};
use crate::driver::{self, Lanes, LoadArgs, Subject};
use crate::stats::Shared;
use clap::Args;
use futures::{SinkExt, StreamExt};
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Instant;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::mpsc;
use tokio_tungstenite::accept_hdr_async_with_config;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

#[derive(Args, Debug)]
pub struct BareArgs {
    /// Size of each broadcast frame in bytes (the default is what sayr sent for the tool's
    /// task; a sayr run prints its `update_frame_bytes`).
    #[arg(long, default_value_t = 1360)]
    payload_bytes: usize,
    /// Run the server on a runtime of its own in this process instead of a child process
    /// (its memory is then this whole process's, clients included).
    #[arg(long)]
    in_process: bool,
    #[command(flatten)]
    server: ServerOptions,
    #[command(flatten)]
    load: LoadArgs,
}

/// How the bare server treats its sockets. The defaults are sayr's (axum's and
/// tungstenite's); the options show what changing them does.
#[derive(Args, Clone, Copy, Debug)]
pub struct ServerOptions {
    /// Set TCP_NODELAY on the server's sockets (sayr does not).
    #[arg(long)]
    nodelay: bool,
    /// The server's read buffer per socket, in bytes (tungstenite's default, as in sayr).
    #[arg(long, default_value_t = 128 * 1024)]
    read_buffer: usize,
}

impl ServerOptions {
    fn to_args(self) -> Vec<String> {
        let mut args = vec!["--read-buffer".to_string(), self.read_buffer.to_string()];
        if self.nodelay {
            args.push("--nodelay".into());
        }
        args
    }
}

/// Frames a subscriber may fall behind before it skips some (counted as missing).
const BACKLOG: usize = 4096;

const CONNECTION_STATUS: &str = r#"{"type":"CONNECTION_STATUS","data":{"authenticated":false,"wsClientId":"bare"},"scope":"INDIVIDUAL","meta":{"ts":0}}"#;
const SUBSCRIBED: &str = r#"{"type":"SUBSCRIBED","data":{"orgId":"bare","channel":"tasks"},"scope":"INDIVIDUAL","meta":{"ts":0}}"#;

/// Accepts sockets until the process ends.
pub async fn serve(listener: TcpListener, options: ServerOptions) {
    let (tx, _) = broadcast::channel::<Utf8Bytes>(BACKLOG);
    let config = WebSocketConfig::default().read_buffer_size(options.read_buffer);
    loop {
        if let Ok((stream, _)) = listener.accept().await {
            let _ = stream.set_nodelay(options.nodelay);
            tokio::spawn(connection(stream, config, tx.clone()));
        }
    }
}

async fn connection(stream: TcpStream, config: WebSocketConfig, tx: broadcast::Sender<Utf8Bytes>) {
    let mut path = String::new();
    #[allow(clippy::result_large_err)] // the type is tungstenite's
    let callback = |req: &Request, res: Response| {
        path = req.uri().path().to_string();
        Ok(res)
    };
    let Ok(mut ws) = accept_hdr_async_with_config(stream, callback, Some(config)).await else {
        return;
    };
    if path == "/publish" {
        while let Some(Ok(frame)) = ws.next().await {
            if let Message::Text(text) = frame {
                let _ = tx.send(text);
            }
        }
        return;
    }
    let mut rx = tx.subscribe();
    // A reader task of its own, as in sayr: polling the socket for input after every frame
    // sent would zero-fill tungstenite's 128 KiB read buffer each time.
    let (mut sink, mut stream) = ws.split();
    let (subscribed, mut to_answer) = mpsc::channel::<()>(1);
    tokio::spawn(async move {
        while let Some(Ok(frame)) = stream.next().await {
            if let Message::Text(text) = frame
                && text.starts_with(r#"{"type":"SUBSCRIBE""#)
                && subscribed.send(()).await.is_err()
            {
                return;
            }
        }
    });
    if sink.send(Message::text(CONNECTION_STATUS)).await.is_err() {
        return;
    }
    loop {
        let sent = tokio::select! {
            frame = rx.recv() => match frame {
                Ok(frame) => sink.send(Message::Text(frame)).await,
                Err(RecvError::Lagged(_)) => Ok(()),
                Err(RecvError::Closed) => return,
            },
            ask = to_answer.recv() => match ask {
                Some(()) => sink.send(Message::text(SUBSCRIBED)).await,
                None => return,
            },
        };
        if sent.is_err() {
            return;
        }
    }
}

/// `sayr-load bare-server`: serves on `addr`, prints `LISTENING <addr>`, and exits when
/// its standard input closes (its parent is gone).
pub fn serve_main(addr: &str, options: ServerOptions) -> Result<(), String> {
    std::thread::spawn(|| {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        std::process::exit(0);
    });
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let listener = TcpListener::bind(addr).await.map_err(|e| e.to_string())?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        println!("LISTENING {local}");
        serve(listener, options).await;
        Ok(())
    })
}

/// The child process, killed when dropped.
struct ChildServer(Child);

impl Drop for ChildServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn_child(options: ServerOptions) -> Result<(ChildServer, SocketAddr), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut child = Command::new(exe)
        .args(["bare-server", "--addr", "127.0.0.1:0"])
        .args(options.to_args())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("start the bare server: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let child = ChildServer(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let addr = line
        .trim()
        .strip_prefix("LISTENING ")
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| format!("the bare server said {line:?}"))?;
    Ok((child, addr))
}

/// Runs the server on a runtime of its own (as many workers as a separate process would
/// have) and returns its address.
fn start_in_process(options: ServerOptions) -> Result<SocketAddr, String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("bare-server")
            .build()
            .expect("a runtime");
        runtime.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await;
            let listener = match listener {
                Ok(l) => l,
                Err(e) => return tx.send(Err(e.to_string())).unwrap_or(()),
            };
            let _ = tx.send(listener.local_addr().map_err(|e| e.to_string()));
            serve(listener, options).await;
        });
    });
    rx.recv().map_err(|e| e.to_string())?
}

/// An UPDATE_TASK frame shaped like sayr's, padded to `bytes`; only the title changes.
struct Payload {
    head: String,
    tail: String,
}

impl Payload {
    fn new(bytes: usize) -> Self {
        let id = "0199a8f2-7c1e-7d40-9a3b-5f2e8c6d4b10";
        let head = format!(
            r#"{{"type":"UPDATE_TASK","data":{{"id":"{id}","orgId":"{id}","number":1,"key":"LD-1","title":""#
        );
        let tail = |description: &str| {
            format!(
                r#"","description":"{description}","descriptionHtml":"","status":"todo","priority":"none","visibility":"private","category":null,"labels":[],"assignees":[],"parentNumber":null,"subtaskCount":0,"voteCount":0,"commentCount":0,"createdBy":"{id}","createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z","version":2}},"scope":"CHANNEL","meta":{{"ts":1764115200123,"orgId":"{id}","channel":"tasks"}}}}"#
            )
        };
        let bare = head.len() + title(0).len() + tail("").len();
        let padding = "x".repeat(bytes.saturating_sub(bare));
        Self {
            tail: tail(&padding),
            head,
        }
    }

    fn frame(&self, i: u32) -> String {
        format!("{}{}{}", self.head, title(i), self.tail)
    }
}

/// The publisher lane: sends each update's frame over one socket.
async fn publisher(
    addr: SocketAddr,
    payload: Payload,
    mut updates: mpsc::UnboundedReceiver<u32>,
    shared: Arc<Shared>,
) {
    let url = format!("ws://{addr}/publish");
    let mut ws = match client::open(addr, &url, None).await {
        Ok(ws) => ws,
        Err(why) => return shared.trigger_failed(format!("publisher: {why}")),
    };
    while let Some(i) = updates.recv().await {
        let frame = payload.frame(i);
        shared.mark_sent(i);
        let start = Instant::now();
        if let Err(why) = ws.send(Message::text(frame)).await {
            shared.trigger_failed(format!("publish update {i}: {why}"));
        }
        let took = start.elapsed().as_micros() as u64;
        shared.phase_of(i).trigger.record(took);
    }
}

pub async fn run(args: BareArgs) -> Result<(), String> {
    let sockets = args.load.sockets;
    args.load.check(if args.in_process {
        2 * sockets
    } else {
        sockets
    })?;
    let (_child, addr, pid, memory_note) = if args.in_process {
        let addr = start_in_process(args.server)?;
        (
            None,
            addr,
            std::process::id(),
            " (this process: server and clients)",
        )
    } else {
        let (child, addr) = spawn_child(args.server)?;
        let pid = child.0.id();
        (Some(child), addr, pid, "")
    };

    let shared = Arc::new(Shared::new(args.load.updates, args.load.burst()));
    let (tx, rx) = mpsc::unbounded_channel();
    let payload = Payload::new(args.payload_bytes);
    tokio::spawn(publisher(addr, payload, rx, shared.clone()));
    let target = Target {
        addr,
        url: format!("ws://{addr}/ws"),
        authorization: None,
        subscribe: Target::subscribe_frame("bare"),
    };
    let subject = Subject {
        name: "bare",
        pid: Some(pid),
        memory_note,
    };
    driver::run(subject, target, shared, Lanes(vec![tx]), &args.load).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_have_the_asked_size_and_parse_as_json() {
        let payload = Payload::new(1360);
        let frame = payload.frame(42);
        assert_eq!(frame.len(), 1360);
        let json: serde_json::Value = serde_json::from_str(&frame).unwrap();
        assert_eq!(json["type"], "UPDATE_TASK");
        assert_eq!(json["data"]["title"], title(42));
    }
}
