// An author at `handout serve`, in Debian's Chromium: reads {url, file, screenshot} as JSON on
// stdin, edits the handout in the page and on disk, and prints what the page showed.
const fs = require('fs');
const os = require('os');
const path = require('path');
const puppeteer = require('puppeteer-core');

const SENTENCE = 'Numbness is common and help works.';

async function main() {
  const job = JSON.parse(fs.readFileSync(0, 'utf8'));
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'handout-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${userDataDir}`],
  });
  const result = {};
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
    // The page keeps its event stream open: it never goes network-idle.
    await page.goto(job.url, { waitUntil: 'load' });
    const pageLoaded = () =>
      page.evaluate(() => {
        const img = document.querySelector('article[data-profile="leaflet"] img');
        return !!img && img.complete && img.naturalWidth > 0;
      });
    await page.waitForFunction(() => {
      const img = document.querySelector('article[data-profile="leaflet"] img');
      return img && img.complete && img.naturalWidth > 0;
    }, { timeout: 15000 });
    result.pdfPageLoaded = await pageLoaded();
    result.smsFigures = await page.$eval('article[data-profile="sms"] .figures', (e) => e.textContent);

    const edit = async (change) => {
      await page.$eval('#text', (area, change) => {
        area.value = new Function('text', `return ${change}`)(area.value);
        area.dispatchEvent(new Event('input'));
      }, change);
      await page.click('#save');
    };
    const smsHas = (text) =>
      page.waitForFunction((t) => {
        const bubble = document.querySelector('article[data-profile="sms"] .bubble');
        return bubble && bubble.textContent.includes(t);
      }, { timeout: 15000 }, text);

    // A new summary, saved from the page: the text message and the web page follow.
    await edit(`text.replace(/summary = ".*"/, 'summary = "${SENTENCE}"')`);
    await smsHas(SENTENCE);
    result.savedSentenceInSms = true;
    result.savedSentenceInWebPage = await page.evaluate(async (sentence) => {
      const frame = document.querySelector('article[data-profile="web"] iframe');
      const response = await fetch(frame.src);
      return (await response.text()).includes(sentence);
    }, SENTENCE);

    // A bad edit: its error, at its place; the last good previews stay.
    await edit(`text.replace('title = "Emotional Numbness"', 'title = "Emotional Numbness')`);
    await page.waitForFunction(() => [...document.querySelectorAll('#findings .error')].length > 0, { timeout: 15000 });
    result.badEditFinding = await page.$eval('#findings .error', (e) => e.textContent);
    result.staleBannerShown = await page.$eval('#stale', (e) => !e.hidden);
    result.lastGoodPreviewKept =
      (await pageLoaded()) &&
      (await page.$eval('article[data-profile="sms"] .bubble', (e, s) => e.textContent.includes(s), SENTENCE));
    await page.screenshot({ path: path.join(os.tmpdir(), 'handout-serve-error.png') });

    // Fixed in the page, then edited in another editor: the page follows the file.
    await edit(`text.replace('title = "Emotional Numbness', 'title = "Emotional Numbness"')`);
    await page.waitForFunction(() => document.getElementById('stale').hidden, { timeout: 15000 });
    const onDisk = fs.readFileSync(job.file, 'utf8');
    fs.writeFileSync(job.file, onDisk.replace(SENTENCE, `${SENTENCE} Call us.`));
    await smsHas(`${SENTENCE} Call us.`);
    result.outsideEditShown = true;
    await page.waitForFunction(() => {
      const img = document.querySelector('article[data-profile="leaflet"] img');
      return img && img.complete && img.naturalWidth > 0;
    }, { timeout: 15000 });
    if (job.screenshot) {
      fs.mkdirSync(path.dirname(job.screenshot), { recursive: true });
      await page.screenshot({ path: job.screenshot });
    }
  } finally {
    await browser.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
