// mail.spec.js - the ticket screen of a ticket that came by email: who sent
// each message, the quoted history folded away, the attached files, the
// people on Cc, and how the email of a reply fared (emailed, retrying, not
// delivered). Mail comes in through `allhands mail-in`; replies go out to a
// small fake SMTP server in this file whose answer to RCPT TO a test sets.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DEMO, apiLogin, startServer } from './server.js';
import { assertClean, eventually, launch, openPage, screenshot, statusText } from './browser.js';

const SUPPORT = 'support@help.test';
const SCREENSHOT = '/tmp/mail-ticket.png';
// A 1x1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
// 12 KB of a log, so the screen has a size to round.
const LOG = Buffer.from(Array.from({ length: 256 }, (_, i) => `${String(i).padStart(4, '0')} printer: paper jam in tray 2, retrying feed\n`).join('')).subarray(0, 12 * 1024);
const QUOTE_LINE = '> Please turn the printer off and on again.';

const RCPT_OK = '250 2.1.5 recipient ok';
const RCPT_UNKNOWN = '550 5.1.1 no such user';
const RCPT_LATER = '451 4.3.0 mailbox busy, try again later';

let files;
let smtp;
let server;
let browser;
let lead;

/**
 * A fake SMTP server just good enough for libcurl: greeting, EHLO, MAIL,
 * RCPT (answered with smtp.rcpt), DATA, RSET, QUIT. Keeps what it was sent.
 */
function fakeSmtp() {
  const state = { rcpt: RCPT_OK, received: [], port: 0 };
  const sockets = new Set();
  const srv = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    sock.setEncoding('latin1');
    let buf = '';
    let data = null; // the message while DATA is being read
    sock.write('220 mail.test ESMTP fake\r\n');
    sock.on('data', (chunk) => {
      buf += chunk;
      for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (data !== null) {
          if (line === '.') {
            state.received.push(data);
            data = null;
            sock.write('250 2.0.0 queued\r\n');
          } else data += `${line}\n`;
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') sock.write('250 mail.test\r\n');
        else if (verb === 'RCPT') sock.write(`${state.rcpt}\r\n`);
        else if (verb === 'DATA') {
          data = '';
          sock.write('354 end with <CRLF>.<CRLF>\r\n');
        } else if (verb === 'QUIT') sock.end('221 2.0.0 bye\r\n');
        else sock.write('250 2.0.0 ok\r\n'); // MAIL FROM, RSET, NOOP
      }
    });
  });
  return new Promise((resolve, reject) => {
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      state.port = srv.address().port;
      state.close = () => new Promise((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      });
      resolve(state);
    });
  });
}

/** An RFC 5322 message (CRLF) from headers and a body (a string, or MIME parts). */
function message(headers, body) {
  const lines = [`To: ${SUPPORT}`, 'Date: Tue, 24 Nov 2026 10:00:00 +0000', 'MIME-Version: 1.0'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  if (typeof body === 'string') {
    lines.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit');
    return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body.replace(/\n/g, '\r\n')}\r\n`);
  }
  const boundary = 'mail-spec-boundary-7f3a';
  lines.push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
  const parts = body.map((p) => `--${boundary}\r\n${p}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${parts.join('\r\n')}\r\n--${boundary}--\r\n`);
}

const textPart = (text) => `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${text.replace(/\n/g, '\r\n')}`;

function filePart(name, type, bytes) {
  const b64 = bytes.toString('base64').replace(/.{1,76}/g, '$&\r\n');
  return `Content-Type: ${type}; name="${name}"\r\nContent-Disposition: attachment; filename="${name}"\r\n`
    + `Content-Transfer-Encoding: base64\r\n\r\n${b64}`;
}

/** Pipes raw to `allhands mail-in` as an MTA would; the ticket number it printed. */
function mailIn(raw) {
  const out = server.cli(['mail-in'], { input: raw });
  const m = /^ticket (\d+)/.exec(out);
  assert.ok(m, `mail-in printed: ${out}`);
  return Number(m[1]);
}

/** The ticket once its newest reply's email satisfies ok(delivery). */
async function deliveryOf(id, ok, msg) {
  return eventually(async () => {
    const t = await lead.must('GET', `/tickets/${id}`);
    const replies = t.messages.filter((m) => m.kind === 'reply');
    const d = replies.length ? replies[replies.length - 1].delivery : null;
    return d && ok(d) ? t : null;
  }, msg, 15_000);
}

/** WCAG contrast of an element's text colour on its own background. */
function contrastOf(el) {
  return el.evaluate((node) => {
    const rgb = (s) => s.match(/[\d.]+/g).slice(0, 3).map(Number);
    const lum = ([r, g, b]) => {
      const c = [r, g, b].map((v) => {
        const x = v / 255;
        return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    };
    const style = getComputedStyle(node);
    const [a, b] = [lum(rgb(style.color)), lum(rgb(style.backgroundColor))];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  });
}

before(async () => {
  smtp = await fakeSmtp();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'allhands-mail-web-'));
  files = { dir, path: path.join(dir, 'files') };
  fs.mkdirSync(files.path);
  // startServer and its cli() pass this process's environment on: mail-in
  // and serve both need the support address and the directory of the files.
  Object.assign(process.env, {
    ALLHANDS_MAIL_ADDRESS: SUPPORT,
    ALLHANDS_MAIL_NAME: 'Help Team',
    ALLHANDS_ATTACHMENTS: files.path,
    ALLHANDS_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    ALLHANDS_SMTP_TLS: '0',
  });
  server = await startServer({ people: 8, tickets: 4 });
  browser = await launch();
  lead = await apiLogin(server.url, DEMO.lead);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.close();
  if (files) fs.rmSync(files.dir, { recursive: true, force: true });
});

const threadItems = (page) => page.locator('ol.thread > li');
let printer = null; // the ticket the first test makes and the second answers

test('a mailed ticket shows who wrote, the quote folded away, the files and the people on Cc', { timeout: 60_000 }, async () => {
  const first = '<printer-1@customer.test>';
  const id = mailIn(message({
    From: 'Carla Customer <carla@customer.test>', Cc: 'Bob Boss <bob@customer.test>',
    Subject: 'The printer jams again', 'Message-ID': first,
  }, [
    textPart('Hi, the printer still jams after the update. The log and a photo are attached.\n\n'
      + `On Mon, 23 Nov 2026 at 16:00, Help Team <${SUPPORT}> wrote:\n${QUOTE_LINE}\n> Best, Help Team\n`),
    filePart('printer-log.txt', 'text/plain', LOG),
    filePart('jam.png', 'image/png', PNG),
  ]));
  assert.equal(mailIn(message({
    From: 'Bob Boss <bob@customer.test>', Cc: 'Dana Ops <dana@customer.test>',
    Subject: 'Re: The printer jams again', 'Message-ID': '<printer-2@customer.test>', 'In-Reply-To': first,
  }, 'We need it for the board meeting tomorrow, please hurry.')), id, 'Bob’s answer joins the ticket');
  printer = id;
  const t = await lead.must('GET', `/tickets/${id}`);
  assert.equal(t.source, 'email', JSON.stringify(t));
  const [carla, bob] = t.messages;
  assert.match(carla.mail.quoted, /Please turn the printer off/, 'mail-in folded the quote away');
  assert.equal(carla.attachments.length, 2);

  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: lead });
  await page.goto(`/#/tickets/${id}`);
  await page.getByRole('heading', { level: 1, name: 'The printer jams again' }).waitFor();

  // Cc: Bob, and Dana whom Bob copied in, get the replies too.
  const cc = page.locator('#participants');
  assert.match(await cc.innerText(), /^Also on this ticket: Bob Boss <bob@customer\.test>, Dana Ops <dana@customer\.test>/);
  assert.equal(await page.getByRole('list', { name: 'Also on this ticket:' }).getByRole('listitem').count(), 2);

  // The requester's own mail needs no "From"; Bob's does.
  const [carlaItem, bobItem] = [threadItems(page).nth(0), threadItems(page).nth(1)];
  assert.equal(await carlaItem.locator('.msg-from').count(), 0);
  assert.equal(await bobItem.locator('.msg-from').innerText(), 'From Bob Boss <bob@customer.test>');
  assert.equal(await bobItem.locator('.msg-author').innerText(), 'Bob Boss', 'Bob wrote it, not the requester');
  assert.equal(await carlaItem.locator('.msg-author').innerText(), 'Carla Customer');
  assert.equal(await bobItem.locator('.msg-body').innerText(), bob.body);

  // The quote: there, but folded until asked for (also from the keyboard).
  const quote = carlaItem.locator('details.msg-quoted');
  const summary = quote.locator('summary');
  const pre = quote.locator('pre');
  assert.equal(await summary.innerText(), 'Show quoted text');
  assert.equal(await quote.evaluate((d) => d.open), false, 'collapsed by default');
  assert.equal(await pre.isVisible(), false, 'the quoted text is hidden');
  assert.ok(!(await carlaItem.innerText()).includes(QUOTE_LINE));
  assert.equal(await bobItem.locator('details').count(), 0, 'nothing quoted, nothing to show');
  await summary.click();
  await pre.waitFor({ state: 'visible' });
  assert.equal(await pre.textContent(), carla.mail.quoted, 'the quote, exactly as it came');
  assert.equal(await summary.innerText(), 'Hide quoted text');
  await summary.focus();
  await page.keyboard.press('Enter');
  await pre.waitFor({ state: 'hidden' });
  await page.keyboard.press('Enter');
  await pre.waitFor({ state: 'visible' });

  // The files: a link each, named, sized, typed; the log downloads, the photo shows.
  const fileList = carlaItem.getByRole('list', { name: 'Attachments (2)' });
  const log = fileList.getByRole('link', { name: 'printer-log.txt' });
  const photo = fileList.getByRole('link', { name: 'jam.png' });
  const logFile = carla.attachments.find((a) => a.name === 'printer-log.txt');
  const photoFile = carla.attachments.find((a) => a.name === 'jam.png');
  assert.equal(await log.getAttribute('href'), `/api/v1/attachments/${logFile.id}`);
  assert.equal(await log.getAttribute('download'), '', 'a file that is not an image is a download');
  assert.equal(await photo.getAttribute('href'), `/api/v1/attachments/${photoFile.id}`);
  assert.equal(await photo.getAttribute('download'), null, 'an image opens in the browser');
  const items = fileList.locator('li');
  assert.match(await items.nth(0).innerText(), /printer-log\.txt\s+12 KB · text\/plain · download/);
  assert.match(await items.nth(1).innerText(), /jam\.png\s+\d+ bytes · image\/png/);
  const thumb = items.nth(1).locator('img');
  assert.equal(await thumb.getAttribute('alt'), 'jam.png');
  await eventually(() => thumb.evaluate((img) => img.complete && img.naturalWidth === 1), 'the thumbnail loads');
  for (const [link, bytes] of [[log, LOG], [photo, PNG]]) {
    const href = await link.getAttribute('href');
    const got = await page.evaluate(async (u) => {
      const r = await fetch(u);
      return { status: r.status, length: (await r.arrayBuffer()).byteLength };
    }, href);
    assert.deepEqual(got, { status: 200, length: bytes.length }, `${href} serves the file`);
  }
  // Keyboard: one tab stop per file, on the named link (the thumbnail repeats it for the mouse).
  await summary.focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'printer-log.txt');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'jam.png');

  assert.equal(await page.locator('.delivery').count(), 0, 'nothing was emailed yet');
  await screenshot(page, 'mail-ticket-in');
  assertClean(problems, dialogs);
  await context.close();
});

test('a reply says it was emailed; one the mail server refuses says "Not delivered"', { timeout: 60_000 }, async () => {
  assert.ok(printer, 'the first test made the ticket');
  const id = printer;
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: lead });
  await page.goto(`/#/tickets/${id}`);
  await page.getByRole('heading', { level: 1, name: 'The printer jams again' }).waitFor();

  smtp.rcpt = RCPT_OK;
  const before = smtp.received.length;
  await page.getByLabel('Your reply to the customer').fill('Hi Carla, a new driver for tray 2 is on its way to you today.');
  await page.getByRole('button', { name: 'Send' }).click();
  await eventually(async () => /Reply sent/.test(await statusText(page)), 'Reply sent is announced');
  const sent = threadItems(page).last();
  await eventually(async () => /new driver for tray 2/.test(await sent.innerText()), 'the reply is in the thread');
  // The screen asks again while the email is on its way: no reload needed.
  const line = sent.locator('.delivery');
  await eventually(async () => /^✓ Emailed \w{3} \d+, \d{4}/.test(await line.innerText()), 'the reply says it was emailed');
  assert.equal(smtp.received.length, before + 1, 'the mail server got it');
  assert.match(smtp.received[before], /new driver for tray 2/);

  smtp.rcpt = RCPT_UNKNOWN;
  await page.getByLabel('Your reply to the customer').fill('Hi Carla, the driver is installed. Does tray 2 work now?');
  await page.getByRole('button', { name: 'Send' }).click();
  const refused = threadItems(page).last();
  await eventually(async () => /Does tray 2 work now/.test(await refused.innerText()), 'the second reply is in the thread');
  const notice = refused.locator('.delivery-failed');
  await eventually(() => notice.isVisible(), 'the refusal shows on the reply', 15_000);
  const text = await notice.innerText();
  assert.match(text, /^Not delivered: .*550.*\. The customer did not get this reply\./s);
  assert.equal(await notice.getAttribute('role'), 'status');
  assert.match(await statusText(page), /was not delivered/, 'and the screen says so out loud');
  assert.ok(await contrastOf(notice) >= 4.5, 'the notice is readable');
  const t = await lead.must('GET', `/tickets/${id}`);
  assert.equal(t.messages[t.messages.length - 1].delivery.status, 'failed');
  assert.equal(t.messages[t.messages.length - 2].delivery.status, 'sent');

  // Everything at once, with the quote open.
  await threadItems(page).first().locator('summary').click();
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  await screenshot(page, 'mail-ticket');
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.ok(await contrastOf(notice) >= 4.5, 'the notice is readable in the dark too');
  await screenshot(page, 'mail-ticket-dark');
  assertClean(problems, dialogs);
  await context.close();
});

test('a reply the mail server cannot take yet says "Sending… retrying" with the error', { timeout: 60_000 }, async () => {
  smtp.rcpt = RCPT_LATER;
  const id = mailIn(message({
    From: 'Lee Later <lee@customer.test>', Subject: 'Invoice address', 'Message-ID': '<invoice-1@customer.test>',
  }, 'Please change the address on my invoices.'));
  const fresh = await lead.must('GET', `/tickets/${id}`);
  await lead.must('POST', `/tickets/${id}/messages`, {
    kind: 'reply', body: 'Hi Lee, done: the next invoice goes to the new address.', seen_message_id: fresh.last_message_id,
  });
  const t = await deliveryOf(id, (d) => d.status === 'queued' && d.error, 'the first attempt failed and waits for a retry');
  const d = t.messages[t.messages.length - 1].delivery;

  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: lead });
  await page.goto(`/#/tickets/${id}`);
  await page.getByRole('heading', { level: 1, name: 'Invoice address' }).waitFor();
  assert.equal(await page.locator('#participants').count(), 0, 'nobody on Cc, no line for it');
  const line = threadItems(page).last().locator('.delivery');
  assert.equal(await line.innerText(),
    `Sending… retrying (${d.attempts} ${d.attempts === 1 ? 'attempt' : 'attempts'} so far). Last error: ${d.error.replace(/[.\s]+$/, '')}.`);
  assert.match(d.error, /451/);
  assert.equal(await page.locator('.delivery-failed').count(), 0, 'not given up on');
  await screenshot(page, 'mail-ticket-retrying');
  assertClean(problems, dialogs);
  await context.close();
});
