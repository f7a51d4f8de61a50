//! `handout serve`: a local server that shows each handout's source beside a live preview of
//! every output, and saves the author's edits. It listens on loopback, answers only requests
//! addressed to it (DNS rebinding), takes writes only with the run's token, and serves
//! nothing from the disk: every preview is rendered from the project's handouts in memory.

mod workspace;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tokio::sync::{broadcast, watch};

use crate::model::Clock;
pub use workspace::text_hash;
use workspace::{Preview, Workspace};

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub paths: Vec<PathBuf>,
    pub host: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub open: bool,
    pub font_paths: Vec<PathBuf>,
}

/// The app's own files.
const INDEX_PAGE: &str = include_str!("../../assets/serve/index.html");
const HANDOUT_PAGE: &str = include_str!("../../assets/serve/handout.html");
const SCRIPT: &str = include_str!("../../assets/serve/app.js");
const STYLE: &str = include_str!("../../assets/serve/app.css");

/// What every request handler shares.
struct App {
    workspace: Workspace,
    token: String,
    /// `Host` headers this server answers to.
    hosts: Vec<String>,
    /// Tells open pages which handouts changed.
    changes: broadcast::Sender<String>,
    shutdown: watch::Receiver<bool>,
}

type Shared = Arc<App>;

/// Runs the server until Ctrl-C. Errors are usage errors (a port in use, a bad address).
pub fn run(options: ServeOptions, clock: Clock) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    runtime.block_on(serve(options, clock))
}

async fn serve(options: ServeOptions, clock: Clock) -> Result<(), String> {
    let address = SocketAddr::new(options.host, options.port);
    let listener = tokio::net::TcpListener::bind(address).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => format!(
            "port {} is in use (another `handout serve`?); choose another with `--port {}`",
            options.port,
            options.port.saturating_add(1)
        ),
        _ => format!("cannot listen on {address}: {e}"),
    })?;
    let bound = listener.local_addr().map_err(|e| format!("cannot listen on {address}: {e}"))?;
    if !options.host.is_loopback() {
        eprintln!(
            "warning: serving on {} lets other computers on the network read these handouts; \
             without --host only this computer can",
            options.host
        );
    }
    let token = new_token();
    let (changes, _) = broadcast::channel(64);
    let (stop, shutdown) = watch::channel(false);
    let workspace = Workspace::new(options.paths.clone(), options.font_paths.clone(), clock);
    let workspace = tokio::task::spawn_blocking(move || {
        workspace.refresh();
        workspace
    })
    .await
    .map_err(|e| format!("cannot read the handouts: {e}"))?;
    let roots = workspace.roots();
    let app = Arc::new(App { workspace, token, hosts: hosts_for(bound), changes, shutdown });
    let _watcher = watch_files(&roots, app.clone())?;
    let url = format!("http://{bound}/?token={}", app.token);
    say(&format!("serving {} handout(s) at {url}\npress Ctrl-C to stop", workspace::views(&app.workspace).len()));
    if options.open {
        open_browser(&url);
    }
    let router = router(app.clone());
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            let _ = tokio::signal::ctrl_c().await;
            // Open event streams end, so that the server can stop.
            let _ = stop.send(true);
        })
        .await
        .map_err(|e| format!("the server stopped: {e}"))?;
    say("stopped");
    Ok(())
}

/// Prints a line for the author; a closed terminal or pipe is not a reason to stop serving.
fn say(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

fn router(app: Shared) -> Router {
    Router::new()
        .route("/", get(|| async { page(INDEX_PAGE) }))
        .route("/handout/{*key}", get(|| async { page(HANDOUT_PAGE) }))
        .route("/app.js", get(|| async { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], SCRIPT) }))
        .route("/app.css", get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE) }))
        .route("/api/handouts", get(list))
        .route("/api/handout/{*key}", get(handout))
        .route("/api/save", post(save))
        .route("/events", get(events))
        .route("/preview/{profile}/page/{index}/{*key}", get(pdf_page))
        .route("/preview/{profile}/html/{*key}", get(html_page))
        .route("/preview/{profile}/epub/{*rest}", get(epub_file))
        .layer(middleware::from_fn_with_state(app.clone(), only_this_host))
        .with_state(app)
}

/// Refuses requests addressed to another name than the one served (a page on another site
/// that resolves its own name to 127.0.0.1 gets nothing).
async fn only_this_host(State(app): State<Shared>, request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if !app.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        return (StatusCode::FORBIDDEN, "this server answers only to the address it printed").into_response();
    }
    next.run(request).await
}

/// The `Host` values a browser sends for this address.
fn hosts_for(bound: SocketAddr) -> Vec<String> {
    let port = bound.port();
    let mut hosts = vec![bound.to_string()];
    if bound.ip().is_loopback() {
        hosts.extend([format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")]);
    }
    hosts
}

/// A page of the app: its own script and styles only; frames only from this server.
fn page(html: &'static str) -> Response {
    let mut response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'",
        ),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// A preview of an output: shown in a sandboxed frame, with no script allowed to run.
fn preview_response(content_type: &str, bytes: Vec<u8>) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:"),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

/// Every handout with its outputs and counts of findings, and problems of no handout.
async fn list(State(app): State<Shared>) -> Response {
    let views = workspace::views(&app.workspace);
    let summaries: Vec<_> = views.iter().map(|v| v.summary()).collect();
    axum::Json(serde_json::json!({ "handouts": summaries, "problems": workspace::problems(&app.workspace) }))
        .into_response()
}

/// One handout: its text, findings and outputs (pages, chapters, messages).
async fn handout(State(app): State<Shared>, Path(key): Path<String>) -> Response {
    let views = workspace::views(&app.workspace);
    match views.iter().find(|v| v.key == key) {
        Some(view) => axum::Json(handout_json(view)).into_response(),
        None => not_found(),
    }
}

/// What the page shows of a handout.
fn handout_json(view: &workspace::View) -> serde_json::Value {
    let outputs: Vec<serde_json::Value> = view
        .outputs
        .iter()
        .map(|o| {
            let mut value = serde_json::json!({ "profile": o.profile, "format": o.format, "version": o.version, "errors": o.errors });
            match o.preview.as_deref() {
                Some(Preview::Pdf { pngs, .. }) => value["pages"] = pngs.len().into(),
                Some(Preview::Epub { chapters, .. }) => value["chapters"] = serde_json::json!(chapters),
                Some(Preview::Sms { messages }) => {
                    let marked: Vec<Vec<usize>> = messages
                        .iter()
                        .map(|m| crate::render::sms::encoding::unencodable(&m.encoded.text).iter().map(|u| u.position).collect())
                        .collect();
                    value["messages"] = serde_json::json!(messages);
                    value["ucs2_because"] = serde_json::json!(marked);
                }
                Some(Preview::Html { .. }) => value["page"] = true.into(),
                None => {}
            }
            value
        })
        .collect();
    serde_json::json!({
        "key": view.key,
        "title": view.title,
        "version": view.version,
        "text": view.text,
        "hash": view.hash,
        "stale": view.stale,
        "diagnostics": view.diagnostics,
        "outputs": outputs,
    })
}

/// The preview of `profile` of the handout `key`, if it has one.
fn preview_of(app: &App, key: &str, profile: &str) -> Option<Arc<Preview>> {
    let views = workspace::views(&app.workspace);
    let view = views.iter().find(|v| v.key == key)?;
    view.outputs.iter().find(|o| o.profile == profile)?.preview.clone()
}

async fn pdf_page(State(app): State<Shared>, Path((profile, index, key)): Path<(String, usize, String)>) -> Response {
    let Some(preview) = preview_of(&app, &key, &profile) else { return not_found() };
    match tokio::task::spawn_blocking(move || preview.page_png(index)).await {
        Ok(Some(png)) => preview_response("image/png", png.as_ref().clone()),
        _ => not_found(),
    }
}

async fn html_page(State(app): State<Shared>, Path((profile, key)): Path<(String, String)>) -> Response {
    match preview_of(&app, &key, &profile).as_deref() {
        Some(Preview::Html { page }) => preview_response("text/html; charset=utf-8", page.clone()),
        _ => not_found(),
    }
}

/// A file of a book: `/preview/PROFILE/epub/KEY/-/PATH-IN-BOOK` (the key is a handout's path).
async fn epub_file(State(app): State<Shared>, Path((profile, rest)): Path<(String, String)>) -> Response {
    let Some((key, inner)) = rest.split_once("/-/") else { return not_found() };
    let Some(preview) = preview_of(&app, key, &profile) else { return not_found() };
    let Preview::Epub { files, .. } = preview.as_ref() else { return not_found() };
    let Some(bytes) = files.get(inner) else { return not_found() };
    let kind = match inner.rsplit('.').next() {
        Some("xhtml") => "application/xhtml+xml; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("png") => "image/png",
        Some("jpg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("svg") => "image/svg+xml",
        Some("ttf") => "font/ttf",
        Some("otf") => "font/otf",
        _ => "application/octet-stream",
    };
    preview_response(kind, bytes.clone())
}

#[derive(Deserialize)]
struct SaveRequest {
    key: String,
    text: String,
    /// The fingerprint of the text the page loaded; another one on disk means the file was
    /// changed elsewhere since.
    base: String,
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

/// Writes the editor's text to the handout's file, atomically; refused without the run's
/// token, and with the file's text when it changed on disk after the page loaded it.
async fn save(
    State(app): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<TokenQuery>,
    body: axum::Json<SaveRequest>,
) -> Response {
    let given = headers.get("x-handout-token").and_then(|t| t.to_str().ok()).map(str::to_string).or(query.token);
    if given.as_deref() != Some(app.token.as_str()) {
        return (StatusCode::FORBIDDEN, "saving needs the token of the address `handout serve` printed")
            .into_response();
    }
    let request = body.0;
    let request_key = request.key.clone();
    let file = {
        let views = workspace::views(&app.workspace);
        match views.iter().find(|v| v.key == request.key) {
            Some(view) => view.file.clone(),
            None => return not_found(),
        }
    };
    let writer = app.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let on_disk = workspace::read_text(&file);
        if let Some(disk) = on_disk.filter(|disk| text_hash(disk) != request.base) {
            return Saved::Conflict(disk);
        }
        match crate::output::write_atomic(&file, request.text.as_bytes()) {
            Ok(()) => Saved::Written(writer.workspace.refresh()),
            Err(e) => Saved::Failed(e.to_string()),
        }
    })
    .await
    .unwrap_or_else(|e| Saved::Failed(e.to_string()));
    match outcome {
        Saved::Written(changed) => {
            announce(&app, &changed);
            // The handout as it now is: the page shows it without asking again.
            let views = workspace::views(&app.workspace);
            let shown = views.iter().find(|v| v.key == request_key).map(handout_json);
            axum::Json(serde_json::json!({ "saved": true, "handout": shown })).into_response()
        }
        Saved::Conflict(disk) => {
            let body = serde_json::json!({ "disk": disk, "hash": text_hash(&disk) });
            (StatusCode::CONFLICT, axum::Json(body)).into_response()
        }
        Saved::Failed(why) => (StatusCode::INTERNAL_SERVER_ERROR, format!("cannot save: {why}")).into_response(),
    }
}

/// What became of a save.
enum Saved {
    /// Written; the keys of the handouts that changed.
    Written(Vec<String>),
    /// The file changed on disk since the page loaded it: its text now.
    Conflict(String),
    Failed(String),
}

/// Tells open pages which handouts changed.
fn announce(app: &App, changed: &[String]) {
    if !changed.is_empty() {
        let _ = app.changes.send(serde_json::json!({ "changed": changed }).to_string());
    }
}

/// Server-Sent Events: one message per change, naming the handouts that changed.
async fn events(State(app): State<Shared>) -> impl IntoResponse {
    let state = (app.changes.subscribe(), app.shutdown.clone());
    let stream = futures_util::stream::unfold(state, |(mut changes, mut shutdown)| async move {
        loop {
            tokio::select! {
                message = changes.recv() => match message {
                    Ok(data) => return Some((Ok::<_, std::convert::Infallible>(Event::default().data(data)), (changes, shutdown))),
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                _ = shutdown.changed() => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Watches the projects' files; a burst of changes (an editor's save is several events) is
/// one refresh, after which open pages are told what changed.
fn watch_files(roots: &[PathBuf], app: Shared) -> Result<notify::RecommendedWatcher, String> {
    use notify::Watcher;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<PathBuf>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // Reading a file is not changing it (and the server reads them all on each refresh).
        if let Some(event) = event.ok().filter(|e| !matches!(e.kind, notify::EventKind::Access(_))) {
            for path in event.paths {
                let _ = tx.send(path);
            }
        }
    })
    .map_err(|e| format!("cannot watch the files: {e}"))?;
    for root in roots {
        watcher
            .watch(root, notify::RecursiveMode::Recursive)
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    }
    let roots = roots.to_vec();
    let relevant = move |path: &std::path::Path| roots.iter().any(|root| path.strip_prefix(root).is_ok_and(authored));
    tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            tokio::time::sleep(std::time::Duration::from_millis(15)).await;
            let mut paths = vec![first];
            while let Ok(path) = rx.try_recv() {
                paths.push(path);
            }
            paths.retain(|path| relevant(path));
            let shown = app.clone();
            // A save from the page has already been shown: its own write is no news.
            let news = tokio::task::spawn_blocking(move || !paths.iter().all(|p| shown.workspace.shows(p))).await;
            if news.unwrap_or(true) {
                let refreshing = app.clone();
                if let Ok(changed) = tokio::task::spawn_blocking(move || refreshing.workspace.refresh()).await {
                    announce(&app, &changed);
                }
            }
        }
    });
    Ok(watcher)
}

/// Whether a path inside a project is the author's: outputs, hidden and temporary files and
/// editors' backups are not.
fn authored(path: &std::path::Path) -> bool {
    let hidden = path.components().any(|c| {
        let name = c.as_os_str().to_string_lossy();
        name.starts_with('.') && name != "." && name != ".."
    });
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let backup = name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".swx");
    let output = path.components().any(|c| c.as_os_str() == "dist" || c.as_os_str() == "target");
    !hidden && !backup && !output
}

/// 128 random bits as hex, from the operating system's randomness (through std's hasher
/// keys: no extra dependency).
fn new_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    (0..2)
        .map(|i| {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u64(i);
            hasher.write_u128(
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()),
            );
            format!("{:016x}", hasher.finish())
        })
        .collect()
}

/// Opens the address in the desktop's browser; quietly does nothing where there is none.
fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(command)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}
