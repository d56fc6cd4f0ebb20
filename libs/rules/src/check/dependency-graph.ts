import { forEachCondition, matchBadges } from '../language/filters';
import type { RuleSet, SourcePosition } from '../language/types';

/** A level or a badge, the two things the evaluator decides. */
export type NodeRef = { type: 'level'; id: string } | { type: 'badge'; id: string };

/** `from` can only be decided after `to`. */
type Edge = { from: string; to: string; pos: SourcePosition; why: string };

export type Cycle = { nodes: string[]; edges: Edge[] };

type Graph = Pick<RuleSet, 'levels' | 'badges'>;

const key = (n: NodeRef): string => `${n.type}:${n.id}`;

function edgesOf(rs: Graph): Map<string, Edge[]> {
  const out = new Map<string, Edge[]>();
  const add = (e: Edge): void => {
    const list = out.get(e.from) ?? [];
    list.push(e);
    out.set(e.from, list);
  };
  rs.levels.forEach((level, i) => {
    const from = key({ type: 'level', id: level.id });
    const previous = rs.levels[i - 1];
    if (previous)
      add({ from, to: key({ type: 'level', id: previous.id }), pos: level.pos, why: `level \`${level.id}\` comes after level \`${previous.id}\`` });
    forEachCondition(level.reachedWhen, (c) => {
      if (c.kind === 'holds-badge') add({ from, to: `badge:${c.badgeId}`, pos: c.pos, why: `level \`${level.id}\` requires badge \`${c.badgeId}\`` });
      if (c.kind === 'badges')
        for (const b of matchBadges(rs, c.filter))
          add({ from, to: `badge:${b.id}`, pos: c.pos, why: `level \`${level.id}\` counts badge \`${b.id}\`` });
    });
  });
  for (const badge of rs.badges) {
    const from = key({ type: 'badge', id: badge.id });
    add({
      from,
      to: `level:${badge.level}`,
      pos: badge.pos,
      why: `badge \`${badge.id}\` belongs to level \`${badge.level}\`, so it needs that level reached`,
    });
    forEachCondition(badge.criteria, (c) => {
      if (c.kind === 'holds-badge') add({ from, to: `badge:${c.badgeId}`, pos: c.pos, why: `badge \`${badge.id}\` requires badge \`${c.badgeId}\`` });
      if (c.kind === 'badges')
        for (const b of matchBadges(rs, c.filter, badge.id))
          add({ from, to: `badge:${b.id}`, pos: c.pos, why: `badge \`${badge.id}\` counts badge \`${b.id}\`` });
    });
  }
  return out;
}

function nodesOf(rs: Graph): string[] {
  return [...rs.levels.map((l) => `level:${l.id}`), ...rs.badges.map((b) => `badge:${b.id}`)];
}

/**
 * Requirement circles (a badge that, through other badges and levels, needs
 * itself). At most one circle is reported per group of entangled nodes.
 */
export function findCycles(rs: Graph): Cycle[] {
  const edges = edgesOf(rs);
  const state = new Map<string, 'open' | 'done'>();
  const stack: Edge[] = [];
  const path: string[] = [];
  const cycles: Cycle[] = [];
  const inCycle = new Set<string>();
  const known = new Set(nodesOf(rs));
  const visit = (node: string): void => {
    state.set(node, 'open');
    path.push(node);
    for (const e of edges.get(node) ?? []) {
      const s = state.get(e.to);
      if (s === 'open') {
        const start = path.indexOf(e.to);
        const nodes = path.slice(start);
        if (!nodes.some((n) => inCycle.has(n))) {
          nodes.forEach((n) => inCycle.add(n));
          cycles.push({ nodes, edges: [...stack.slice(start), e] });
        }
      } else if (s === undefined && known.has(e.to)) {
        stack.push(e);
        visit(e.to);
        stack.pop();
      }
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const n of nodesOf(rs)) if (!state.has(n)) visit(n);
  return cycles;
}

/**
 * Levels and badges ordered so that everything a node depends on comes
 * before it: evaluating once in this order reaches the fixpoint.
 */
export function dependencyOrder(rs: Graph): NodeRef[] {
  const edges = edgesOf(rs);
  const done = new Set<string>();
  const order: NodeRef[] = [];
  const known = new Set(nodesOf(rs));
  const visit = (node: string, depth: number): void => {
    if (done.has(node) || !known.has(node)) return;
    if (depth > known.size) throw new Error(`rule set has a requirement cycle through ${node}`);
    for (const e of edges.get(node) ?? []) visit(e.to, depth + 1);
    if (done.has(node)) return;
    done.add(node);
    const [type, ...rest] = node.split(':');
    order.push({ type: type === 'level' ? 'level' : 'badge', id: rest.join(':') });
  };
  for (const n of nodesOf(rs)) visit(n, 0);
  return order;
}
