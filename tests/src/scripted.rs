//! A Connect-native HTTP backend whose answers a test scripts: per request (numbered from 0 in
//! arrival order) a status, and whether to hold the answer until the test releases it — to
//! fail a few times then succeed (retries), to be slow (timeouts), to keep connections busy
//! (circuit breakers), or to always fail (outlier detection). Every connection gets its own
//! thread; a held answer waits at most [`MAX_HOLD`].

use crate::net::{accept_mtls, mesh_server_config, Backend, MeshIdentity};
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The longest a held answer waits for [`Scripted::release`].
pub const MAX_HOLD: Duration = Duration::from_secs(20);

/// What to answer one request.
#[derive(Clone, Copy, Debug)]
pub struct Answer {
    pub status: u16,
    /// Wait for [`Scripted::release`] before answering.
    pub hold: bool,
}

impl Answer {
    pub fn ok() -> Answer {
        Answer { status: 200, hold: false }
    }
    pub fn status(status: u16) -> Answer {
        Answer { status, hold: false }
    }
    pub fn held() -> Answer {
        Answer { status: 200, hold: true }
    }
}

type Script = dyn Fn(usize) -> Answer + Send + Sync;

/// A running scripted backend.
pub struct Scripted {
    pub backend: Backend,
    state: Arc<State>,
}

#[derive(Default)]
struct State {
    requests: AtomicUsize,
    released: AtomicBool,
    paths: Mutex<Vec<String>>,
    /// Names of request headers that reached it, lower case.
    headers: Mutex<Vec<String>>,
}

impl Scripted {
    /// Serves on 127.0.0.1:`port` with `id`'s certificate (mTLS, a client certificate required);
    /// answers `backend=<name>` and `path=<path received>`.
    pub fn start(
        name: &str,
        port: u16,
        id: &MeshIdentity,
        script: impl Fn(usize) -> Answer + Send + Sync + 'static,
    ) -> Result<Scripted, String> {
        let config = Arc::new(mesh_server_config(id)?);
        let state: Arc<State> = Arc::default();
        let script: Arc<Script> = Arc::new(script);
        let name: Arc<str> = Arc::from(name);
        let shared = state.clone();
        let backend = Backend::spawn(Backend::listener(port)?, move |c| {
            let (config, state, script, name) = (config.clone(), shared.clone(), script.clone(), name.clone());
            std::thread::spawn(move || {
                let Some((tls, _)) = accept_mtls(&config, c) else { return };
                serve(tls, &name, &state, &*script);
            });
        });
        Ok(Scripted { backend, state })
    }

    /// How many requests arrived.
    pub fn requests(&self) -> usize {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// The paths received, in order.
    pub fn paths(&self) -> Vec<String> {
        self.state.paths.lock().map(|p| p.clone()).unwrap_or_default()
    }

    /// Whether a request header of this name ever reached the backend.
    pub fn saw_header(&self, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        self.state.headers.lock().map(|h| h.contains(&name)).unwrap_or(false)
    }

    /// Lets every held answer (and every later one) go.
    pub fn release(&self) {
        self.state.released.store(true, Ordering::SeqCst);
    }
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.release();
    }
}

fn serve(stream: impl Read + Write, name: &str, state: &State, script: &Script) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.by_ref().take(64 * 1024).read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    for _ in 0..200 {
        let mut h = String::new();
        match reader.by_ref().take(64 * 1024).read_line(&mut h) {
            Ok(0) | Err(_) => return,
            Ok(_) if h == "\r\n" => break,
            Ok(_) => {
                if let (Some((n, _)), Ok(mut seen)) = (h.split_once(':'), state.headers.lock()) {
                    let n = n.trim().to_ascii_lowercase();
                    if !seen.contains(&n) {
                        seen.push(n);
                    }
                }
            }
        }
    }
    let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
    if let Ok(mut p) = state.paths.lock() {
        p.push(path.clone());
    }
    let n = state.requests.fetch_add(1, Ordering::SeqCst);
    let answer = script(n);
    if answer.hold {
        let step = Duration::from_millis(20);
        for _ in 0..(MAX_HOLD.as_millis() / step.as_millis()) {
            if state.released.load(Ordering::SeqCst) {
                break;
            }
            std::thread::sleep(step);
        }
    }
    let body = format!("backend={name}\npath={path}\nrequest={n}\n");
    let resp = format!(
        "HTTP/1.1 {} scripted\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        answer.status,
        body.len()
    );
    let w = reader.get_mut();
    let _ = w.write_all(resp.as_bytes());
    let _ = w.flush();
}
