/** The initialisms a test name implies, as labs use them (TSO, WGS), and which terms stand for them. */
import { describe, expect, it } from 'vitest';
import { initialismOf, isInitialismOf } from '../../src-core/cache/initialisms.js';

describe('initialisms of test names', () => {
  it('takes word initials and camel-case humps, not digits', () => {
    expect(initialismOf('TruSight Oncology 500')).toBe('tso');
    expect(initialismOf('TruSight Oncology 500 ctDNA')).toBe('tsocd');
    expect(initialismOf('TruSight Oncology Comprehensive')).toBe('tsoc');
    expect(initialismOf('Whole Genome Sequencing')).toBe('wgs');
    expect(initialismOf('Rare Disease Trio WGS')).toBe('rdtw');
    expect(initialismOf('Hereditary-Cancer Panel')).toBe('hcp');
  });

  it('a term of two or more letters that starts the initialism stands for the name; case is ignored', () => {
    expect(isInitialismOf('TSO', 'TruSight Oncology 500')).toBe(true);
    expect(isInitialismOf('tso', 'TruSight Oncology Comprehensive')).toBe(true);
    expect(isInitialismOf('WGS', 'Whole Genome Sequencing')).toBe(true);
    expect(isInitialismOf('TSOC', 'TruSight Oncology 500')).toBe(false);
    expect(isInitialismOf('T', 'TruSight Oncology 500')).toBe(false);
    expect(isInitialismOf('500', 'TruSight Oncology 500')).toBe(false);
    expect(isInitialismOf('TS-O', 'TruSight Oncology 500')).toBe(false);
    expect(isInitialismOf('pa', 'Panel')).toBe(false);
  });
});
