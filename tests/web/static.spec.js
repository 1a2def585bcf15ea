// static.spec.js - checks on the web/ sources themselves (no server): the
// rules the Content-Security-Policy and the escaping promise depend on.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { WEB } from './server.js';

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

const files = walk(WEB);
const js = files.filter((f) => f.endsWith('.js'));
const html = files.filter((f) => f.endsWith('.html'));
const rel = (f) => path.relative(WEB, f);

// The one place markup is parsed: dom.js serverHtml(), for the training
// modules' HTML that the server renders with cmark, parsed in an inert
// <template> and copied through an allowlist of elements.
const ALLOWED_MARKUP = [{ file: 'dom.js', line: "template.innerHTML = String(html || ''); // static.spec.js allows exactly this line" }];

test('no script builds markup from strings', () => {
  const banned = /\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|\beval\s*\(|new\s+Function\s*\(|createContextualFragment|DOMParser|setHTMLUnsafe|parseHTMLUnsafe/;
  const allowedSeen = new Set();
  for (const f of js) {
    const lines = fs.readFileSync(f, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim().startsWith('//')) return;
      const ok = ALLOWED_MARKUP.find((a) => a.file === rel(f) && line.trim() === a.line);
      if (ok) {
        assert.ok(!allowedSeen.has(ok), `${rel(f)}:${i + 1}: the allowed line appears once`);
        allowedSeen.add(ok);
        return;
      }
      assert.doesNotMatch(line, banned, `${rel(f)}:${i + 1}: ${line.trim()}`);
    });
  }
});

test('no inline script, inline style or inline event handler in HTML', () => {
  assert.ok(html.length > 0, 'web/ has index.html');
  for (const f of html) {
    const text = fs.readFileSync(f, 'utf8');
    assert.doesNotMatch(text, /<style\b/i, `${rel(f)}: <style> element`);
    assert.doesNotMatch(text, /\sstyle\s*=/i, `${rel(f)}: style attribute`);
    assert.doesNotMatch(text, /\son[a-z]+\s*=/i, `${rel(f)}: inline event handler`);
    assert.doesNotMatch(text, /javascript:/i, `${rel(f)}: javascript: URL`);
    for (const m of text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      assert.match(m[1], /\bsrc="\/[^"]+\.js"/, `${rel(f)}: script without src`);
      assert.equal(m[2].trim(), '', `${rel(f)}: inline script body`);
    }
  }
  const index = fs.readFileSync(path.join(WEB, 'index.html'), 'utf8');
  assert.match(index, /<script type="module" src="\/app\.js"><\/script>/);
});

test('scripts do not set inline styles either', () => {
  for (const f of js) {
    const text = fs.readFileSync(f, 'utf8');
    assert.doesNotMatch(text, /setAttribute\(\s*['"]style['"]|\.style\.cssText|\.style\s*=/, `${rel(f)}: inline style`);
  }
});

test('every relative import resolves to a file in web/', () => {
  for (const f of js) {
    const text = fs.readFileSync(f, 'utf8');
    for (const m of text.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm)) {
      const spec = m[1];
      assert.ok(spec.startsWith('./') || spec.startsWith('../'), `${rel(f)}: bare import ${spec}`);
      const target = path.resolve(path.dirname(f), spec);
      assert.ok(target.startsWith(WEB + path.sep), `${rel(f)}: import ${spec} leaves web/`);
      assert.ok(fs.existsSync(target), `${rel(f)}: import ${spec} does not exist`);
    }
  }
});

test('every file index.html links exists', () => {
  const index = fs.readFileSync(path.join(WEB, 'index.html'), 'utf8');
  for (const m of index.matchAll(/(?:href|src)="(\/[^"#]+)"/g)) {
    assert.ok(fs.existsSync(path.join(WEB, m[1])), `index.html links ${m[1]}, which is missing`);
  }
});
