// Looks at pages in Debian's Chromium (through puppeteer-core, no browser download) for
// handout's tests. Reads a JSON array of jobs on stdin, prints a JSON array of results.
//
//   {"page": "file:///…/x.xhtml", "width": 320, "do": "scroll"}       → {"scrollWidth", "clientWidth"}
//   {"page": …, "do": "order", "text": "800"}                          → {"visual": "…"} the line holding
//       the text, its characters sorted left to right as drawn
//   {"page": …, "do": "axe"}                                           → {"violations": [...]}
//   {"page": …, "do": "screenshot", "path": "/tmp/x.png"}              → {}
const fs = require('fs');
const path = require('path');
const puppeteer = require('puppeteer-core');

const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

async function run(browser, job) {
  const page = await browser.newPage();
  await page.setViewport({ width: job.width || 390, height: job.height || 844 });
  await page.goto(job.page, { waitUntil: 'load' });
  try {
    if (job.do === 'scroll') {
      return await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
    }
    if (job.do === 'order') {
      return await page.evaluate((needle) => {
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
          const at = node.data.indexOf(needle);
          if (at < 0) continue;
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + 1);
          const line = range.getBoundingClientRect();
          // Every character drawn on that line, in the order they appear left to right.
          const chars = [];
          const all = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          let other;
          while ((other = all.nextNode())) {
            for (let i = 0; i < other.data.length; i++) {
              const r = document.createRange();
              r.setStart(other, i);
              r.setEnd(other, i + 1);
              const box = r.getBoundingClientRect();
              if (box.width > 0 && Math.abs(box.top - line.top) < line.height / 2) {
                chars.push([box.left, other.data[i]]);
              }
            }
          }
          chars.sort((a, b) => a[0] - b[0]);
          return { visual: chars.map((c) => c[1]).join('') };
        }
        return { visual: null };
      }, job.text);
    }
    if (job.do === 'axe') {
      const source = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
      await page.evaluate(source);
      return await page.evaluate(async () => {
        const result = await axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        });
        return { violations: result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.html) })) };
      });
    }
    if (job.do === 'screenshot') {
      await page.screenshot({ path: job.path, fullPage: !!job.full });
      return {};
    }
    throw new Error(`unknown job ${job.do}`);
  } finally {
    await page.close();
  }
}

async function main() {
  const jobs = JSON.parse(fs.readFileSync(0, 'utf8'));
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  const userDataDir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'handout-chromium-'));
  const browser = await puppeteer.launch({ executablePath, headless: true, args: [...CHROMIUM_FLAGS, `--user-data-dir=${userDataDir}`] });
  try {
    const results = [];
    for (const job of jobs) results.push(await run(browser, job));
    process.stdout.write(JSON.stringify(results));
  } finally {
    await browser.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
