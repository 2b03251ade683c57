import {
  escapeAnnotationData,
  escapeAnnotationProperty,
  escapeHtml,
  escapeMarkdown,
  escapeXml,
} from '../../../src/report/escape';

describe('HTML escaping', () => {
  it('escapes the five characters that can open markup or close an attribute', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe(
      '&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;',
    );
  });
});

describe('XML escaping', () => {
  it('escapes markup and quotes', () => {
    expect(escapeXml(`<a b="c" d='e'>&</a>`)).toBe(
      '&lt;a b=&quot;c&quot; d=&apos;e&apos;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('replaces characters XML 1.0 cannot carry with a visible \\uXXXX', () => {
    expect(escapeXml('a\u0000b\u001bc\u000bd\uFFFFe')).toBe('a\\u0000b\\u001bc\\u000bd\\uffffe');
  });

  it('replaces lone surrogates but keeps valid pairs (emoji)', () => {
    expect(escapeXml('x\uD800y')).toBe('x\\ud800y');
    expect(escapeXml('x\uDC00y')).toBe('x\\udc00y');
    expect(escapeXml('ok 🎉')).toBe('ok 🎉');
  });

  it('keeps tab, newline and carriage return as character references, so attributes keep them', () => {
    expect(escapeXml('a\tb\nc\rd')).toBe('a&#9;b&#10;c&#13;d');
  });
});

describe('Markdown escaping for table cells', () => {
  it('keeps a cell one cell: no pipe, no newline', () => {
    expect(escapeMarkdown('a|b\nc')).toBe('a\\|b c');
  });

  it('turns would-be HTML, links and emphasis into text', () => {
    expect(escapeMarkdown('<script>[x](http://e) *b* _i_ `c`')).toBe(
      '&lt;script\\>\\[x\\](http://e) \\*b\\* \\_i\\_ \\`c\\`',
    );
  });
});

describe('workflow command escaping (actions/toolkit rules)', () => {
  it('escapes %, CR and LF in messages, so a message cannot start a new command', () => {
    expect(escapeAnnotationData('100%\n::set-output name=x::y\r')).toBe('100%25%0A::set-output name=x::y%0D');
  });

  it('also escapes : and , in properties', () => {
    expect(escapeAnnotationProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });
});
