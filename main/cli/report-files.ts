import fs from 'node:fs';
import path from 'node:path';
import { toHtml, toJson, toMarkdown, type ComparisonReport } from '../engine/evaluate/report';
import { writeFileAtomic } from '../files/read-write';

/** Writes report.json, report.md and report.html into `dir`; returns their paths. */
export function writeReportFiles(dir: string, r: ComparisonReport, inputs: string[]): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['report.json', toJson(r)],
    ['report.md', toMarkdown(r)],
    ['report.html', toHtml(r)],
  ];
  return files.map(([name, text]) => {
    const p = path.join(dir, name);
    writeFileAtomic(p, text, inputs);
    return p;
  });
}
