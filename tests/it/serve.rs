//! `handout serve`: safe to leave running on a shared computer (the Host check, the token,
//! nothing outside the project), saves that never lose work, and — in Chromium — an author
//! editing a handout and watching every preview follow.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Dir, repo};

/// A running `handout serve` in a project; stopped when dropped.
struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    base: String,
    token: String,
    /// Kept open: the server prints while it runs.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Server {
    fn start(dir: &Dir) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_handout"))
            .args(["serve", "--port", "0"])
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start handout serve");
        let mut first = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut first).unwrap();
        let url = first.split(" at ").nth(1).unwrap_or_else(|| panic!("no address in {first:?}")).trim().to_string();
        let (base, token) = url.split_once("/?token=").unwrap();
        Server { child, base: base.to_string(), token: token.to_string(), _stdout: stdout }
    }

    fn port(&self) -> u16 {
        self.base.rsplit(':').next().unwrap().parse().unwrap()
    }

    fn get(&self, path: &str) -> (u16, String) {
        match ureq::get(&format!("{}{path}", self.base)).call() {
            Ok(mut response) => (response.status().as_u16(), response.body_mut().read_to_string().unwrap_or_default()),
            Err(ureq::Error::StatusCode(code)) => (code, String::new()),
            Err(e) => panic!("GET {path}: {e}"),
        }
    }

    fn handout(&self, key: &str) -> serde_json::Value {
        let (status, body) = self.get(&format!("/api/handout/{key}"));
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    /// Posts a save; the status and the body.
    fn save(&self, token: Option<&str>, body: serde_json::Value) -> (u16, String) {
        let mut request = ureq::post(&format!("{}/api/save", self.base)).config().http_status_as_error(false).build();
        if let Some(token) = token {
            request = request.header("x-handout-token", token);
        }
        let mut response =
            request.header("content-type", "application/json").send(body.to_string()).expect("POST /api/save");
        (response.status().as_u16(), response.body_mut().read_to_string().unwrap_or_default())
    }

    /// Waits until `ready` holds of the handout list, or fails after 10 s.
    fn wait_for(&self, what: &str, ready: impl Fn(&serde_json::Value) -> bool) {
        let started = Instant::now();
        loop {
            let (_, body) = self.get("/api/handouts");
            let list: serde_json::Value = serde_json::from_str(&body).unwrap();
            if ready(&list) {
                return;
            }
            assert!(started.elapsed() < Duration::from_secs(10), "waited 10 s for {what}: {list}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A raw request, for headers a client library sets itself (`Host`).
fn raw_status(port: u16, request: &str) -> String {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.lines().next().unwrap_or("").to_string()
}

fn project() -> Dir {
    let dir = Dir::new();
    dir.write(
        "content/care.md",
        "+++\ntitle = \"Foot care\"\nsummary = \"Check your feet every day.\"\n[contact]\nphone = \"1-800-555-0100\"\n[outputs.text]\nformat = \"sms\"\n[outputs.web]\nformat = \"html\"\n+++\nLook at your feet each day.\n",
    );
    dir
}

#[test]
fn the_server_answers_only_its_own_address_and_writes_only_with_its_token() {
    let dir = project();
    let server = Server::start(&dir);
    let port = server.port();
    assert!(
        raw_status(port, &format!("GET /api/handouts HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"))
            .contains(" 200 ")
    );
    // DNS rebinding: a page on another site whose name resolves to this computer.
    let rebound = raw_status(port, "GET /api/handouts HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n");
    assert!(rebound.contains(" 403 "), "{rebound}");
    let key = "content/care.md";
    let hash = server.handout(key)["hash"].as_str().unwrap().to_string();
    let edit = serde_json::json!({ "key": key, "text": "changed", "base": hash });
    assert_eq!(server.save(None, edit.clone()).0, 403);
    assert_eq!(server.save(Some("0123456789abcdef0123456789abcdef"), edit).0, 403);
    assert!(dir.read_text("content/care.md").starts_with("+++\ntitle = \"Foot care\""), "nothing was written");
}

#[test]
fn nothing_outside_the_project_and_nothing_but_handouts_is_served() {
    let dir = project();
    std::fs::write(dir.path().join("secret.txt"), "do not serve").unwrap();
    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(
            outside.path().join("other.md"),
            "+++\ntitle = \"Outside\"\nsummary = \"s\"\n+++\nprivate text\n",
        )
        .unwrap();
        std::os::unix::fs::symlink(outside.path().join("other.md"), dir.path().join("content/linked.md")).unwrap();
        let server = Server::start(&dir);
        let linked = server.handout("content/linked.md");
        assert_eq!(linked["text"], "", "the text of a file outside the project was served");
        let problems = linked["diagnostics"].to_string();
        assert!(problems.contains("outside the project root"), "{problems}");
        for path in [
            "/secret.txt",
            "/api/handout/secret.txt",
            "/api/handout/..%2Fsecret.txt",
            "/api/handout/content/../secret.txt",
            "/preview/web/html/..%2F..%2Fsecret.txt",
            "/preview/web/epub/content/care.md/-/../../secret.txt",
            "/content/",
        ] {
            let (status, body) = server.get(path);
            assert!(status == 404 || status == 405, "{path}: {status} {body}");
            assert!(!body.contains("do not serve"), "{path} served the file");
        }
        // Author text in a preview cannot run: previews are sandboxed.
        let response = ureq::get(&format!("{}/preview/web/html/content/care.md", server.base)).call().unwrap();
        let policy = response.headers().get("content-security-policy").unwrap().to_str().unwrap().to_string();
        assert!(policy.starts_with("sandbox;") && policy.contains("default-src 'none'"), "{policy}");
    }
}

#[test]
fn a_save_never_loses_an_edit_made_elsewhere_and_a_deleted_file_leaves_the_list() {
    let dir = project();
    let server = Server::start(&dir);
    let key = "content/care.md";
    let loaded = server.handout(key);
    let hash = loaded["hash"].as_str().unwrap().to_string();
    // Someone edits the file in another editor after the page loaded it.
    let elsewhere = dir.read_text("content/care.md").replace("each day", "every morning");
    dir.write("content/care.md", &elsewhere);
    let mine = loaded["text"].as_str().unwrap().replace("each day", "at night");
    let (status, body) =
        server.save(Some(&server.token), serde_json::json!({ "key": key, "text": mine, "base": hash }));
    assert_eq!(status, 409, "{body}");
    let conflict: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(conflict["disk"], elsewhere.as_str());
    assert_eq!(dir.read_text("content/care.md"), elsewhere, "the other edit is kept");
    // The author chooses theirs, knowing what is on disk.
    let (status, _) =
        server.save(Some(&server.token), serde_json::json!({ "key": key, "text": mine, "base": conflict["hash"] }));
    assert_eq!(status, 200);
    assert_eq!(dir.read_text("content/care.md"), mine);
    assert!(dir.files("").iter().all(|f| !f.starts_with("dist/")), "serve never writes dist/");
    // Deleted while served: it leaves the list, and the server carries on.
    std::fs::remove_file(dir.path().join("content/care.md")).unwrap();
    dir.write("content/other.md", &mine.replace("Foot care", "Other"));
    server.wait_for("the deleted handout to leave the list", |list| {
        let keys: Vec<&str> = list["handouts"].as_array().unwrap().iter().filter_map(|h| h["key"].as_str()).collect();
        keys == ["content/other.md"]
    });
    assert_eq!(server.get(&format!("/api/handout/{key}")).0, 404);
}

#[test]
fn a_port_in_use_is_a_usage_error_with_a_hint() {
    let dir = project();
    let server = Server::start(&dir);
    let port = server.port().to_string();
    let run = dir.run(&["serve", "--port", &port]);
    run.fails_with(2, &format!("error: port {port} is in use (another `handout serve`?); choose another with `--port"));
}

#[test]
fn an_author_edits_in_the_page_and_every_preview_follows() {
    let dir = Dir::with_sample();
    let server = Server::start(&dir);
    let file = dir.path().join("content/emotional-numbness.md");
    // README's picture is this screenshot: `HANDOUT_SCREENSHOTS=docs cargo test serve::` makes it again.
    let folder = std::env::var_os("HANDOUT_SCREENSHOTS").map_or_else(std::env::temp_dir, |d| repo().join(d));
    let screenshot = folder.join("serve.png");
    let _ = std::fs::remove_file(&screenshot);
    let job = serde_json::json!({
        "url": format!("{}/handout/content/emotional-numbness.md?token={}", server.base, server.token),
        "file": file,
        "screenshot": screenshot,
    });
    let Some(result) = crate::util::node_script("serve.js", &job) else { return };
    assert_eq!(result["pdfPageLoaded"], true, "{result}");
    assert!(result["smsFigures"].as_str().unwrap().contains("1 segment"), "{result}");
    assert_eq!(result["savedSentenceInSms"], true, "{result}");
    assert_eq!(result["savedSentenceInWebPage"], true, "{result}");
    assert!(result["badEditFinding"].as_str().unwrap().starts_with("2:"), "{result}");
    assert_eq!(result["staleBannerShown"], true, "{result}");
    assert_eq!(result["lastGoodPreviewKept"], true, "{result}");
    assert_eq!(result["outsideEditShown"], true, "{result}");
    let png = std::fs::read(&screenshot).unwrap_or_default();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 50_000, "no screenshot at {}", screenshot.display());
    assert!(
        dir.read_text("content/emotional-numbness.md").contains("Numbness is common and help works."),
        "the file on disk"
    );
}

#[test]
fn a_series_previews_as_its_messages_with_their_days() {
    let dir = Dir::new();
    dir.write(
        "content/care.md",
        "+++\ntitle = \"Foot care\"\nsummary = \"Check your feet every day.\"\n[contact]\nphone = \"1-800-555-0100\"\n[outputs.texts]\nformat = \"sms\"\nseries = [{ day = 0, hour = 9, section = \"intro\" }, { day = 3, hour = 9, text = \"Care Team: new shoes? An hour a day at first.\" }]\n+++\nLook at your feet each day.\n",
    );
    dir.write("handout.toml", "organisation = \"Care Team\"\n");
    let server = Server::start(&dir);
    let handout = server.handout("content/care.md");
    let texts = handout["outputs"].as_array().unwrap().iter().find(|o| o["profile"] == "texts").unwrap();
    let messages = texts["messages"].as_array().unwrap_or_else(|| panic!("{texts}"));
    assert_eq!(messages.len(), 2, "{texts}");
    assert_eq!((&messages[1]["day"], &messages[1]["hour"]), (&serde_json::json!(3), &serde_json::json!(9)));
    assert!(messages[0]["text"].as_str().unwrap().starts_with("Care Team: Look at your feet each day."), "{texts}");
}
