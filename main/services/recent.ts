import path from 'node:path';
import type { RecentModel } from '../contract/types';
import { readFileText } from '../files/read-file';
import { makeOutputDir, writeFileAtomic } from '../files/write-file';

const MAX_RECENT = 10;

/** Recently opened model paths, most recent first; persisted as JSON when given a file. */
export class RecentModels {
  private items: RecentModel[] = [];

  constructor(private readonly file: string | null) {
    if (!file) return;
    try {
      const data = JSON.parse(readFileText(file, 'smallText'));
      if (Array.isArray(data))
        this.items = data.filter((x) => typeof x?.path === 'string').slice(0, MAX_RECENT);
    } catch {
      // Missing or unreadable: start empty (a corrupt settings file must not stop the app).
    }
  }

  list(): RecentModel[] {
    return this.items.map((x) => ({ ...x }));
  }

  add(p: string): void {
    const abs = path.resolve(p);
    this.items = [
      { path: abs, name: path.basename(abs), openedAt: new Date().toISOString() },
      ...this.items.filter((x) => x.path !== abs),
    ].slice(0, MAX_RECENT);
    if (this.file) {
      try {
        makeOutputDir(path.dirname(this.file));
        writeFileAtomic(this.file, JSON.stringify(this.items, null, 2));
      } catch {
        // Not being able to remember recents is not worth failing an open over.
      }
    }
  }
}
