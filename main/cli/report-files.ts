import path from 'node:path';
import { toHtml, toJson, toMarkdown, type ComparisonReport } from '../engine/evaluate/report';
import { makeOutputDir, writeFileAtomic } from '../files/write-file';

/** Writes report.json, report.md and report.html into `dir`; returns their paths. */
export function writeReportFiles(dir: string, r: ComparisonReport, inputs: string[]): string[] {
  makeOutputDir(dir);
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
