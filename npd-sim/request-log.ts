import fs from 'node:fs';

/**
 * The NPD's own record of every call to its two services, for reconciliation with the system's lookup journal.
 * Kept in memory in time order for queries and appended, one JSON object a line, to a file reloaded at start.
 * Entries are held as their JSON text: compact under load, and a query only joins them.
 */

export type Service = 'tra-cuu' | 'tim-so-dinh-danh';

export interface LogEntry {
  ThoiGian: string;
  DichVu: Service;
  MaYeuCau: string | null;
  MaDVC: string | null;
  MaTichHop: string | null;
  MaDonVi: string | null;
  MaCanBo: string | null;
  SoDinhDanh: string | null;
  /** The KetQua of the answer, or the MaLoi of an error. */
  KetQua: string;
  MaTaiKhoan: string;
}

export class RequestLog {
  readonly #lines: string[] = [];
  readonly #times: number[] = [];
  readonly #stream: fs.WriteStream;

  /** Loads `file` (a torn last line, left by a crash, is skipped) and appends to it from then on. */
  constructor(file: string) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    const loaded: { line: string; time: number }[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        const time = Date.parse((JSON.parse(line) as LogEntry).ThoiGian);
        if (!Number.isNaN(time)) loaded.push({ line, time });
      } catch {
        // Only the last line of a crashed run can be incomplete; nothing follows it to recover.
      }
    }
    // The file is in completion order; queries want arrival order (a slow answer completes after quicker ones).
    loaded.sort((a, b) => a.time - b.time);
    for (const { line, time } of loaded) {
      this.#lines.push(line);
      this.#times.push(time);
    }
    this.#stream = fs.createWriteStream(file, { flags: 'a', mode: 0o600 });
    // Start on a fresh line if a crash cut the last one short.
    if (text !== '' && !text.endsWith('\n')) this.#stream.write('\n');
  }

  append(entry: LogEntry): void {
    const time = Date.parse(entry.ThoiGian);
    const line = JSON.stringify(entry);
    let at = this.#lines.length;
    while (at > 0 && this.#times[at - 1]! > time) at -= 1;
    if (at === this.#lines.length) {
      this.#lines.push(line);
      this.#times.push(time);
    } else {
      this.#lines.splice(at, 0, line);
      this.#times.splice(at, 0, time);
    }
    this.#stream.write(`${line}\n`);
  }

  /** The JSON array of the entries with from <= ThoiGian < to, in time order. */
  betweenJson(from: number, to: number): string {
    return `[${this.#lines.slice(this.#lowerBound(from), this.#lowerBound(to)).join(',')}]`;
  }

  #lowerBound(time: number): number {
    let low = 0;
    let high = this.#times.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#times[middle]! < time) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.#stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}
