import type { LogSink } from '../core/log.js';

/** A task's buffered output. Masking happens on write, so nothing unmasked is ever kept. */
export class TaskLog implements LogSink {
  private chunks: string[] = [];

  constructor(private readonly mask: (text: string) => string = (t) => t) {}

  write(text: string): void {
    this.chunks.push(this.mask(text));
  }

  text(): string {
    return this.chunks.join('');
  }

  /** The last `lines` lines, for error messages. */
  tail(lines = 20): string {
    return this.text().trimEnd().split('\n').slice(-lines).join('\n');
  }
}
