import { readFileSync } from 'node:fs';
import { loadRuleSet, fold, initialState, evaluate } from '@laurel/rules';
import { generateEvents, ROLE_LIST } from './bench/_events';
const r = loadRuleSet(readFileSync('rules/vilnius-tech.yaml', 'utf8'), 'x');
if (!r.ok) throw new Error();
const rs = r.ruleSet;
const N = 200000;
const ev = generateEvents(rs, { events: N, students: 5000 });
const mk = (i: number) => ev.kind[i] === 1 ? { type: 'participation-voided' as const, participationId: `p${ev.target[i]}` } : { type: 'participation-recorded' as const, eventId: `e${i}`, participationId: `p${i}`, activityId: ev.activityIds[ev.activity[i]!]!, occurredAt: new Date(ev.at[i]!).toISOString(), role: ROLE_LIST[ev.role[i]!]!, hours: ev.hours[i]! };
let t = process.hrtime.bigint();
for (let i = 0; i < N; i++) mk(i);
console.log('make facts', Number(process.hrtime.bigint() - t) / N, 'ns/event');
const states = Array.from({ length: 5000 }, (_, s) => initialState(`s${s}`));
t = process.hrtime.bigint();
for (let i = 0; i < N; i++) fold(rs, states[ev.student[i]!]!, mk(i));
console.log('make+fold', Number(process.hrtime.bigint() - t) / N, 'ns/event');
// evaluate only, on final states, no feedback
t = process.hrtime.bigint();
let outs = 0;
for (let i = 0; i < N; i++) { const res = evaluate(rs, states[ev.student[i]!]!, new Date(ev.at[i]!)); outs += res.outcomes.length; }
console.log('evaluate on full states (no feedback)', Number(process.hrtime.bigint() - t) / N, 'ns/event', outs);
