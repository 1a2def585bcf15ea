// deference.spec.js - the support team's screens: the style check in the
// reply box (live underlines, a blocked reply, held for review), the review
// queue, the style-guide editor (starter guide, a bad regular expression,
// "Try it"), escalating a tier-1 ticket, routing rules, levels and the
// curriculum.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO, apiLogin, startServer } from './server.js';
import { assertClean, eventually, launch, openPage, screenshot, statusText, navTo } from './browser.js';

const TRAINEE = { email: 'tia.trainee@demo.allhands.test', name: 'Tia Trainee', password: 'trainee-password-1' };
const BLOCK_RULE = {
  name: 'no-guarantee', kind: 'phrase', pattern: 'we guarantee', severity: 'block',
  why: 'A guarantee in writing is a promise the company has to keep', better: 'Say what you will do and by when',
};

let server;
let browser;
let lead;
let pro;
let member;

before(async () => {
  server = await startServer();
  browser = await launch();
  lead = await apiLogin(server.url, DEMO.lead);
  pro = await apiLogin(server.url, DEMO.pro);
  member = await apiLogin(server.url, DEMO.member);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A fresh tier-1 ticket from a customer, created by the lead. */
function newTicket(subject, body = 'Hello, my export to CSV stopped working this morning. Can you help?') {
  return lead.must('POST', '/tickets', {
    subject, body, requester_email: 'casey@customer.example', requester_name: 'Casey Customer', tier: 1,
  });
}

const threadItems = (page) => page.locator('ol.thread > li');

test('the style guide: empty, the starter guide, a bad regular expression by its field, and Try it underlines', { timeout: 90_000 }, async () => {
  // A new company starts with the starter guide; a lead who deleted every rule sees the empty guide.
  for (const r of (await lead.must('GET', '/style-rules')).items) await lead.must('DELETE', `/style-rules/${r.id}`);
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: lead });
  await page.goto('/#/queue');
  await navTo(page, 'Style guide');
  await page.getByRole('heading', { level: 1, name: 'Style guide' }).waitFor();
  await page.locator('#style-empty').waitFor();
  await screenshot(page, 'style-empty');

  await page.getByRole('button', { name: 'Load the starter guide' }).click();
  await eventually(async () => /Starter guide loaded: \d+ rules added/.test(await statusText(page)), 'the starter guide is announced');
  const starter = (await lead.must('GET', '/style-rules')).items;
  assert.ok(starter.length > 0, 'the server has the starter rules');
  await eventually(async () => (await page.locator('.rule-card').count()) === starter.length, 'every rule is listed');
  const justRule = starter.find((r) => r.name === 'no-just');
  assert.ok(justRule, 'the starter guide has no-just');
  const card = page.locator('#rule-' + justRule.id);
  assert.match(await card.innerText(), new RegExp(justRule.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'the pattern is shown');

  // A bad regular expression: the server's message and offset, by the pattern.
  await page.getByRole('button', { name: 'Add a rule' }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'rule-name', 'the form takes the focus');
  await page.getByLabel('Name', { exact: true }).fill('no-abc');
  await page.getByLabel('Regular expression').check();
  await page.getByLabel('Pattern').fill('ab(c');
  await page.getByLabel('Why').fill('Testing');
  await page.getByRole('button', { name: 'Add rule' }).click();
  const patternError = page.locator('#rule-pattern-error');
  await eventually(async () => /missing closing parenthesis/.test(await patternError.innerText()), 'the PCRE2 message is by the field');
  assert.match(await patternError.innerText(), /offset \d+/, 'with its offset');
  assert.equal(await page.getByLabel('Pattern').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'rule-pattern', 'the cursor is in the pattern');
  assert.match(await page.locator('#rule-error').innerText(), /Not saved: see “Pattern”/);
  assert.equal((await lead.must('GET', '/style-rules')).items.length, starter.length, 'nothing was stored');
  await screenshot(page, 'style-bad-regex');

  await page.getByLabel('Pattern').fill('ab\\(c');
  await page.getByRole('button', { name: 'Add rule' }).click();
  await eventually(async () => /Rule “no-abc” added/.test(await statusText(page)), 'the rule is added');
  await page.locator('.rule-card[data-name="no-abc"]').waitFor();

  // Try it: the hit is underlined where it is, and explained below.
  const tryBox = page.getByLabel('Text to check');
  await tryBox.fill('Hi Casey, just click Export and it works.');
  const mark = page.locator('.try-card mark.hit');
  await mark.first().waitFor();
  assert.equal(await mark.first().innerText(), 'just');
  assert.match(await mark.first().getAttribute('class'), new RegExp(`hit-${justRule.severity}`));
  const hits = page.locator('#try-lint-hits');
  const hitText = await hits.innerText();
  assert.ok(hitText.includes('no-just'), 'the rule is named');
  assert.ok(hitText.includes(justRule.why.slice(0, 20)), 'with why');
  // The mark lies under the word: its box is where the textarea draws "just".
  const geo = await page.evaluate(() => {
    const m = document.querySelector('.try-card mark.hit').getBoundingClientRect();
    const t = document.getElementById('try-text').getBoundingClientRect();
    return { left: m.left - t.left, top: m.top - t.top, width: m.width };
  });
  assert.ok(geo.left > 60 && geo.left < 120 && geo.top < 30 && geo.width > 15, `the mark is on the first line after "Hi Casey, " (${JSON.stringify(geo)})`);
  await tryBox.fill('Hi Casey, click Export and it works.');
  await eventually(async () => (await mark.count()) === 0, 'fixed: no more marks');
  await eventually(async () => /No style hits/.test(await page.locator('#try-lint-summary').innerText()), 'and it says so');
  await tryBox.fill('Hi Casey, just click Export and it works.');
  await mark.first().waitFor();
  await screenshot(page, 'style-guide');

  // Delete, with a confirmation in place of the button.
  const abc = page.locator('.rule-card[data-name="no-abc"]');
  await abc.getByRole('button', { name: 'Delete no-abc' }).click();
  await abc.getByRole('button', { name: 'Delete “no-abc”' }).click();
  await eventually(async () => /Rule “no-abc” deleted/.test(await statusText(page)), 'deleted');
  assert.equal((await lead.must('GET', '/style-rules')).items.length, starter.length);
  assertClean(problems, dialogs);
  await context.close();

  // Members read it, and try text as themselves.
  const m = await openPage(browser, server.url, { session: member });
  await m.page.goto('/#/style');
  await m.page.getByRole('heading', { level: 1, name: 'Style guide' }).waitFor();
  await m.page.locator('.rule-card').first().waitFor();
  assert.equal(await m.page.getByRole('button', { name: 'Add a rule' }).count(), 0, 'no editing for members');
  assert.equal(await m.page.getByRole('button', { name: /^Edit / }).count(), 0);
  assert.equal(await m.page.getByLabel('Level').count(), 0, 'no previews for members');
  await m.page.getByLabel('Text to check').fill('It is simply a setting.');
  await m.page.locator('.try-card mark.hit', { hasText: 'simply' }).waitFor();
  await screenshot(m.page, 'style-guide-member');
  assertClean(m.problems, m.dialogs);
  await m.context.close();
});

test('a trainee writes a blocked phrase, sees it underlined and explained, fixes it, sends; a pro approves it and it is in the thread', { timeout: 90_000 }, async () => {
  await lead.must('POST', '/style-rules', BLOCK_RULE);
  await lead.must('POST', '/people', { ...TRAINEE, role: 'member', level: 'trainee' });
  const trainee = await apiLogin(server.url, TRAINEE.email, TRAINEE.password);
  assert.equal(trainee.person.level, 'trainee');
  const t = await newTicket('CSV export stopped working');

  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: trainee });
  await page.goto(`/#/tickets/${t.id}`);
  await page.getByRole('heading', { level: 1, name: t.subject }).waitFor();
  const box = page.getByLabel('Your reply to the customer');
  const blocked = 'Hi Casey,\n\nthanks for writing in 🙂. We found the problem and we guarantee it will not happen again.\n\nBest, Tia';
  await box.click();
  await page.keyboard.type(blocked, { delay: 2 });

  // Underlined where it is, in the block style, and explained below.
  const mark = page.locator('.composer mark.hit-block');
  await mark.waitFor();
  assert.equal((await mark.innerText()).toLowerCase(), 'we guarantee');
  const item = page.locator('#reply-lint-hits li[data-rule="no-guarantee"]');
  await item.waitFor();
  const itemText = await item.innerText();
  assert.match(itemText, /Blocks sending/);
  assert.ok(itemText.includes(BLOCK_RULE.why), 'why');
  assert.ok(itemText.includes(BLOCK_RULE.better), 'the better way');
  assert.match(await page.locator('#reply-lint-summary').innerText(), /1 that blocks sending/);
  await screenshot(page, 'reply-lint');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('.composer mark.hit-block').waitFor();
  await screenshot(page, 'reply-lint-mobile');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 390, `no sideways scrolling on a phone (${wide}px)`);
  await page.setViewportSize({ width: 1280, height: 860 });

  // "Show in text" selects the words.
  await item.getByRole('button', { name: /Select “we guarantee” in the text/i }).click();
  const sel = await page.evaluate(() => {
    const el = document.getElementById('reply-body');
    return [document.activeElement === el, el.value.slice(el.selectionStart, el.selectionEnd)];
  });
  assert.deepEqual(sel, [true, 'we guarantee']);

  // Sending it anyway: the server refuses, and the screen names the rule.
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  const notice = page.locator('#composer-notice');
  await eventually(async () => /Not sent: the style rule “no-guarantee” blocks this reply/.test(await notice.innerText()), 'the blocking rule is named');
  assert.equal(await page.locator('#override').isVisible(), false, 'no "send anyway" for a trainee');
  await screenshot(page, 'reply-blocked');

  // Fixed: the mark goes, the reply is held for review.
  const fixed = blocked.replace('we guarantee it will not happen again', 'we have fixed it; your next export will work');
  await box.fill(fixed);
  await eventually(async () => (await page.locator('.composer mark.hit-block').count()) === 0, 'the mark is gone');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await eventually(async () => /Sent for review — a pro will look at it/.test(await statusText(page)), 'held for review is announced');
  await page.locator('#in-review', { hasText: 'In review' }).waitFor();
  assert.equal(await box.inputValue(), '', 'the box is empty');
  assert.equal(await threadItems(page).count(), t.messages.length, 'the thread does not have it yet');
  await screenshot(page, 'reply-in-review');
  assertClean(problems, dialogs);

  // A pro approves it from the review queue.
  const p = await openPage(browser, server.url, { session: pro });
  await p.page.goto('/#/queue');
  await p.page.locator('#app-nav').getByRole('link', { name: 'Reviews' }).click();
  await p.page.getByRole('heading', { level: 1, name: 'Reviews' }).waitFor();
  const row = p.page.locator('tr', { hasText: t.subject });
  await row.waitFor();
  assert.match(await row.innerText(), /Tia Trainee/);
  assert.match(await row.locator('.review-age').innerText(), /minute|second|hour/);
  await screenshot(p.page, 'reviews');
  await row.getByRole('link').click();
  await p.page.getByRole('heading', { level: 1, name: t.subject }).waitFor();
  assert.equal(await p.page.getByLabel('Reply to the customer (you may edit it)').inputValue(), fixed, 'the draft as written');
  assert.ok((await p.page.locator('ol.thread').innerText()).includes('export to CSV stopped working'), 'the thread for context');
  await screenshot(p.page, 'review');
  await p.page.getByRole('button', { name: 'Approve as written' }).click();
  await p.page.getByRole('heading', { level: 1, name: 'Reviews' }).waitFor();
  assert.match(await statusText(p.page), /Approved: Tia Trainee’s reply went to the customer/);
  await p.page.locator('#reviews-empty', { hasText: 'Nothing to review' }).waitFor();
  await screenshot(p.page, 'reviews-empty');
  assertClean(p.problems, p.dialogs);
  await p.context.close();

  // The reply is in the thread, as the trainee wrote it.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: t.subject }).waitFor();
  const last = threadItems(page).last();
  await eventually(async () => (await last.innerText()).includes('your next export will work'), 'the approved reply is the newest message');
  assert.match(await last.getAttribute('class'), /msg-reply/);
  assert.ok((await last.innerText()).includes('Tia Trainee'));
  assert.equal(await page.locator('#in-review').count(), 0, 'no longer in review');
  const after = await trainee.must('GET', `/tickets/${t.id}`);
  assert.equal(after.messages[after.messages.length - 1].body, fixed, 'stored exactly as written');
  assertClean(problems, dialogs);
  await context.close();
});

test('a returned reply comes back to the trainee with the comment and the draft; a pro may send past a block with a reason', { timeout: 90_000 }, async () => {
  const trainee = await apiLogin(server.url, TRAINEE.email, TRAINEE.password);
  const t = await newTicket('Where is my invoice?');
  const draft = 'Hi Casey, the invoice is in Settings.';
  const held = await trainee.must('POST', `/tickets/${t.id}/messages`, { kind: 'reply', body: draft, seen_message_id: t.last_message_id }, [202]);
  const comment = 'Tell them where in Settings: Billing → Invoices, and that they can download a PDF.';

  const p = await openPage(browser, server.url, { session: pro });
  await p.page.goto(`/#/reviews/${held.review.id}`);
  await p.page.getByRole('heading', { level: 1, name: t.subject }).waitFor();
  await p.page.getByRole('button', { name: 'Return to Tia Trainee' }).click();
  await eventually(async () => /Write a coaching comment/.test(await p.page.locator('#review-comment-error').innerText()), 'a comment is required');
  await p.page.getByRole('textbox', { name: 'Coaching comment' }).fill(comment);
  await p.page.getByRole('button', { name: 'Return to Tia Trainee' }).click();
  await p.page.getByRole('heading', { level: 1, name: 'Reviews' }).waitFor();
  assert.match(await statusText(p.page), /Returned to Tia Trainee with your comment/);
  assertClean(p.problems, p.dialogs);
  await p.context.close();

  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: trainee });
  await page.goto(`/#/tickets/${t.id}`);
  await page.getByRole('heading', { level: 1, name: t.subject }).waitFor();
  const returned = page.locator('#review-returned');
  await returned.waitFor();
  assert.ok((await returned.innerText()).includes(comment), 'the coaching comment');
  await eventually(async () => (await page.getByLabel('Your reply to the customer').inputValue()) === draft, 'the draft is back in the box');
  await screenshot(page, 'reply-returned');

  // Written again and sent: held again. A pro edits it and approves the edit; both are kept.
  const again = `${draft} Open Billing, then Invoices: each one has a PDF to download.`;
  await page.getByLabel('Your reply to the customer').fill(again);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await eventually(async () => /Sent for review/.test(await statusText(page)), 'held again');
  await eventually(async () => (await page.locator('#review-returned').count()) === 0, 'the old comment is gone');
  assertClean(problems, dialogs);
  await context.close();

  const second = (await pro.must('GET', `/reviews?status=held&ticket_id=${t.id}`)).items[0];
  assert.equal(second.body, again);
  const e = await openPage(browser, server.url, { session: pro });
  await e.page.goto(`/#/reviews/${second.id}`);
  const draftBox = e.page.getByLabel('Reply to the customer (you may edit it)');
  await draftBox.waitFor();
  assert.equal(await e.page.getByRole('button', { name: 'Approve my edit' }).isVisible(), false, 'nothing edited yet');
  const edited = again.replace('Hi Casey,', 'Hi Casey, thanks for your patience!');
  await draftBox.fill(edited);
  await e.page.getByRole('button', { name: 'Approve my edit' }).click();
  await e.page.getByRole('heading', { level: 1, name: 'Reviews' }).waitFor();
  assert.match(await statusText(e.page), /Approved with your edit/);
  const decided = await pro.must('GET', `/reviews/${second.id}`);
  assert.equal(decided.status, 'approved');
  assert.equal(decided.body, again, 'the author’s version is kept');
  assert.equal(decided.final_body, edited, 'and the edit');
  const thread = (await pro.must('GET', `/tickets/${t.id}`)).messages;
  assert.equal(thread[thread.length - 1].body, edited, 'the edit went to the customer');
  assertClean(e.problems, e.dialogs);
  await e.context.close();

  // A pro past a block: "Send anyway" with a reason.
  const t2 = await newTicket('Will it be fixed?');
  const q = await openPage(browser, server.url, { session: pro });
  await q.page.goto(`/#/tickets/${t2.id}`);
  await q.page.getByRole('heading', { level: 1, name: t2.subject }).waitFor();
  await q.page.getByLabel('Your reply to the customer').fill('Hi Casey, we guarantee a fix this week.');
  await q.page.locator('.composer mark.hit-block').waitFor();
  await q.page.getByRole('button', { name: 'Send', exact: true }).click();
  await q.page.locator('#override').waitFor();
  assert.equal(await q.page.evaluate(() => document.activeElement.id), 'override-reason', 'the reason field has the focus');
  await q.page.getByRole('button', { name: 'Send anyway' }).click();
  await eventually(async () => /Write why this reply should go out/.test(await q.page.locator('#composer-notice').innerText()), 'a reason is required');
  await q.page.getByLabel('Why send it anyway?').fill('Engineering committed to the date in writing (ENG-42).');
  await screenshot(q.page, 'reply-override');
  await q.page.getByRole('button', { name: 'Send anyway' }).click();
  await eventually(async () => /Reply sent/.test(await statusText(q.page)), 'sent');
  await eventually(async () => (await threadItems(q.page).last().innerText()).includes('we guarantee a fix this week'), 'in the thread');
  assertClean(q.problems, q.dialogs);
  await q.context.close();
});

test('saved replies: a pro picks one and it is rendered for the ticket into the box', { timeout: 60_000 }, async () => {
  await pro.must('POST', '/macros', { name: 'Export help', body: 'Hi {{customer.name}},\n\nthanks for writing about ticket {{ticket.id}}.' });
  const t = await newTicket('Export question');
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: pro });
  await page.goto(`/#/tickets/${t.id}`);
  await page.getByRole('heading', { level: 1, name: t.subject }).waitFor();
  await eventually(async () => (await page.getByLabel('Saved reply').locator('option').count()) > 1, 'the saved replies are listed');
  await page.getByLabel('Saved reply').selectOption({ label: 'Export help' });
  await page.getByRole('button', { name: 'Insert' }).click();
  await eventually(async () => (await page.getByLabel('Your reply to the customer').inputValue()).includes(`ticket ${t.id}`),
    `inserted, rendered (box: ${JSON.stringify(await page.getByLabel('Your reply to the customer').inputValue())}, hint: ${await page.locator('#macro-hint').innerText()})`);
  assert.match(await page.getByLabel('Your reply to the customer').inputValue(), /^Hi Casey Customer,/);
  assertClean(problems, dialogs);
  await context.close();
});

test('a member escalates a tier-1 ticket to the pros with a note, and it leaves their view', { timeout: 60_000 }, async () => {
  const t = await newTicket('Charged twice for one order');
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: member });
  await page.goto(`/#/tickets/${t.id}`);
  await page.getByRole('heading', { level: 1, name: t.subject }).waitFor();
  const button = page.getByRole('button', { name: 'Escalate to the pros' });
  await button.focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'escalate-note', 'the note has the focus');
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  // Escape closes it, and the focus goes back.
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#escalate-form').isVisible(), false);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'escalate');
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Escalate', exact: true }).click();
  await eventually(async () => /Write a note for the pros/.test(await page.locator('#escalate-error').innerText()), 'the note is required');
  const note = 'A refund is needed — that is beyond what I can do.';
  await page.getByLabel('Note for the pros').fill(note);
  await screenshot(page, 'escalate');
  await page.keyboard.press('Control+Enter');
  await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
  assert.match(await statusText(page), new RegExp(`Ticket #${t.id} went to the support pros with your note. It has left your queue`));
  // "My week" counts it beside the replies: escalating is good work
  await page.locator('#app-nav').getByRole('link', { name: 'My week' }).click();
  await eventually(async () => /1 escalation to the pros/.test(await page.locator('.week-counts').innerText()),
    'the week counts the escalation');
  assertClean(problems, dialogs);
  await context.close();

  const gone = await member.call('GET', `/tickets/${t.id}`);
  assert.ok([403, 404].includes(gone.status), `gone from the member's view (${gone.status})`);
  const now = await lead.must('GET', `/tickets/${t.id}`);
  assert.equal(now.tier, 2);
  assert.ok(now.messages.some((m) => m.kind === 'note' && m.body.includes(note)), 'the note is an internal note');
});

test('routing rules: add, reorder, try it; a bad pattern by its field', { timeout: 60_000 }, async () => {
  await lead.must('POST', '/routing-rules', { name: 'Refunds go to the pros', match_kind: 'phrase', pattern: 'refund', match_in: 'both', set_tier: 2, set_priority: 'high', add_tags: ['billing'] });
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: lead });
  await page.goto('/#/queue');
  await navTo(page, 'Routing');
  await page.getByRole('heading', { level: 1, name: 'Routing' }).waitFor();
  await page.getByRole('button', { name: 'Add a rule' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Password resets are tier 1');
  await page.getByLabel('Text condition').selectOption('regex');
  await page.getByLabel('Phrase or pattern').fill('pass(word');
  await page.getByLabel('Set the tier').selectOption('1');
  await page.getByRole('button', { name: 'Add rule' }).click();
  await eventually(async () => /missing closing parenthesis/.test(await page.locator('#route-pattern-error').innerText()), 'the PCRE2 message by the field');
  await page.getByLabel('Phrase or pattern').fill('pass(word)? reset');
  await page.getByRole('button', { name: 'Add rule' }).click();
  await eventually(async () => /added at the end/.test(await statusText(page)), 'added');
  const cards = page.locator('.route-card');
  await eventually(async () => (await cards.count()) === 2, 'two rules');
  assert.match(await cards.nth(1).innerText(), /Password resets/);
  await cards.nth(1).getByRole('button', { name: /Move .* up/ }).click();
  await eventually(async () => /Password resets/.test(await cards.nth(0).innerText()), 'moved up');
  const order = (await lead.must('GET', '/routing-rules')).items.map((r) => r.name);
  assert.equal(order[0], 'Password resets are tier 1', 'the server has the new order');

  await page.getByLabel('Subject').fill('Password reset does not arrive');
  await page.getByRole('button', { name: 'Try it' }).click();
  await eventually(async () => /tier 1/.test(await page.locator('#route-try-result').innerText()), 'the tier it would get');
  assert.match(await page.locator('#route-try-matched').innerText(), /Password resets are tier 1/);
  await page.locator('.route-card.is-matched').waitFor();
  await screenshot(page, 'routing');
  assertClean(problems, dialogs);
  await context.close();
});

test('levels and training: a module with Markdown, marking it done, and a promotion refused until it is done', { timeout: 60_000 }, async () => {
  const mod = await lead.must('POST', '/modules', {
    title: 'Tone with customers', level: 'trainee', position: 1,
    body: '# Be warm and specific\n\nThank them, then **answer**.\n\n- Use their name\n- Say what happens next\n\n<script>window.__bad = 1</script>[a link](javascript:alert(1))',
  });
  const trainee = await apiLogin(server.url, TRAINEE.email, TRAINEE.password);

  // A pro moves the trainee up: refused, with the module still to do.
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: pro });
  await page.goto('/#/queue');
  await navTo(page, 'Levels');
  await page.getByRole('heading', { level: 1, name: 'Levels' }).waitFor();
  const select = page.getByLabel('Level for Tia Trainee');
  await select.selectOption('junior');
  await page.getByRole('button', { name: 'Change Tia Trainee’s level' }).click();
  const err = page.locator(`#level-${trainee.person.id}-error`);
  await eventually(async () => /still has to finish 1 module: Tone with customers/.test(await err.innerText()), 'the missing module by name');
  await screenshot(page, 'levels');
  assertClean(problems, dialogs);
  await context.close();

  // The trainee reads it and marks it done.
  const t = await openPage(browser, server.url, { session: trainee });
  await t.page.goto('/#/queue');
  await navTo(t.page, 'Training');
  await t.page.getByRole('heading', { level: 1, name: 'Training' }).waitFor();
  const card = t.page.locator(`#module-${mod.id}`);
  await card.waitFor();
  assert.equal(await card.locator('.module-body h4').innerText(), 'Be warm and specific', 'Markdown rendered, headings under the page’s');
  assert.equal(await card.locator('.module-body strong').innerText(), 'answer');
  assert.equal(await card.locator('.module-body li').count(), 2);
  assert.equal(await card.locator('script').count(), 0, 'no script');
  assert.equal(await t.page.evaluate(() => window.__bad), undefined);
  assert.match(await t.page.locator('#progress-missing').innerText(), /Tone with customers/);
  await screenshot(t.page, 'training');
  await card.getByRole('button', { name: 'Mark “Tone with customers” done' }).click();
  await eventually(async () => /Done/.test(await card.locator('.module-done').innerText()), 'done ✓');
  assert.match(await t.page.locator('#progress-missing').innerText(), /training for this level is done/);
  assertClean(t.problems, t.dialogs);
  await t.context.close();

  // Now the move up goes through.
  const again = await openPage(browser, server.url, { session: pro });
  await again.page.goto('/#/levels');
  await again.page.getByLabel('Level for Tia Trainee').selectOption('junior');
  await again.page.getByRole('button', { name: 'Change Tia Trainee’s level' }).click();
  await eventually(async () => /Tia Trainee is now Junior/.test(await statusText(again.page)), 'moved up');
  assert.equal((await pro.must('GET', `/people/${trainee.person.id}`)).level, 'junior');

  // A pairing session.
  await again.page.getByLabel('Member', { exact: true }).fill(`Tia Trainee (${TRAINEE.email})`);
  await again.page.getByLabel('Minutes').fill('45');
  await again.page.getByLabel('Notes').fill('Worked three billing tickets together.');
  await again.page.getByRole('button', { name: 'Log the session' }).click();
  await eventually(async () => /Pairing logged: 45 min with Tia Trainee/.test(await statusText(again.page)), 'logged');
  await again.page.locator('.pairing-list li', { hasText: 'Worked three billing tickets' }).waitFor();
  await screenshot(again.page, 'levels-paired');
  assertClean(again.problems, again.dialogs);
  await again.context.close();
});

test('a lead writes, edits and retires a training module', { timeout: 60_000 }, async () => {
  const { context, page, problems, dialogs } = await openPage(browser, server.url, { session: lead });
  await page.goto('/#/training');
  await page.getByRole('heading', { level: 1, name: 'Training' }).waitFor();
  await page.getByRole('button', { name: 'Add a module' }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'module-title');
  await page.getByRole('button', { name: 'Add module' }).click();
  await eventually(async () => /Give the module a title/.test(await page.locator('#module-title-error').innerText()), 'a title is required');
  await page.getByLabel('Title').fill('Refunds, step by step');
  await page.getByLabel('Level').selectOption('junior');
  await page.getByLabel('Text (Markdown)').fill('1. Check the order\n2. Ask a pro when in doubt');
  await screenshot(page, 'training-new-module');
  await page.getByRole('button', { name: 'Add module' }).click();
  await eventually(async () => /Module “Refunds, step by step” added/.test(await statusText(page)), 'added');
  const mod = (await lead.must('GET', '/modules')).items.find((m) => m.title === 'Refunds, step by step');
  const card = page.locator(`#module-${mod.id}`);
  await eventually(async () => (await card.locator('.module-body ol li').count()) === 2, 'the list is rendered');
  await eventually(async () => (await page.evaluate(() => document.activeElement.textContent)) === 'Refunds, step by step', 'the focus is on the new module');

  await card.getByRole('button', { name: 'Edit “Refunds, step by step”' }).click();
  await page.getByLabel('Title').fill('Refunds, one step at a time');
  await page.getByRole('button', { name: 'Save module' }).click();
  await eventually(async () => /Module “Refunds, one step at a time” saved/.test(await statusText(page)), 'saved');
  await card.getByRole('button', { name: 'Retire “Refunds, one step at a time”' }).click();
  await card.getByRole('button', { name: 'Retire “Refunds, one step at a time”' }).click();
  await eventually(async () => /retired/.test(await statusText(page)), 'retired');
  await eventually(async () => (await page.locator(`#module-${mod.id}`).count()) === 0, 'the module is gone from the page');
  assert.ok(!(await lead.must('GET', '/modules')).items.some((m) => m.id === mod.id), 'gone from the curriculum');
  assertClean(problems, dialogs);
  await context.close();
});
