/**
 * Case reports (as public TSS client code shows them): the JSON report of a case and one PDF
 * per report type, derived from the case's seed and its report edit count, so the same
 * seed gives the same reports and an edited case gives a changed report.
 *
 * Availability: reports exist for In Progress and Complete cases; a case whose
 * activationState is null or INACTIVE has none that can be fetched (see reportAccess).
 */
import { Rng, mixSeed } from './prng.js';
import { activationStateOf, type CaseCore, type TenantState } from './data.js';
import type { SimTestDefinition } from './types.js';

/** Variants as a reporting pipeline would name them: RefSeq transcripts, HGVS c. and p. notations, GRCh38 positions. */
interface CatalogueVariant {
  gene: string;
  chromosome: string;
  start: number;
  ref: string;
  alt: string;
  transcript: string;
  proteinId: string;
  hgvsc: string;
  hgvsp: string;
  exons: string;
  consequences: string[];
}

const SOMATIC: readonly CatalogueVariant[] = [
  { gene: 'EGFR', chromosome: 'chr7', start: 55191822, ref: 'T', alt: 'G', transcript: 'NM_005228.5', proteinId: 'NP_005219.2', hgvsc: 'c.2573T>G', hgvsp: 'p.(Leu858Arg)', exons: '21/28', consequences: ['missense_variant'] },
  { gene: 'EGFR', chromosome: 'chr7', start: 55174772, ref: 'GGAATTAAGAGAAGC', alt: 'G', transcript: 'NM_005228.5', proteinId: 'NP_005219.2', hgvsc: 'c.2235_2249del', hgvsp: 'p.(Glu746_Ala750del)', exons: '19/28', consequences: ['inframe_deletion'] },
  { gene: 'KRAS', chromosome: 'chr12', start: 25245350, ref: 'C', alt: 'A', transcript: 'NM_004985.5', proteinId: 'NP_004976.2', hgvsc: 'c.35G>T', hgvsp: 'p.(Gly12Val)', exons: '2/5', consequences: ['missense_variant'] },
  { gene: 'KRAS', chromosome: 'chr12', start: 25245351, ref: 'C', alt: 'T', transcript: 'NM_004985.5', proteinId: 'NP_004976.2', hgvsc: 'c.34G>A', hgvsp: 'p.(Gly12Ser)', exons: '2/5', consequences: ['missense_variant'] },
  { gene: 'PIK3CA', chromosome: 'chr3', start: 179234297, ref: 'A', alt: 'G', transcript: 'NM_006218.4', proteinId: 'NP_006209.2', hgvsc: 'c.3140A>G', hgvsp: 'p.(His1047Arg)', exons: '21/21', consequences: ['missense_variant'] },
  { gene: 'TP53', chromosome: 'chr17', start: 7675088, ref: 'C', alt: 'T', transcript: 'NM_000546.6', proteinId: 'NP_000537.3', hgvsc: 'c.524G>A', hgvsp: 'p.(Arg175His)', exons: '5/11', consequences: ['missense_variant'] },
  { gene: 'TP53', chromosome: 'chr17', start: 7673802, ref: 'G', alt: 'A', transcript: 'NM_000546.6', proteinId: 'NP_000537.3', hgvsc: 'c.818G>A', hgvsp: 'p.(Arg273His)', exons: '8/11', consequences: ['missense_variant'] },
  { gene: 'BRAF', chromosome: 'chr7', start: 140753336, ref: 'A', alt: 'T', transcript: 'NM_004333.6', proteinId: 'NP_004324.2', hgvsc: 'c.1799T>A', hgvsp: 'p.(Val600Glu)', exons: '15/18', consequences: ['missense_variant'] },
  { gene: 'IDH1', chromosome: 'chr2', start: 208248388, ref: 'C', alt: 'T', transcript: 'NM_005896.4', proteinId: 'NP_005887.2', hgvsc: 'c.395G>A', hgvsp: 'p.(Arg132His)', exons: '4/10', consequences: ['missense_variant'] },
  { gene: 'APC', chromosome: 'chr5', start: 112839514, ref: 'CAAAGA', alt: 'C', transcript: 'NM_000038.6', proteinId: 'NP_000029.2', hgvsc: 'c.3927_3931delAAAGA', hgvsp: 'p.(Glu1309AspfsTer4)', exons: '16/16', consequences: ['frameshift_variant'] },
  { gene: 'BRCA2', chromosome: 'chr13', start: 32340300, ref: 'GT', alt: 'G', transcript: 'NM_000059.4', proteinId: 'NP_000050.3', hgvsc: 'c.5946delT', hgvsp: 'p.(Ser1982ArgfsTer22)', exons: '11/27', consequences: ['frameshift_variant'] },
];

const GERMLINE: readonly CatalogueVariant[] = [
  { gene: 'BRCA1', chromosome: 'chr17', start: 43057062, ref: 'G', alt: 'GC', transcript: 'NM_007294.4', proteinId: 'NP_009225.1', hgvsc: 'c.5266dupC', hgvsp: 'p.(Gln1756ProfsTer74)', exons: '20/23', consequences: ['frameshift_variant'] },
  { gene: 'BRCA1', chromosome: 'chr17', start: 43124027, ref: 'ACT', alt: 'A', transcript: 'NM_007294.4', proteinId: 'NP_009225.1', hgvsc: 'c.68_69delAG', hgvsp: 'p.(Glu23ValfsTer17)', exons: '2/23', consequences: ['frameshift_variant'] },
  { gene: 'BRCA2', chromosome: 'chr13', start: 32340300, ref: 'GT', alt: 'G', transcript: 'NM_000059.4', proteinId: 'NP_000050.3', hgvsc: 'c.5946delT', hgvsp: 'p.(Ser1982ArgfsTer22)', exons: '11/27', consequences: ['frameshift_variant'] },
  { gene: 'MLH1', chromosome: 'chr3', start: 36996710, ref: 'C', alt: 'T', transcript: 'NM_000249.4', proteinId: 'NP_000240.1', hgvsc: 'c.350C>T', hgvsp: 'p.(Thr117Met)', exons: '4/19', consequences: ['missense_variant'] },
  { gene: 'CFTR', chromosome: 'chr7', start: 117559590, ref: 'ATCT', alt: 'A', transcript: 'NM_000492.4', proteinId: 'NP_000483.3', hgvsc: 'c.1521_1523delCTT', hgvsp: 'p.(Phe508del)', exons: '11/27', consequences: ['inframe_deletion'] },
  { gene: 'MYBPC3', chromosome: 'chr11', start: 47345135, ref: 'G', alt: 'A', transcript: 'NM_000256.3', proteinId: 'NP_000247.2', hgvsc: 'c.1504C>T', hgvsp: 'p.(Arg502Trp)', exons: '17/35', consequences: ['missense_variant'] },
  { gene: 'MECP2', chromosome: 'chrX', start: 154031326, ref: 'G', alt: 'A', transcript: 'NM_004992.4', proteinId: 'NP_004983.1', hgvsc: 'c.473C>T', hgvsp: 'p.(Thr158Met)', exons: '4/4', consequences: ['missense_variant'] },
  { gene: 'SCN1A', chromosome: 'chr2', start: 165991544, ref: 'G', alt: 'A', transcript: 'NM_001165963.4', proteinId: 'NP_001159435.1', hgvsc: 'c.2836C>T', hgvsp: 'p.(Arg946Cys)', exons: '15/27', consequences: ['missense_variant'] },
  { gene: 'TP53', chromosome: 'chr17', start: 7674220, ref: 'C', alt: 'T', transcript: 'NM_000546.6', proteinId: 'NP_000537.3', hgvsc: 'c.743G>A', hgvsp: 'p.(Arg248Gln)', exons: '7/11', consequences: ['missense_variant'] },
  { gene: 'CYP2C19', chromosome: 'chr10', start: 94781859, ref: 'G', alt: 'A', transcript: 'NM_000769.4', proteinId: 'NP_000760.1', hgvsc: 'c.681G>A', hgvsp: 'p.(Pro227=)', exons: '5/9', consequences: ['splice_region_variant', 'synonymous_variant'] },
];

/** Report statuses follow the case's. */
const REPORT_STATUS: Record<string, { status: string; subState: string }> = {
  Complete: { status: 'COMPLETE', subState: 'SIGNED_OFF' },
  'In Progress': { status: 'IN_PROGRESS', subState: 'DRAFT' },
};

export type ReportAccess = { ok: true } | { ok: false; status: 403 | 404; code: string; message: string };

/** Whether a case's reports can be fetched; the same answer for the JSON and every PDF. */
export function reportAccess(c: CaseCore): ReportAccess {
  const activation = activationStateOf(c);
  if (activation === null || activation === 'INACTIVE') {
    return { ok: false, status: 403, code: 'CASE_INACTIVE', message: `Case ${c.id} is not active; its reports cannot be fetched.` };
  }
  if (!REPORT_STATUS[c.status]) return { ok: false, status: 404, code: 'REPORT_NOT_FOUND', message: `Case ${c.id} has no report yet.` };
  return { ok: true };
}

function testOf(t: TenantState, c: CaseCore): SimTestDefinition {
  const test = t.testDefinitions[c.testIdx] ?? t.testDefinitions[0];
  if (!test) throw new Error('tenant has no test definitions');
  return test;
}

function editStatusOf(c: CaseCore, rng: Rng): string | null {
  if (c.reportEdits > 0) return c.reportEdits % 2 === 1 ? 'Amended' : 'Corrected';
  return rng.weighted<string | null>([[null, 85], ['Amended', 10], ['Corrected', 5]]);
}

/** The report as the platform puts it inside `jsonContent`. */
export function caseReport(t: TenantState, c: CaseCore): Record<string, unknown> {
  const test = testOf(t, c);
  const rng = new Rng(mixSeed(c.seed, 0x4e90 + c.reportEdits));
  const catalogue = test.type === 'ONCOLOGY' ? SOMATIC : GERMLINE;
  const status = REPORT_STATUS[c.status] ?? { status: 'IN_PROGRESS', subState: 'DRAFT' };
  const editStatus = editStatusOf(c, rng);
  const reportTypes = test.reports.map((r, k) => {
    const count = k === 0 ? rng.weighted([[0, 15], [1, 40], [2, 30], [3, 15]]) : rng.weighted([[0, 60], [1, 40]]);
    const picked = new Set<CatalogueVariant>();
    for (let i = 0; i < count; i++) picked.add(rng.pick(catalogue));
    return {
      id: new Rng(mixSeed(c.seed, 0x7e00 + k)).uuid(),
      reportType: r.name,
      reportTypeId: r.id,
      reportDetails: {
        reportId: new Rng(mixSeed(c.seed, 0x7f00 + k)).uuid(),
        status: status.status,
        subState: status.subState,
        name: r.name,
        editStatus,
        variants: [...picked].map((v) => ({
          gene: v.gene,
          chromosome: v.chromosome,
          start: v.start,
          stop: v.start + Math.max(v.ref.length, v.alt.length) - 1,
          refAllele: v.ref,
          altAllele: v.alt,
          transcript: { name: v.transcript, hgvsc: v.hgvsc, hgvsp: v.hgvsp, exons: v.exons, proteinId: v.proteinId, consequences: [...v.consequences] },
        })),
      },
    };
  });
  return {
    caseId: c.id,
    caseDisplayId: c.displayId,
    reportTypes,
    truSightSoftwareSuiteVersion: '2.6.1',
    dragenVersion: test.type === 'ONCOLOGY' ? '4.2.4' : '4.3.6',
    dataSourceVersions: [
      { name: 'ClinVar', version: '2024-05-01' },
      { name: 'gnomAD', version: '4.1' },
      { name: 'RefSeq', version: '110' },
    ],
  };
}

/** PDF string literal: backslash and parentheses escaped, non-ASCII replaced (the standard 14 fonts speak Latin-1 at best). */
function pdfText(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?').replace(/([\\()])/g, '\\$1');
}

/**
 * A small valid PDF 1.4: one page naming the case and the report type, Helvetica, an
 * exact xref table. Built by hand so the simulator needs no PDF library.
 */
export function reportPdf(t: TenantState, c: CaseCore, reportTypeId: string): Buffer | undefined {
  const report = caseReport(t, c) as { reportTypes: Array<{ reportTypeId: string; reportType: string; reportDetails: { status: string; editStatus: string | null; variants: Array<{ gene: string; transcript: { hgvsc: string; hgvsp: string } }> } }> };
  const rt = report.reportTypes.find((r) => r.reportTypeId === reportTypeId);
  if (!rt) return undefined;
  const lines = [
    `TruSight Software Suite - ${rt.reportType}`,
    `Case ${c.displayId}`,
    `Status ${rt.reportDetails.status}${rt.reportDetails.editStatus ? ` (${rt.reportDetails.editStatus})` : ''}`,
    ...rt.reportDetails.variants.map((v) => `${v.gene} ${v.transcript.hgvsc} ${v.transcript.hgvsp}`),
  ];
  const content = ['BT', '/F1 12 Tf', '72 720 Td', '16 TL', ...lines.map((l) => `(${pdfText(l)}) '`), 'ET'].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ];
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
