/**
 * Prompt-file templating is literal: `{{name}}` and `{{ name }}` are replaced from the row in one pass, and
 * nothing else is syntax. What the user wrote reaches the model byte for byte.
 */
import { placeholders, renderTemplate } from '../../../src/format/template';

describe('placeholders are replaced from the row', () => {
  it('replaces {{name}}', () => {
    expect(renderTemplate('Hello {{name}}!', { name: 'Ada' })).toBe('Hello Ada!');
  });

  it('replaces {{ name }} with spaces or tabs inside the braces', () => {
    expect(renderTemplate('{{ name }}/{{\tname\t}}/{{name }}', { name: 'Ada' })).toBe('Ada/Ada/Ada');
  });

  it('replaces every occurrence, and each name independently', () => {
    expect(renderTemplate('{{a}}{{b}}{{a}}', { a: '1', b: '2' })).toBe('121');
  });

  it('replaces with the empty string when the row gives an empty value', () => {
    expect(renderTemplate('[{{x}}]', { x: '' })).toBe('[]');
  });
});

describe('templating is one pass: a value is never scanned again', () => {
  it('keeps a value containing {{other}} as written, even when the row has other', () => {
    expect(renderTemplate('{{a}} and {{b}}', { a: '{{b}}', b: 'B' })).toBe('{{b}} and B');
  });

  it('keeps a value that names itself, without recursing', () => {
    expect(renderTemplate('{{a}}', { a: '{{a}}{{a}}' })).toBe('{{a}}{{a}}');
  });

  it.each([
    ['a Nunjucks variable with a dot', '{{ env.HOME }}'],
    ['a Nunjucks tag', '{% if secret %}yes{% endif %}'],
    ['a Nunjucks comment opener', '{# note'],
    ['an endraw tag that would close a raw block', '{% endraw %}'],
    ['JavaScript replacement patterns', "$& $1 $$ $` $'"],
    ['a file reference promptfoo would load', 'file://etc/passwd'],
    ['line breaks and trailing spaces', 'one\r\ntwo  \n\n'],
  ])('keeps %s in a value byte for byte', (_what, value) => {
    expect(renderTemplate('<{{v}}>', { v: value })).toBe(`<${value}>`);
  });
});

describe('anything that is not a known placeholder is left as written', () => {
  it('leaves a placeholder the row does not give', () => {
    expect(renderTemplate('{{known}} {{unknown}}', { known: 'k' })).toBe('k {{unknown}}');
  });

  it.each([
    ['{{ env.HOME }}'],
    ['{% if x %}yes{% endif %}'],
    ['{#x#}'],
    ['{% raw %}{{ 1 + 1 }}{% endraw %}'],
    ['{{}}'],
    ['{{ 9lives }}'],
    ['{ {x} }'],
  ])('leaves %s in a message untouched', (text) => {
    expect(renderTemplate(text, { x: 'X', env: 'E', HOME: 'H', lives: 'L' })).toBe(text);
  });

  it('does not treat names from Object.prototype as row values', () => {
    expect(renderTemplate('{{constructor}} {{toString}}', {})).toBe('{{constructor}} {{toString}}');
  });
});

describe('placeholders() lists the names a text uses', () => {
  it('lists each name once, in order of first use, with or without spaces', () => {
    expect(placeholders('{{ b }} {{a}} {{b}} {{ env.HOME }} {% x %}')).toEqual(['b', 'a']);
  });

  it('accepts letters, digits, _ and - after a first letter or _', () => {
    expect(placeholders('{{system_domain}} {{my-var}} {{_x1}} {{1x}}')).toEqual([
      'system_domain',
      'my-var',
      '_x1',
    ]);
  });
});
