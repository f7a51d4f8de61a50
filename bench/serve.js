// How long an author waits at `handout serve`: from pressing Ctrl-S in the page (or another
// editor writing the file) until the page shows the new preview (a PDF's first page image
// loaded), timed in the page. Medians of --runs edits, in
// Debian's Chromium.
//
//   cargo build --release && (cd tests/js && npm ci --ignore-scripts)
//   node bench/serve.js [--runs 15] [--project .]
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');
const puppeteer = require(path.join(__dirname, '..', 'tests', 'js', 'node_modules', 'puppeteer-core'));

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const RUNS = Number(args.runs || 15);
const BINARY = process.env.HANDOUT || path.join(process.env.CARGO_TARGET_DIR || path.join(__dirname, '..', 'target'), 'release', 'handout');

function copyProject(from) {
  const to = fs.mkdtempSync(path.join(os.tmpdir(), 'handout-serve-bench-'));
  for (const entry of ['handout.toml', 'content', 'assets', 'templates', 'fonts']) {
    if (fs.existsSync(path.join(from, entry))) fs.cpSync(path.join(from, entry), path.join(to, entry), { recursive: true });
  }
  return to;
}

function serve(project) {
  const child = spawn(BINARY, ['serve', '--port', '0'], { cwd: project, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once('line', (line) => resolve({ child, url: line.split(' at ')[1] }));
    child.once('exit', (code) => reject(new Error(`handout serve exited with ${code}`)));
  });
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

// In the page: waits until the preview of `profile` is a new one (its version changed) and,
// for a PDF, its first page image has loaded; the time then, by the page's clock (Date.now,
// which the browser and this script share).
function whenPreviewChanged(page, profile) {
  return page.evaluate((profile) => {
    const box = () => document.querySelector(`article[data-profile="${profile}"]`);
    const before = box().dataset.version;
    return new Promise((resolve, reject) => {
      const until = Date.now() + 20000;
      const look = () => {
        if (Date.now() > until) return reject(new Error(`no new ${profile} preview (version ${before}, now ${box() && box().dataset.version}): ${document.getElementById('status').textContent}`));
        const now = box();
        const img = now && now.querySelector('img');
        if (now && now.dataset.version !== before && (!img || (img.complete && img.naturalWidth > 0))) resolve(Date.now());
        else requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
    });
  }, profile);
}

// From the change (a save pressed in the page, or a file written) to the new preview shown.
async function timeEdit(page, profile, change) {
  const shown = whenPreviewChanged(page, profile);
  await page.evaluate(() => new Promise(requestAnimationFrame));
  const start = await change();
  return (await shown) - start;
}

// Edits the text in the editor and presses Ctrl-S; the time of the key press.
function savedInPage(page, [from, to]) {
  return page.evaluate((from, to) => {
    const area = document.getElementById('text');
    area.value = area.value.replace(new RegExp(from), to);
    area.dispatchEvent(new Event('input'));
    const start = Date.now();
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 's', ctrlKey: true, bubbles: true }));
    return start;
  }, from, to);
}

async function main() {
  const project = copyProject(path.resolve(args.project || path.join(__dirname, '..')));
  const { child, url } = await serve(project);
  const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  const results = {};
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
    const english = 'content/emotional-numbness.md';
    const spanish = 'content/emotional-numbness.es.md';
    const open = async (key) => {
      await page.goto(url.replace('/?', `/handout/${key}?`), { waitUntil: 'load' });
      await page.waitForSelector('article[data-profile="leaflet"] img');
    };
    await open(english);
    const cases = [
      ['save in the page: a sentence of the text → leaflet page 1', english, 'leaflet', (i) => savedInPage(page, ['feel (again|anew)[^.]*\\.', `feel again (${i}).`])],
      ['save in the page: a sentence of the text → web page', english, 'web', (i) => savedInPage(page, ['feel again[^.]*\\.', `feel again [${i}].`])],
      ['save in the page: the summary → text message', english, 'sms', (i) => savedInPage(page, ['summary = "[^"]*"', `summary = "Numbness is common and help works (${i})."`])],
      ['another editor writes the file: the summary → text message', english, 'sms', (i) => {
        const file = path.join(project, english);
        const text = fs.readFileSync(file, 'utf8').replace(/summary = "[^"]*"/, `summary = "Numbness is common; help works (${i})."`);
        const start = Date.now();
        fs.writeFileSync(file, text);
        return Promise.resolve(start);
      }],
      ['save in the page: a hand-written text message (sms = [...]) → text message', spanish, 'sms', (i) => savedInPage(page, ['sms = \\["[^"]*"', `sms = ["Riverbend: ayuda gratis (${i}) al 1-800-662-4357"`])],
    ];
    let opened = english;
    for (const [name, key, profile, change] of cases) {
      if (key !== opened) { await open(key); opened = key; }
      await timeEdit(page, profile, () => change(-1)); // warm-up
      const times = [];
      for (let i = 0; i < RUNS; i++) times.push(await timeEdit(page, profile, () => change(i)));
      results[name] = { median_ms: Math.round(median(times)), min_ms: Math.round(Math.min(...times)), max_ms: Math.round(Math.max(...times)), runs: RUNS };
      console.log(`${name}: median ${results[name].median_ms} ms (min ${results[name].min_ms}, max ${results[name].max_ms}, ${RUNS} runs)`);
    }
  } finally {
    await browser.close();
    child.kill();
    fs.rmSync(project, { recursive: true, force: true });
  }
  fs.writeFileSync(path.join(__dirname, 'serve-last-run.json'), JSON.stringify(results, null, 2) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
