// Expectations: `<actor>.<metric> <op> <value>[unit]` and `verdict.<id> ==|!= <status>`.
// A small hand-written tokenizer and parser; every error names the column where it went wrong
// and what was expected there, and is found before any request is sent (the scenario's actors
// are known, so unknown actors and metrics are errors too).
import { closest } from '../scenario/problems.js';
import type { VerdictStatus } from '../types.js';
import { isVerdictId, VERDICT_IDS, type VerdictId } from '../verdicts/registry.js';
import { ERROR_RATE, metricNames, resolveMetric, unitsOf, whatIs, type Metric } from './metrics.js';

export type Op = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface MetricExpectation {
  type: 'metric';
  text: string;
  actor: string;
  metric: Metric;
  op: Op;
  /** In the metric's base unit: ms, requests per second, a fraction (0..1), or a count. */
  value: number;
}

export interface VerdictExpectation {
  type: 'verdict';
  text: string;
  id: VerdictId;
  op: '==' | '!=';
  status: VerdictStatus;
}

export type Expectation = MetricExpectation | VerdictExpectation;

export { VERDICT_IDS };
const STATUSES: VerdictStatus[] = ['clear', 'detected', 'inconclusive'];

/** What an expression may refer to: the scenario's actors, by name, with their kind. */
export interface ExpectContext {
  actors: { name: string; kind: string }[];
}

export class ExpectationError extends Error {
  constructor(
    readonly text: string,
    readonly reason: string,
    /** 0-based index into text where it went wrong. */
    readonly index: number,
  ) {
    super(`"${text}" — ${reason} (column ${index + 1})`);
    this.name = 'ExpectationError';
  }

  /** The message, then the expression again with a caret under the column. */
  explain(indent = '    '): string {
    return `${this.message}\n${indent}${this.text}\n${indent}${' '.repeat(this.index)}^`;
  }
}

type TokenType = 'name' | 'number' | 'op' | 'dot' | 'percent' | 'slash' | 'bad' | 'end';
interface Token {
  type: TokenType;
  text: string;
  at: number;
}

const LEXICON: [TokenType, RegExp][] = [
  ['number', /\d+(?:\.\d+)?/y],
  ['name', /[A-Za-z_][A-Za-z0-9_-]*/y],
  // Wrong operators are tokens too, so the error can say what to write instead.
  ['op', /<=|>=|==|!=|=>|=<|<>|<|>|=/y],
  ['dot', /\./y],
  ['percent', /%/y],
  ['slash', /\//y],
];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    let matched = false;
    for (const [type, re] of LEXICON) {
      re.lastIndex = i;
      const m = re.exec(text);
      if (m) {
        tokens.push({ type, text: m[0], at: i });
        i += m[0].length;
        matched = true;
        break;
      }
    }
    if (!matched) {
      tokens.push({ type: 'bad', text: text[i]!, at: i });
      i++;
    }
  }
  tokens.push({ type: 'end', text: '', at: text.length });
  return tokens;
}

const OPS: Op[] = ['<', '<=', '>', '>=', '==', '!='];
const OP_FIXES: Record<string, Op> = { '=': '==', '=>': '>=', '=<': '<=', '<>': '!=' };
const OPS_TEXT = OPS.join(', ');

/** Multipliers to the base unit, by dimension and unit. */
const UNITS: Record<Metric['dimension'], Record<string, number>> = {
  duration: { ms: 1, s: 1000 },
  rate: { rps: 1, '/s': 1, '': 1 },
  ratio: { '%': 0.01, '': 1 },
  count: { '': 1 },
};

class Parser {
  private i = 0;
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
    private readonly ctx: ExpectContext,
  ) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    return this.tokens[this.i++]!;
  }
  private fail(reason: string, at: number | Token): never {
    throw new ExpectationError(this.text, reason, typeof at === 'number' ? at : at.at);
  }
  private describe(t: Token): string {
    return t.type === 'end' ? 'the end' : `"${t.text}"`;
  }

  parse(): Expectation {
    const first = this.next();
    if (first.type === 'end') this.fail('empty expectation; write <actor>.<metric> <op> <value>, e.g. probe.p99 < 200ms', first);
    if (first.type !== 'name') this.fail(`expected an actor name or "verdict" at the start, got ${this.describe(first)}`, first);
    const dot = this.next();
    if (dot.type !== 'dot') this.fail(`expected "." and a metric after "${first.text}", e.g. ${first.text}.p99`, dot);
    const expectation = first.text === 'verdict' ? this.verdict() : this.metric(first);
    const rest = this.peek();
    if (rest.type !== 'end') this.fail(`unexpected ${this.describe(rest)} after the value; one comparison per expectation`, rest);
    return expectation;
  }

  private subject(): Token {
    const name = this.next();
    if (name.type !== 'name') this.fail(`expected a name after ".", got ${this.describe(name)}`, name);
    // Dotted metric paths: latencyMs.p99
    let text = name.text;
    while (this.peek().type === 'dot' && this.tokens[this.i + 1]?.type === 'name') {
      this.next();
      text += `.${this.next().text}`;
    }
    return { type: 'name', text, at: name.at };
  }

  private op(after: string): Op {
    const t = this.next();
    if (t.type === 'op') {
      const fix = OP_FIXES[t.text];
      if (fix) this.fail(`"${t.text}" is not a comparison; did you mean "${fix}"?`, t);
      return t.text as Op;
    }
    return this.fail(`expected a comparison (${OPS_TEXT}) after ${after}, got ${this.describe(t)}`, t);
  }

  private verdict(): VerdictExpectation {
    const id = this.subject();
    if (!isVerdictId(id.text)) {
      const guess = closest(id.text, [...VERDICT_IDS]);
      this.fail(`unknown verdict "${id.text}"${guess ? ` (did you mean "${guess}"?)` : ''}; the verdicts are: ${VERDICT_IDS.join(', ')}`, id);
    }
    const opToken = this.peek();
    const op = this.op(`verdict.${id.text}`);
    if (op !== '==' && op !== '!=') this.fail(`a verdict compares with == or != only (verdict.${id.text} == clear)`, opToken);
    const status = this.next();
    if (status.type !== 'name' || !STATUSES.includes(status.text as VerdictStatus)) {
      this.fail(`expected ${STATUSES.join(', ')} after "${op}", got ${this.describe(status)}`, status);
    }
    return { type: 'verdict', text: this.text, id: id.text as VerdictId, op, status: status.text as VerdictStatus };
  }

  private metric(actorToken: Token): MetricExpectation {
    const actor = this.ctx.actors.find((a) => a.name === actorToken.text);
    if (!actor) {
      const names = this.ctx.actors.map((a) => a.name);
      const guess = closest(actorToken.text, names);
      this.fail(
        `unknown actor "${actorToken.text}"${guess ? ` (did you mean "${guess}"?)` : ''}; the actors are: ${names.join(', ')} (or verdict.<id>)`,
        actorToken,
      );
    }
    const nameToken = this.subject();
    const metric = resolveMetric(nameToken.text, actor.kind);
    if (!metric) {
      const names = metricNames(actor.kind);
      const guess = closest(nameToken.text, names);
      this.fail(`unknown metric "${nameToken.text}"${guess ? ` (did you mean "${guess}"?)` : ''}; ${actor.name} (${actor.kind}) has: ${names.join(', ')}`, nameToken);
    }
    const subject = `${actor.name}.${metric.name}`;
    const op = this.op(subject);
    const num = this.next();
    if (num.type !== 'number') this.fail(`expected a number after "${op}", got ${this.describe(num)}`, num);
    const unitToken = this.unit();
    const units = UNITS[metric.dimension];
    const factor = units[unitToken.text];
    if (factor === undefined) {
      if (unitToken.text === '') this.fail(`expected a unit after ${num.text} (${unitsOf(metric.dimension)}): ${metric.name} is ${whatIs(metric.dimension)}`, unitToken);
      const hint = metric.name === 'failures' && unitToken.text === '%' ? `; for a share of requests write ${actor.name}.${ERROR_RATE} ${op} ${num.text}%` : '';
      const known = Object.values(UNITS).some((u) => unitToken.text in u);
      this.fail(
        `${known ? `"${unitToken.text}" is not a unit of` : `unknown unit "${unitToken.text}" for`} ${metric.name}, ${whatIs(metric.dimension)}; use ${unitsOf(metric.dimension)}${hint}`,
        unitToken,
      );
    }
    const value = Number(num.text) * factor;
    if (metric.dimension === 'ratio' && unitToken.text === '' && value > 1) {
      this.fail(`${metric.name} is a fraction from 0 to 1 without a unit; did you mean ${num.text}%?`, num);
    }
    return { type: 'metric', text: this.text, actor: actor.name, metric, op, value };
  }

  /** The unit right after a number: ms, s, rps, %, /s, or nothing (text ""). */
  private unit(): Token {
    const t = this.peek();
    if (t.type === 'percent' || t.type === 'name') {
      this.next();
      return t;
    }
    if (t.type === 'slash') {
      this.next();
      const s = this.next();
      if (s.type !== 'name' || s.text !== 's') this.fail('expected "/s" (per second)', t);
      return { type: 'name', text: '/s', at: t.at };
    }
    return { type: 'end', text: '', at: t.type === 'end' ? this.text.length : t.at };
  }
}

/** Parse one expectation against the scenario's actors; throws ExpectationError. */
export function parseExpectation(text: string, ctx: ExpectContext): Expectation {
  return new Parser(text, tokenize(text), ctx).parse();
}
