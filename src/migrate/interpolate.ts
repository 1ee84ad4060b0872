/**
 * goose's `-- +goose ENVSUB ON` substitution, with the rules of the library goose v3.27.3 uses
 * (github.com/mfridman/interpolate v0.0.2, parser.go and interpolate.go):
 * - `$VAR` and `${VAR}`: the value, or "" when unset; an identifier starts with a letter, then
 *   letters, digits and `_`;
 * - `${VAR:-default}`: the default when unset or empty; `${VAR-default}`: only when unset;
 * - `${VAR?message}`: an error `$VAR: message` (default "not set") when unset;
 * - `${VAR:offset[:length]}`: a substring;
 * - `$$` and `\$` are a literal `$`, `\\` stays `\\`, `$(` is kept, a `$` that ends the line is kept;
 * - any other `$` followed by a non-letter is an error.
 */

type Env = Record<string, string | undefined>;

export class InterpolationError extends Error {
  override name = 'InterpolationError';
}

class Parser {
  private pos = 0;
  constructor(
    private readonly input: string,
    private readonly env: Env,
  ) {}

  expression(stop = ''): string {
    let out = '';
    while (this.pos < this.input.length && !stop.includes(this.input[this.pos])) {
      const rest = this.input.slice(this.pos);
      if (rest.startsWith('\\\\')) {
        out += '\\\\';
        this.pos += 2;
      } else if (rest.startsWith('\\$') || rest.startsWith('$$')) {
        out += '$';
        this.pos += 2;
      } else if (rest.startsWith('$(')) {
        out += '$(';
        this.pos += 2;
      } else if (rest[0] === '$' && this.pos < this.input.length - 1) {
        out += this.expansion();
      } else {
        // one character, then everything up to the next `$`, `\` or stop character
        let end = this.pos + 1;
        while (end < this.input.length && !'$\\'.includes(this.input[end]) && !stop.includes(this.input[end])) end++;
        out += this.input.slice(this.pos, end);
        this.pos = end;
      }
    }
    return out;
  }

  private expansion(): string {
    this.pos++; // $
    if (this.input[this.pos] !== '{') return this.value(this.identifier());
    this.pos++; // {
    const name = this.identifier();
    const op = this.input[this.pos++];
    if (op === '}') return this.value(name);
    let result: string;
    if (op === ':' && this.input[this.pos] === '-') {
      this.pos++;
      const fallback = this.expression('}');
      const v = this.env[name];
      result = v === undefined || v === '' ? fallback : v;
    } else if (op === '-') {
      const fallback = this.expression('}');
      result = this.env[name] ?? fallback;
    } else if (op === '?') {
      const message = this.expression('}');
      const v = this.env[name];
      if (v === undefined) throw new InterpolationError(`$${name}: ${message || 'not set'}`);
      result = v;
    } else if (op === ':') {
      result = this.substring(name);
    } else {
      throw new InterpolationError(`Expected an operator, got ${op ?? 'the end'}`);
    }
    if (this.input[this.pos++] !== '}') throw new InterpolationError(`Expected brace expansion to end with }, got ${this.input[this.pos - 1] ?? 'the end'}`);
    return result;
  }

  private substring(name: string): string {
    const until = (chars: string): string => {
      const start = this.pos;
      while (this.pos < this.input.length && !chars.includes(this.input[this.pos])) this.pos++;
      return this.input.slice(start, this.pos);
    };
    const offset = Number.parseInt(until(':}').trim(), 10);
    if (Number.isNaN(offset)) throw new InterpolationError('Unable to parse offset');
    const value = this.env[name] ?? '';
    const from = Math.min(Math.max(offset < 0 ? offset + value.length : offset, 0), value.length);
    if (this.input[this.pos] === '}') return value.slice(from);
    this.pos++; // :
    const length = Number.parseInt(until('}').trim(), 10);
    if (Number.isNaN(length)) throw new InterpolationError('Unable to parse length');
    const to = Math.min(length >= 0 ? from + length : Math.max(length + value.length, from), value.length);
    return value.slice(from, to);
  }

  private identifier(): string {
    const first = this.input[this.pos];
    if (first === undefined || !/\p{L}/u.test(first)) throw new InterpolationError(`Expected identifier to start with a letter, got ${first ?? 'the end'}`);
    const start = this.pos;
    while (this.pos < this.input.length && /[\p{L}\p{N}_]/u.test(this.input[this.pos])) this.pos++;
    return this.input.slice(start, this.pos);
  }

  private value(name: string): string {
    return this.env[name] ?? '';
  }
}

export function interpolate(line: string, env: Env): string {
  return new Parser(line, env).expression();
}
