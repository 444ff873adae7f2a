/**
 * The case report in the detail panel: report types with status and edit status, the
 * variant table (virtualised when long), "Save PDF…"/"Open" only after the person
 * confirms, a case without a report, the search's match hint in the case list, and the
 * syncReports setting.
 */
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src-renderer/App.js';
import { openProfile, useApp } from '../../src-renderer/stores/app.js';
import type { CaseReport, ReportVariant } from '../../src-shared/schemas.js';
import { profile } from './fake-bridge.js';
import { installBridge, useFreshState } from './setup.js';

useFreshState();

function variants(n: number): ReportVariant[] {
  return Array.from({ length: n }, (_, i) => ({
    gene: i === 0 ? 'BRCA1' : `GENE${i}`,
    chromosome: 'chr17',
    start: 43057062 + i,
    hgvsc: i === 0 ? 'c.5266dupC' : `c.${100 + i}A>G`,
    hgvsp: i === 0 ? 'p.(Gln1756ProfsTer74)' : `p.(Lys${i}Arg)`,
    consequences: ['frameshift_variant'],
  }));
}

function reportFor(caseId: string, displayId: string, n: number): CaseReport {
  return {
    caseId,
    displayId,
    available: true,
    reportTypes: [
      { reportType: 'Hereditary Risk Report', reportTypeId: 'type-1', status: 'COMPLETE', subState: 'SIGNED_OFF', editStatus: 'Amended', variants: variants(n), pdfCached: true },
      { reportType: 'Secondary Findings', reportTypeId: 'type-2', status: 'COMPLETE', variants: [], pdfCached: false },
    ],
    versions: { truSightSoftwareSuite: '2.6.1', dragen: '4.3.6' },
    fetchedAt: '2025-01-02T03:04:05Z',
    raw: {},
  };
}

async function openCase(bridge: ReturnType<typeof installBridge>, index: number) {
  const user = userEvent.setup();
  render(<App />);
  await screen.findByRole('navigation', { name: 'Profiles' });
  act(() => openProfile('lab', 'cases'));
  await screen.findByText('1,000 cases');
  const grid = screen.getByRole('grid', { name: 'Cases' });
  await user.type(screen.getByRole('searchbox', { name: 'Search cases' }), bridge.cases[index]!.displayId);
  await user.click(await within(grid).findByText(bridge.cases[index]!.displayId));
  const detail = await screen.findByRole('complementary', { name: 'Case details' });
  return { user, detail };
}

describe('case report panel', () => {
  // happy-dom has no layout: give the grids' scroll areas a size, as the case list test does.
  const proto = HTMLElement.prototype;
  const original = { h: Object.getOwnPropertyDescriptor(proto, 'clientHeight'), w: Object.getOwnPropertyDescriptor(proto, 'clientWidth') };
  beforeAll(() => {
    Object.defineProperty(proto, 'clientHeight', { configurable: true, get(this: HTMLElement) { return this.classList?.contains('grid-scroll') ? 600 : 0; } });
    Object.defineProperty(proto, 'clientWidth', { configurable: true, get(this: HTMLElement) { return this.classList?.contains('grid-scroll') ? 1000 : 0; } });
  });
  afterAll(() => {
    if (original.h) Object.defineProperty(proto, 'clientHeight', original.h);
    if (original.w) Object.defineProperty(proto, 'clientWidth', original.w);
  });
  it('shows report types, status, edit status and the variants; Save PDF asks first and then exports', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('lab')];
    bridge.reports.set('id-3', reportFor('id-3', 'CASE-000004', 3));
    const { user, detail } = await openCase(bridge, 3);
    const report = await within(detail).findByRole('region', { name: 'Hereditary Risk Report' });
    expect(within(report).getByText('Amended')).toBeTruthy();
    const table = within(report).getByRole('table', { name: 'Reported variants, Hereditary Risk Report' });
    expect(within(table).getAllByRole('row')).toHaveLength(4);
    expect(within(table).getByText('c.5266dupC')).toBeTruthy();
    expect(within(detail).getByRole('region', { name: 'Secondary Findings' }).textContent).toContain('No reported variants.');
    expect(within(detail).getByText(/TSS 2\.6\.1 · DRAGEN 4\.3\.6/)).toBeTruthy();

    await user.click(within(report).getByRole('button', { name: 'Save PDF…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Save the report PDF?' });
    expect(dialog.textContent).toMatch(/patient data/);
    expect(bridge.callsTo('exportReportPdf')).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(bridge.callsTo('exportReportPdf')).toHaveLength(0);

    await user.click(within(report).getByRole('button', { name: 'Open' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Open the report PDF?' })).getByRole('button', { name: 'Open PDF' }));
    await waitFor(() => expect(bridge.exported).toEqual([{ id: 'id-3', reportTypeId: 'type-1', open: true }]));
  });

  it('virtualises a long variant list', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('lab')];
    bridge.reports.set('id-5', reportFor('id-5', 'CASE-000006', 500));
    const { detail } = await openCase(bridge, 5);
    const grid = await within(detail).findByRole('grid', { name: 'Reported variants, Hereditary Risk Report' });
    const rows = within(grid).getAllByRole('row');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(80);
  });

  it('says why a case has no report', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('lab')];
    const { detail } = await openCase(bridge, 7);
    expect(await within(detail).findByText('There is no report for this case yet.')).toBeTruthy();
    expect(within(detail).queryByRole('button', { name: 'Save PDF…' })).toBeNull();
  });

  it('shows what a search matched in a report in the case list', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('lab')];
    bridge.cases[2] = { ...bridge.cases[2]!, match: 'BRCA1 c.5266dupC' };
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => openProfile('lab', 'cases'));
    await screen.findByText('1,000 cases');
    await userEvent.setup().type(screen.getByRole('searchbox', { name: 'Search cases' }), bridge.cases[2]!.displayId);
    const grid = screen.getByRole('grid', { name: 'Cases' });
    expect(await within(grid).findByText('BRCA1 c.5266dupC')).toBeTruthy();
  });

  it('saves the syncReports setting', async () => {
    const bridge = installBridge();
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Profiles' });
    act(() => useApp.setState({ view: { kind: 'settings' } }));
    await user.selectOptions(await screen.findByLabelText('Case reports kept offline'), 'Reports and PDFs');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(bridge.settings.syncReports).toBe('json+pdf'));
  });
});
