import { parseVariantLabel } from '../../../src/report/variantLabel';

describe('reading model and temperature from variant labels', () => {
  it.each([
    ['gpt-4o · T=0.2', { series: 'gpt-4o', temperature: 0.2 }],
    ['gpt-4o · T=1', { series: 'gpt-4o', temperature: 1 }],
    ['gpt-4o · T=1 · topP=0.9', { series: 'gpt-4o · topP=0.9', temperature: 1 }],
    ['file model · T=0.7', { series: 'file model', temperature: 0.7 }],
  ])('%s', (label, parsed) => {
    expect(parseVariantLabel(label)).toEqual(parsed);
  });

  it.each(['reference', 'openai:chat:gpt-4o', 'T=0.2', 'gpt-4o · T=hot', 'gpt-4o T=0.2'])(
    '%s has no temperature',
    (label) => {
      expect(parseVariantLabel(label)).toBeUndefined();
    },
  );
});
