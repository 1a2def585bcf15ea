// digest.spec.js - the weekly digest (#/digest). A small week is made
// through the API on a server with a test clock (as tests/api/test_digest.py
// does: tickets, replies by members and a pro, reviews approved, edited and
// returned, two escalations, a route-back, a launch, a repeated question
// whose fix ships and is asked again, kudos), the clock moves past the
// week's end, and a leader (a member with leader: true) opens the digest:
// its figures are the JSON's, its charts load, a table downloads as CSV, the
// email subscription toggles. Also the empty week, the week in progress, a
// member's 403, dark mode and a phone.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { EMPTY_LEAD, apiLogin, startServer } from './server.js';
import { assertClean, eventually, launch, navTo, openPage, screenshot, statusText } from './browser.js';

const PASSWORD = 'digest-spec-password';
const MONDAY = Date.UTC(2031, 2, 3); // ISO week 2031-W10
const WEEK = '2031-W10';
const ADMIN = 'ada.admin@digest.test';

let server;
let browser;
let leader; // cookie session of Vera Founder (leader: true, role member)
let memberEmail;
let digest; // GET /digest?week=2031-W10 as the leader sees it

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * An API client with a token from `allhands user token`: a token does not
 * expire when the test clock jumps days, as an idle cookie session does.
 */
function tokenClient(email) {
  const token = server.cli(['user', 'token', '--email', email, '--name', 'digest-spec']).trim();
  async function must(method, p, data, ok = [200, 201, 204]) {
    const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
    if (data !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch(`${server.url}/api/v1${p}`, { method, headers, body: data === undefined ? undefined : JSON.stringify(data) });
    const text = await r.text();
    if (!ok.includes(r.status)) throw new Error(`${method} ${p}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }
  return { must };
}

/** Polls fn() until it returns something truthy (the grouping runs after the request). */
async function until(what, fn) {
  for (let i = 0; i < 200; i++) {
    const v = await fn();
    if (v) return v;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The week, through the API: what tests/api/test_digest.py generates, a little smaller. */
async function generateWeek() {
  server.cli(['user', 'add', '--email', ADMIN, '--name', 'Ada Admin', '--role', 'admin', '--password-stdin'], { input: `${PASSWORD}\n` });
  const admin = tokenClient(ADMIN);
  const lead = tokenClient(EMPTY_LEAD.email);
  const at = (day, hour) => admin.must('PUT', '/test/clock', { now: iso(MONDAY + (day * 24 + hour) * 3600000) });
  await admin.must('PUT', '/test/clock', { now: iso(MONDAY - 2 * 86400000) });
  await lead.must('PATCH', '/policy', { timezone: 'UTC', week_start: 1 });

  let n = 0;
  const person = async (fields) => {
    const email = `${fields.name.toLowerCase().replace(/ /g, '.')}@digest.test`;
    const p = await lead.must('POST', '/people', { role: 'member', level: 'tier1', password: PASSWORD, email, ...fields });
    return Object.assign(tokenClient(email), { person: p, email });
  };
  const ticket = (subject, extra = {}) => lead.must('POST', '/tickets',
    { subject, body: subject, requester_email: `customer${++n}@customer.example`, tier: 1, ...extra });
  const reply = async (who, id, body) => {
    const t = await lead.must('GET', `/tickets/${id}`);
    return who.must('POST', `/tickets/${id}/messages`, { kind: 'reply', body, seen_message_id: t.last_message_id }, [201, 202]);
  };

  const eng = await person({ name: 'Erin Engineer', department: 'Engineering' });
  const sales = await person({ name: 'Sam Seller', department: 'Sales' });
  const trainee = await person({ name: 'Tara Trainee', department: 'Engineering', level: 'trainee' });
  const pro = await person({ name: 'Paula Pro', department: 'Support', role: 'pro' });
  await person({ name: 'Vera Founder', department: 'Leadership', leader: true });
  memberEmail = (await person({ name: 'Milo Member', department: 'Marketing' })).email;

  // Monday: a repeated question and some ordinary tickets, answered
  await at(0, 9);
  const question = 'The Quibbleflux export button does nothing when I click it';
  const first = (await ticket(question, { tags: ['export'] })).id;
  const avatar = (await ticket('How do I change my avatar?', { priority: 'low' })).id;
  const down = (await ticket('Everything is down for us', { priority: 'urgent' })).id;
  const invoice = (await ticket('Invoice copy for March please', { priority: 'high' })).id;
  await at(0, 10);
  await ticket('Quibbleflux export button does nothing');
  await reply(eng, avatar, 'Open Profile, then Avatar, and pick a picture.');
  await at(0, 11);
  await reply(pro, down, 'We are on it; the status page has the details.');
  await pro.must('PATCH', `/tickets/${down}`, { status: 'solved' });
  await at(0, 12);
  await reply(sales, first, 'Thanks! Engineering is looking at the export.');
  // Tuesday: a trainee's replies held for review: approved, edited, returned
  await at(1, 9);
  const reviews = [];
  for (let i = 0; i < 3; i++) {
    const t = await ticket(`Trainee question ${i} about seats`);
    reviews.push((await reply(trainee, t.id, `Here is how seats work, number ${i}.`)).review);
  }
  await at(1, 10);
  await pro.must('POST', `/reviews/${reviews[0].id}/approve`, {});
  await pro.must('POST', `/reviews/${reviews[1].id}/approve`, { body: 'Here is how seats work: each person takes one.' });
  await pro.must('POST', `/reviews/${reviews[2].id}/return`, { comment: 'Say which plan they are on first.' });
  // Wednesday: two escalations (support makes one urgent), a route-back, a launch
  await at(2, 9);
  const esc = await sales.must('POST', '/escalations', { customer_email: 'vip@bigco.example', text: 'Our renewal depends on the export.', channel: 'email', why: 'Largest account' });
  await eng.must('POST', '/escalations', { customer_email: 'dev@startup.example', text: 'API keys expire too fast.', channel: 'chat' });
  await pro.must('PATCH', `/tickets/${esc.ticket_id}`, { priority: 'urgent' });
  const gantt = (await ticket('Where is the Gantt view you promised?')).id;
  await pro.must('POST', `/tickets/${gantt}/route-backs`, { person_id: sales.person.id, cause: 'promise', reason: 'Promised on a call', assign: false });
  await eng.must('POST', '/launches', { title: 'New export', day: '2031-03-05', changes: 'Exports move to a background job.', impact: 'Questions about where the file went.', tags: ['export'] });
  await at(2, 10);
  await ticket('Where did my export file go?', { tags: ['export'] });
  // Thursday: the repeated question's fix ships, and it is asked again
  await at(3, 9);
  const gid = (await until('the question grouped', async () => (await lead.must('GET', `/tickets/${first}/similar`)).group)).id;
  const fix = await lead.must('PUT', `/groups/${gid}/fix`, { title: 'Export button', owner_id: eng.person.id });
  await lead.must('PATCH', `/fixes/${fix.id}`, { state: 'shipped' });
  await at(3, 10);
  const again = (await ticket('The Quibbleflux export button still does nothing')).id;
  await until('the ticket after the fix', async () => (await lead.must('GET', `/tickets/${again}/similar`)).after_fix);
  // Friday: a late first response, kudos, solutions
  await at(4, 15);
  await reply(pro, invoice, 'Here is the March invoice.');
  const thread = await lead.must('GET', `/tickets/${avatar}`);
  const praised = thread.messages.find((m) => m.kind === 'reply').id;
  await pro.must('POST', `/tickets/${avatar}/kudos`, { message_id: praised, text: 'Short and exactly right.' });
  await pro.must('PATCH', `/tickets/${avatar}`, { status: 'solved' });
  await pro.must('PATCH', `/tickets/${first}`, { status: 'solved' });
  // The next Monday morning: the week is over.
  await at(7, 8);
}

before(async () => {
  server = await startServer({ empty: true, testClock: true });
  browser = await launch();
  await generateWeek();
  // Cookie sessions are made now, after the last jump of the clock.
  leader = await apiLogin(server.url, 'vera.founder@digest.test', PASSWORD);
  digest = await leader.must('GET', `/digest?week=${WEEK}`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const num = (n) => new Intl.NumberFormat('en-US').format(n);
const pct = (a, b) => new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 0 }).format(a / b);
const statValue = (page, id) => page.locator(`#digest-stat-${id} .stat-value`).innerText();
const statNote = (page, id) => page.locator(`#digest-stat-${id} .stat-note`).innerText();
// Intl puts thin spaces around the dash of "Mar 3 – 9".
const weekText = async (page) => (await page.locator('#digest-week').innerText()).replace(/\s+/g, ' ').trim();
const title = (page) => page.getByRole('heading', { level: 1, name: 'Weekly digest' });

/** The cells of a digest table, row by row, as the page shows their text. */
async function cells(page, id) {
  return page.locator(`#digest-table-${id} tbody tr`).evaluateAll((rows) =>
    rows.map((r) => [...r.children].map((c) => c.innerText.trim())));
}

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  assert.ok(!quoted, 'the CSV closes its quotes');
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

async function noSidewaysScroll(page, width) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= width, `no sideways scrolling (page is ${w}px wide)`);
}

async function chartsLoaded(page) {
  await page.waitForFunction(() => {
    const imgs = [...document.querySelectorAll('.digest-chart img')];
    return imgs.length > 0 && imgs.every((i) => i.complete);
  });
  return page.locator('.digest-chart img').evaluateAll((imgs) =>
    imgs.map((i) => ({ id: i.id, alt: i.alt, width: i.naturalWidth })));
}

test('a leader opens the digest and downloads a CSV', { timeout: 90_000 }, async () => {
  const d = digest;
  assert.equal(d.in_progress, false);
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: leader });
  await page.goto('/#/queue');
  await navTo(page, 'Digest');
  await title(page).waitFor();
  assert.match(page.url(), /#\/digest$/);
  // Without ?week= it is the week that ended last: the one just made.
  assert.equal(await weekText(page), `${WEEK} · Mar 3 – 9`);
  assert.equal(await page.locator('#app-nav a[aria-current=page]').getAttribute('data-screen'), 'digest');

  await page.goto(`/#/digest?week=${WEEK}`);
  await page.locator('#digest-week', { hasText: WEEK }).waitFor();
  assert.equal(await page.locator('#digest-in-progress').count(), 0, 'a week that is over is not "so far"');
  const order = await page.locator('.digest-section > h2').allInnerTexts();
  assert.deepEqual(order, ['The program', 'Who answered', 'Repeated questions', 'Still asked after the fix', 'Escalations',
    'Route-backs by department', 'Launches and what they cost', 'Kudos', 'Queue health', 'By department']);

  // The program
  const p = d.program;
  assert.equal(await statValue(page, 'compliance'), pct(p.met, p.required));
  assert.match(await statNote(page, 'compliance'), new RegExp(`^${p.met} of ${p.required} people`));
  assert.equal(await statValue(page, 'behind'), num(p.behind));
  assert.equal(await statValue(page, 'exempt'), num(p.exempt));
  assert.equal(await statValue(page, 'hours'), `${p.worked_minutes / 60} h`);

  // Who answered
  const a = d.answered;
  assert.deepEqual([a.tickets, a.by_members, a.replies, a.member_replies], [6, 4, 6, 4], 'the week as generated');
  assert.equal(await statValue(page, 'answered'), num(a.tickets));
  assert.equal(await statValue(page, 'by-members'), pct(a.by_members, a.tickets));
  assert.equal(await statNote(page, 'by-members'), `${a.by_members} tickets, ${a.member_replies} replies`);
  const r = d.reviews;
  assert.equal(await statValue(page, 'reviews'), num(r.approved + r.edited + r.returned));
  assert.equal(await statNote(page, 'reviews'), `${r.approved} approved, ${r.edited} edited, ${r.returned} returned`);
  assert.deepEqual(d.style, []);
  assert.equal(await page.locator('#digest-style-empty').innerText(), 'No style rule was hit this week.');

  // Repeated questions: every one, linked to its group, the fix's state, "after fix" in the warning colour
  const qs = await cells(page, 'questions');
  assert.equal(qs.length, d.questions.length);
  d.questions.forEach((q, i) => assert.equal(qs[i][1], num(q.this_week), `questions row ${i}`));
  const top = d.questions[0];
  assert.equal(top.after_fix, 1);
  const topRow = page.locator('#digest-table-questions tbody tr').first();
  assert.equal(await topRow.getByRole('link').getAttribute('href'), `#/groups/${top.group.id}`);
  assert.match(await topRow.innerText(), /Shipped[\s\S]*Export button/);
  const afterFix = topRow.locator('.after-fix-count');
  assert.equal(await afterFix.innerText(), '1 ticket');
  const warn = await afterFix.evaluate((el) => getComputedStyle(el).color);
  const plain = await topRow.locator('th').evaluate((el) => getComputedStyle(el).color);
  assert.notEqual(warn, plain, '"after fix" is in the warning colour');
  const trends = await cells(page, 'trends');
  assert.deepEqual(trends[0].slice(1), top.group.trend.map((t) => num(t.tickets)), 'the trend table has the chart’s numbers');

  // Still asked after the fix
  const reg = await cells(page, 'regressions');
  assert.equal(reg.length, d.regressions.length);
  assert.match(reg[0][1], new RegExp(`^${d.regressions[0].fix}`));
  assert.deepEqual([reg[0][2], reg[0][3]], [d.regressions[0].owner, num(d.regressions[0].tickets)]);

  // Escalations
  const e = d.escalations;
  assert.equal(await statValue(page, 'escalations'), num(e.filed));
  assert.equal(await statValue(page, 'urgent'), num(e.urgent));
  assert.deepEqual(await cells(page, 'escalations'), e.by_filer.map((x) => [x.name, x.department, num(x.filed), num(x.urgent)]));
  assert.deepEqual(await cells(page, 'escalations-departments'), e.by_department.map((x) => [x.department, num(x.filed), num(x.urgent)]));

  // Route-backs, launches, kudos
  assert.deepEqual(await cells(page, 'route-backs'), d.route_backs.map((x) => [x.department, num(x.promises), num(x.changes)]));
  const launchRow = page.locator('#digest-table-launches tbody tr').first();
  assert.equal(await launchRow.getByRole('link', { name: d.launches[0].title }).getAttribute('href'), `#/launches/${d.launches[0].id}`);
  assert.equal((await cells(page, 'launches'))[0][4], num(d.launches[0].tickets));
  const kudos = page.locator('#digest-kudos-list > li');
  assert.equal(await kudos.count(), d.kudos.length);
  assert.equal(await kudos.first().locator('.kudos-text').innerText(), d.kudos[0].text);
  assert.equal(await kudos.first().locator('.kudos-quote').innerText(), d.kudos[0].quote);
  assert.match(await kudos.first().innerText(), new RegExp(`${d.kudos[0].giver_name}[\\s\\S]*${d.kudos[0].person_name}`));

  // Queue health, as human durations: 1 hour; 102 hours are 4 days and 6 hours of wall-clock time
  const hl = d.health;
  assert.equal(d.business_hours, false);
  assert.deepEqual([hl.first_response_median_s, hl.first_response_p90_s, hl.resolution_median_s], [3600, 367200, 367200]);
  assert.equal(await statValue(page, 'first-response'), '1 h');
  assert.equal(await statNote(page, 'first-response'), `90th percentile 4 d 6 h · ${hl.responses} tickets`);
  assert.equal(await statValue(page, 'resolution'), '4 d 6 h');
  assert.equal(await statValue(page, 'first-missed'), num(hl.breaches.first_response_missed));
  assert.equal(await statNote(page, 'first-missed'), `of ${hl.breaches.first_response_due} due this week`);
  assert.equal(await statValue(page, 'resolution-missed'), num(hl.breaches.resolution_missed));
  await page.locator('#digest-health').getByText('Times are wall-clock').waitFor();
  const ages = [['under_1d', 'Under a day'], ['1d_3d', '1–3 days'], ['3d_7d', '3–7 days'], ['7d_plus', 'Over a week']];
  assert.deepEqual(await cells(page, 'backlog'), ages.map(([k, w]) => [w, ...hl.backlog.map((t) => num(t[k]))]),
    'open tickets: a row for each age, a column for each tier');

  // By department: every one, in the server's order
  const deps = await cells(page, 'departments');
  assert.deepEqual(deps.map((row) => row[0].split('\n')[0]), d.departments.map((x) => (x.department === '(none)' ? 'No department' : x.department)));
  const eng = d.departments.findIndex((x) => x.department === 'Engineering');
  assert.equal(deps[eng][3], num(d.departments[eng].replies));

  // The charts: five SVGs that load, each with words for who cannot see it
  const charts = await chartsLoaded(page);
  assert.deepEqual(charts.map((c) => c.id).sort(), d.charts.map((c) => `digest-chart-${c}`).sort());
  for (const c of charts) {
    assert.ok(c.width > 0, `${c.id} loaded`);
    assert.ok(c.alt.length > 40 && /table/.test(c.alt), `${c.id} has a meaningful alt: ${c.alt}`);
  }
  assert.match(charts.find((c) => c.id === 'digest-chart-escalations').alt, /Engineering 1 and Sales 1 \(1 urgent\)/);

  // Every table's CSV is offered, and the printable page is a real page
  for (const t of d.tables) {
    const link = page.locator(`#digest-csv-${t}`).first();
    assert.equal(await link.getAttribute('href'), `/api/v1/digest?format=csv&table=${t}&week=${WEEK}`);
  }
  const printable = page.getByRole('link', { name: 'Printable page' });
  const res = await page.request.get(await printable.getAttribute('href'));
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'], /^text\/html/);

  await screenshot(page, 'digest');

  // Download the escalations by person, as a leader would
  const csvLink = page.locator('#digest-escalations').getByRole('link', { name: /Download CSV/ });
  assert.equal(await csvLink.evaluate((a) => a.firstChild.textContent), 'Download CSV', 'the words on the link; the rest is for screen readers');
  const [download] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
  assert.equal(download.suggestedFilename(), `allhands-digest-${WEEK}-escalations.csv`);
  const rows = parseCsv(fs.readFileSync(await download.path(), 'utf8'));
  assert.deepEqual(rows[0], ['person_id', 'name', 'department', 'filed', 'urgent']);
  assert.deepEqual(rows.slice(1), e.by_filer.map((x) => [String(x.person_id), x.name, x.department, String(x.filed), String(x.urgent)]));

  // The email: leaders get it unless they say no; the checkbox saves itself
  const box = page.getByLabel('Email me the digest every week');
  await eventually(async () => !(await box.isDisabled()), 'the subscription is read');
  assert.equal(await box.isChecked(), (await leader.must('GET', '/digest/subscription')).subscribed);
  assert.equal(await box.isChecked(), true);
  await box.focus();
  await page.keyboard.press('Space');
  await eventually(async () => /no longer get the digest/.test(await statusText(page)), 'unsubscribing is announced');
  assert.equal((await leader.must('GET', '/digest/subscription')).subscribed, false);
  assert.equal(await box.isChecked(), false);
  await box.check();
  await eventually(async () => /You will get the digest by email every week/.test(await statusText(page)), 'subscribing is announced');
  assert.equal((await leader.must('GET', '/digest/subscription')).subscribed, true);

  assertClean(problems, dialogs);
  await context.close();
});

test('a week with nothing in it says so in words, and a week in progress is "so far"', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: leader });
  await page.goto(`/#/digest?week=${WEEK}`);
  await page.locator('#digest-week', { hasText: WEEK }).waitFor();
  await page.getByRole('link', { name: 'Previous week' }).click();
  await page.waitForURL(/#\/digest\?week=2031-W09$/);
  await page.locator('#digest-week', { hasText: '2031-W09' }).waitFor();
  assert.equal(await weekText(page), '2031-W09 · Feb 24 – Mar 2');
  for (const [id, text] of [['escalations', 'No escalations this week.'], ['kudos', 'No kudos this week.'],
    ['launches', 'No launches this week.'], ['route-backs', 'No tickets were routed back this week.'],
    ['regressions', 'No question came back after its fix this week.'], ['questions', 'No repeated questions this week.']]) {
    assert.equal(await page.locator(`#digest-${id}-empty`).innerText(), text, id);
  }
  assert.equal(await statValue(page, 'first-response'), '—');
  assert.equal(await statNote(page, 'first-response'), 'no first responses this week');

  // The week after: it has begun on the server's clock, so it is "so far".
  await page.keyboard.press(']');
  await page.locator('#digest-week', { hasText: WEEK }).waitFor();
  await page.keyboard.press(']');
  await page.waitForURL(/#\/digest\?week=2031-W11$/);
  await page.locator('#digest-week .badge', { hasText: 'so far' }).waitFor();
  assert.match(await page.locator('#digest-in-progress').innerText(), /not over yet/);

  // A week that is not a week
  await page.goto('/#/digest?week=2031-W99');
  await page.getByRole('heading', { level: 1, name: 'Could not load the digest for 2031-W99' }).waitFor();
  assert.match(await page.getByRole('alert').innerText(), /ISO week/);
  assertClean(problems, dialogs);
  await context.close();
});

test('a member is told the digest is for leads and leaders; a lead finds it in the nav', { timeout: 60_000 }, async () => {
  const member = await apiLogin(server.url, memberEmail, PASSWORD);
  const m = await openPage(browser, server.url, { session: member });
  await m.page.goto('/#/queue');
  await m.page.locator('#app-nav').getByRole('link', { name: 'Queue', exact: true }).waitFor();
  assert.equal(await m.page.locator('#app-nav a[data-screen="digest"]').count(), 0, 'members have no Digest link');
  await m.page.goto(`/#/digest?week=${WEEK}`);
  await m.page.getByRole('heading', { level: 1, name: 'The digest is for leads and the company’s leaders' }).waitFor();
  assert.match(await m.page.getByRole('alert').innerText(), /The digest is for leads and the company’s leaders\./);
  assertClean(m.problems, m.dialogs);
  await m.context.close();

  const lead = await apiLogin(server.url, EMPTY_LEAD.email, EMPTY_LEAD.password);
  const l = await openPage(browser, server.url, { session: lead });
  await l.page.goto('/#/queue');
  await navTo(l.page, 'Digest');
  await title(l.page).waitFor();
  const group = l.page.locator('#nav-more-menu .nav-group', { has: l.page.locator('a[data-screen="digest"]') });
  assert.equal(await group.locator('.nav-group-title').innerText(), 'The program');
  assertClean(l.problems, l.dialogs);
  await l.context.close();
});

test('the digest in dark mode and on a phone', { timeout: 60_000 }, async () => {
  const dark = await openPage(browser, server.url, { session: leader, colorScheme: 'dark' });
  await dark.page.goto(`/#/digest?week=${WEEK}`);
  await dark.page.locator('#digest-week', { hasText: WEEK }).waitFor();
  await chartsLoaded(dark.page);
  const bg = await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(bg, 'rgb(245, 246, 248)', 'the dark scheme applies');
  await screenshot(dark.page, 'digest-dark');
  assertClean(dark.problems, dark.dialogs);
  await dark.context.close();

  const phone = await openPage(browser, server.url, { session: leader, viewport: { width: 390, height: 844 } });
  await phone.page.goto(`/#/digest?week=${WEEK}`);
  await phone.page.locator('#digest-week', { hasText: WEEK }).waitFor();
  const charts = await chartsLoaded(phone.page);
  assert.ok(charts.every((c) => c.width > 0));
  await noSidewaysScroll(phone.page, 390);
  const img = await phone.page.locator('#digest-chart-questions').boundingBox();
  assert.ok(img.width <= 390 - 2 * 14, `charts fit the phone (${img.width}px)`);
  await screenshot(phone.page, 'digest-mobile');
  assertClean(phone.problems, phone.dialogs);
  await phone.context.close();
});
