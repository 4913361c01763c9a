/** A card's markdown detail: paragraphs, lists, bold and links, and never raw HTML or unsafe links. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { appPath, parseInline, parseMarkdown, safeHref } from '../../src/cds/markdown.ts';

it('splits paragraphs on blank lines and joins wrapped lines', () => {
  assert.deepEqual(parseMarkdown('Risk of myopathy\nand rhabdomyolysis.\n\nUse pravastatin.'), [
    { t: 'p', children: [{ t: 'text', text: 'Risk of myopathy and rhabdomyolysis.' }] },
    { t: 'p', children: [{ t: 'text', text: 'Use pravastatin.' }] },
  ]);
});

it('reads bullet and numbered lists, with continuation lines, and headings as bold lines', () => {
  assert.deepEqual(parseMarkdown('### Options\n- stop the statin\n- switch to\n  pravastatin\n1. first\n2. second'), [
    { t: 'p', strong: true, children: [{ t: 'text', text: 'Options' }] },
    { t: 'list', ordered: false, items: [[{ t: 'text', text: 'stop the statin' }], [{ t: 'text', text: 'switch to pravastatin' }]] },
    { t: 'list', ordered: true, items: [[{ t: 'text', text: 'first' }], [{ t: 'text', text: 'second' }]] },
  ]);
});

it('reads bold, italics, code and links inside text', () => {
  assert.deepEqual(parseInline('**Avoid** the *combination*: see [the label](https://example.org/x) or `CYP3A4`'), [
    { t: 'strong', children: [{ t: 'text', text: 'Avoid' }] },
    { t: 'text', text: ' the ' },
    { t: 'em', children: [{ t: 'text', text: 'combination' }] },
    { t: 'text', text: ': see ' },
    { t: 'link', href: 'https://example.org/x', children: [{ t: 'text', text: 'the label' }] },
    { t: 'text', text: ' or ' },
    { t: 'code', text: 'CYP3A4' },
  ]);
  assert.deepEqual(parseInline('a **[bold link](/patients/p1/results)**'), [
    { t: 'text', text: 'a ' },
    { t: 'strong', children: [{ t: 'link', href: '/patients/p1/results', children: [{ t: 'text', text: 'bold link' }] }] },
  ]);
});

it('keeps raw HTML as text and drops the target of an unsafe link', () => {
  assert.deepEqual(parseMarkdown('<img src=x onerror=alert(1)> hi'), [{ t: 'p', children: [{ t: 'text', text: '<img src=x onerror=alert(1)> hi' }] }]);
  // The link ends at the first ')': the target is dropped, the rest of the text stays text.
  assert.deepEqual(parseInline('[click](javascript:alert(1))'), [{ t: 'text', text: 'click)' }]);
  assert.ok(!JSON.stringify(parseInline('[click](javascript:alert(1))')).includes('"link"'), 'a javascript: link is not a link');
  assert.deepEqual(parseInline('[x](//evil.example/a)'), [{ t: 'text', text: 'x' }]);
  assert.deepEqual(parseInline('[x](data:text/html;base64,AAAA)'), [{ t: 'text', text: 'x' }]);
});

it('follows http(s) links and paths in the app only', () => {
  assert.equal(safeHref('https://www.fda.gov/drugs'), 'https://www.fda.gov/drugs');
  assert.equal(safeHref('HTTP://example.org'), 'HTTP://example.org');
  assert.equal(safeHref('/patients/p1/results'), '/patients/p1/results');
  assert.equal(safeHref('//evil.example'), undefined);
  assert.equal(safeHref('javascript:alert(1)'), undefined);
  assert.equal(safeHref('JaVaScRiPt:alert(1)'), undefined);
  assert.equal(safeHref('smart://app'), undefined);
  assert.equal(safeHref('relative/path'), undefined);
});

it('does not read snake_case words as italics', () => {
  assert.deepEqual(parseInline('see rule onc_hp_03 now'), [{ t: 'text', text: 'see rule onc_hp_03 now' }]);
});

it('keeps links into this app (a path or a URL on its origin) in the app', () => {
  assert.equal(appPath('/patients/p1/results', undefined), '/patients/p1/results');
  assert.equal(appPath('https://ehr.example/patients/p1/results?focus=Observation%2Fo1', 'https://ehr.example'), '/patients/p1/results?focus=Observation%2Fo1');
  assert.equal(appPath('https://ehr.example/x', 'https://other.example'), undefined);
  assert.equal(appPath('https://ehr.example.evil.com/x', 'https://ehr.example'), undefined);
  assert.equal(appPath('https://ehr.example/x', undefined), undefined);
});
