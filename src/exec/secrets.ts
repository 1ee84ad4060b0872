/**
 * Values that must never be shown: generated passwords, tokens. Everything that writes a log
 * line or an error message passes through `mask`.
 */
export class Secrets {
  private readonly values = new Set<string>();
  private readonly listeners: ((value: string) => void)[] = [];

  add(value: string): void {
    if (!value || value.length < 4 || this.values.has(value)) return;
    this.values.add(value);
    for (const l of this.listeners) l(value);
  }

  /** Every secret so far, in the order added. */
  list(): string[] {
    return [...this.values];
  }

  /** Called for every secret, past and future: the action uses it to register `::add-mask::`. */
  onAdd(listener: (value: string) => void): void {
    this.listeners.push(listener);
    for (const v of this.values) listener(v);
  }

  mask = (text: string): string => {
    let out = text;
    for (const v of this.values) out = out.split(v).join('***');
    return out;
  };
}
