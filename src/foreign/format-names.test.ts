// The light list of convert formats the CLI's help uses is exactly the converter table's.
import { describe, expect, it } from 'vitest';
import { FORMATS } from './convert-table.js';
import { FORMAT_NAMES } from './format-names.js';

describe('format-names', () => {
  it('lists every convert format, in the table order', () => {
    expect(FORMATS.map((f) => f.name)).toEqual([...FORMAT_NAMES]);
  });
});
