// handout serve: the list of handouts, and a handout's source beside its previews, kept up to
// date by the server's events. No dependencies; text from handouts is only ever set as text.
'use strict';

const token = new URLSearchParams(location.search).get('token') || sessionStorage.getItem('handout-token') || '';
if (token) sessionStorage.setItem('handout-token', token);
const withToken = (path) => (token ? `${path}?token=${encodeURIComponent(token)}` : path);

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function plural(n, word) {
  return n === 1 ? `1 ${word}` : `${n} ${word}s`;
}

function events(onChange) {
  const source = new EventSource('/events');
  source.onmessage = (event) => onChange(JSON.parse(event.data).changed || []);
}

// ---- the list of handouts

async function showIndex() {
  const response = await fetch('/api/handouts');
  const { handouts, problems } = await response.json();
  const list = document.getElementById('handouts');
  list.replaceChildren();
  for (const h of handouts) {
    const counts = el('span', { text: ' · ' });
    counts.append(el('span', { class: h.errors ? 'count-error' : '', text: plural(h.errors, 'error') }), ', ');
    counts.append(el('span', { class: h.warnings ? 'count-warning' : '', text: plural(h.warnings, 'warning') }));
    const outputs = h.outputs.map(([profile, format]) => `${profile} (${format})`).join(', ');
    list.append(
      el('li', {}, el('a', { href: withToken(`/handout/${encodeURI(h.key)}`), text: h.title }), ` ${h.key} · ${outputs}`, counts),
    );
  }
  const problemList = document.getElementById('problems');
  problemList.replaceChildren(...problems.map((p) => el('li', { class: p.severity, text: `${p.path}: ${p.message}` })));
}

// ---- one handout

const state = { key: '', loaded: '', hash: '', version: -1 };

function key() {
  return decodeURIComponent(location.pathname.slice('/handout/'.length));
}

function status(text) {
  document.getElementById('status').textContent = text;
}

function dirty() {
  return document.getElementById('text').value !== state.loaded;
}

function numberLines() {
  const text = document.getElementById('text');
  const count = text.value.split('\n').length;
  document.getElementById('lines').textContent = Array.from({ length: count }, (_, i) => i + 1).join('\n');
  document.getElementById('lines').scrollTop = text.scrollTop;
}

function goTo(line, column) {
  const text = document.getElementById('text');
  const lines = text.value.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  offset += Math.max(0, column - 1);
  text.focus();
  text.setSelectionRange(offset, offset);
  const lineHeight = parseFloat(getComputedStyle(text).lineHeight) || 18;
  text.scrollTop = Math.max(0, (line - 5) * lineHeight);
  numberLines();
}

function finding(d) {
  const place = `${d.line}:${d.column}`;
  const button = el('button', { type: 'button', class: d.severity },
    `${place} ${d.severity}[${d.code}]: ${d.message}${d.profile ? ` (profile ${d.profile})` : ''}`);
  if (d.hint) button.append(el('span', { class: 'hint', text: `hint: ${d.hint}` }));
  button.addEventListener('click', () => goTo(d.line, d.column));
  return el('li', {}, button);
}

function markedText(text, positions) {
  const chars = Array.from(text);
  const bubble = el('p', { class: 'bubble' });
  chars.forEach((c, i) => bubble.append(positions.includes(i + 1) ? el('mark', { text: c, title: 'forces UCS-2' }) : c));
  return bubble;
}

function preview(output, version) {
  const box = el('article', { class: 'output', 'data-profile': output.profile, 'data-version': String(version) });
  box.append(el('h2', {}, output.profile, el('span', { class: 'format', text: ` · ${output.format}` })));
  const src = (kind, rest = '') => `/preview/${encodeURIComponent(output.profile)}/${kind}/${encodeURI(state.key)}${rest}?v=${version}`;
  if (output.pages !== undefined) {
    const pages = el('div', { class: 'pages' });
    for (let i = 0; i < output.pages; i++) {
      pages.append(el('img', { src: src(`page/${i}`), alt: `Page ${i + 1} of ${output.pages} of ${output.profile}`, loading: 'lazy' }));
    }
    box.append(pages);
  }
  if (output.chapters !== undefined) {
    const frame = el('iframe', { class: 'phone', sandbox: '', title: `${output.profile} on a phone` });
    const choose = el('select', { 'aria-label': `Chapter of ${output.profile}` });
    for (const chapter of output.chapters) choose.append(el('option', { value: chapter, text: chapter.replace(/^OEBPS\//, '') }));
    const show = () => { frame.src = src('epub', `/-/${choose.value}`); };
    choose.addEventListener('change', show);
    show();
    box.append(choose, el('br'), frame);
  }
  if (output.page) {
    box.append(el('iframe', { class: 'web', sandbox: '', title: `${output.profile} web page`, src: src('html') }));
  }
  if (output.messages !== undefined) {
    output.messages.forEach((m, i) => {
      const unit = m.encoding === 'GSM-7' ? 'septets' : 'UTF-16 units';
      // A series shows when each message goes out.
      if (m.day !== undefined) box.append(el('p', { class: 'figures', text: `Day ${m.day}, ${String(m.hour).padStart(2, '0')}:00` }));
      box.append(markedText(m.text, output.ucs2_because[i] || []));
      box.append(el('p', { class: 'figures', text: `${m.encoding} · ${plural(m.characters, 'character')} · ${m.units} ${unit} · ${plural(m.segments, 'segment')}` }));
    });
  }
  return box;
}

// Each output's preview, made again only when its version changed: an unchanged preview (and
// a frame's scroll position) stays as it is, and an open chapter stays open.
function showPreviews(outputs) {
  const container = document.getElementById('previews');
  const shown = [...container.children];
  const sameProfiles = shown.length === outputs.length && outputs.every((o, i) => shown[i].dataset.profile === o.profile);
  const boxes = outputs.map((o, i) => {
    const old = shown.find((a) => a.dataset.profile === o.profile);
    if (old && old.dataset.version === String(o.version)) return old;
    const box = preview(o, o.version);
    const chapter = old && old.querySelector('select');
    const choose = box.querySelector('select');
    if (chapter && choose && o.chapters.includes(chapter.value)) {
      choose.value = chapter.value;
      choose.dispatchEvent(new Event('change'));
    }
    if (sameProfiles) shown[i].replaceWith(box);
    return box;
  });
  if (!sameProfiles) container.replaceChildren(...boxes);
}

async function load(replaceText) {
  const response = await fetch(`/api/handout/${encodeURI(state.key)}`);
  if (!response.ok) {
    status('This handout is no longer there.');
    return;
  }
  show(await response.json(), replaceText);
}

function show(data, replaceText) {
  // Answers can cross (a save's and an event's): an older view never replaces a newer one.
  if (data.version < state.version) return;
  state.version = data.version;
  document.getElementById('title').textContent = data.title;
  document.title = `${data.title} — handout serve`;
  document.getElementById('file').textContent = data.key;
  const text = document.getElementById('text');
  if (replaceText || !dirty()) {
    text.value = data.text;
    state.loaded = data.text;
    state.hash = data.hash;
    numberLines();
  } else if (data.hash !== state.hash) {
    status('The file changed on disk; saving will ask which version to keep.');
  }
  document.getElementById('stale').hidden = !data.stale;
  const findings = data.diagnostics.length ? data.diagnostics.map(finding) : [el('li', { text: 'No findings.' })];
  document.getElementById('findings').replaceChildren(...findings);
  showPreviews(data.outputs);
  const errors = data.diagnostics.filter((d) => d.severity === 'error').length;
  status(`${plural(errors, 'error')}, ${plural(data.diagnostics.length - errors, 'warning')}`);
}

async function save(base) {
  const text = document.getElementById('text').value;
  status('Saving…');
  const response = await fetch('/api/save', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-handout-token': token },
    body: JSON.stringify({ key: state.key, text, base: base || state.hash }),
  });
  if (response.status === 409) {
    const { disk, hash } = await response.json();
    document.getElementById('disk').value = disk;
    document.getElementById('conflict').hidden = false;
    document.getElementById('conflict').dataset.hash = hash;
    status('Not saved: the file changed on disk.');
    return;
  }
  if (!response.ok) {
    status(`Not saved: ${await response.text()}`);
    return;
  }
  state.loaded = text;
  document.getElementById('conflict').hidden = true;
  const { handout } = await response.json();
  if (handout) show(handout, true);
  else await load(true);
  status('Saved.');
}

function showHandout() {
  state.key = key();
  document.getElementById('back').href = withToken('/');
  const text = document.getElementById('text');
  text.addEventListener('input', numberLines);
  text.addEventListener('scroll', () => { document.getElementById('lines').scrollTop = text.scrollTop; });
  document.getElementById('save').addEventListener('click', () => save());
  document.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === 's') {
      event.preventDefault();
      save();
    }
  });
  document.getElementById('keep-mine').addEventListener('click', () => save(document.getElementById('conflict').dataset.hash));
  document.getElementById('take-disk').addEventListener('click', () => {
    document.getElementById('conflict').hidden = true;
    load(true);
  });
  load(true);
  events((changed) => { if (changed.includes(state.key)) load(false); });
}

if (document.body.dataset.page === 'index') {
  showIndex();
  events(showIndex);
} else {
  showHandout();
}
