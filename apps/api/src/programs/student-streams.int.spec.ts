import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreError, SqliteEventStore, type ReadStreamOptions, type RecordedEvent } from '@laurel/event-store';
import { studentStreams, type StudentStream } from './student-streams';

const event = (n: number) => ({ id: randomUUID(), type: 'SomethingHappened', data: { n } });

async function collect(streams: AsyncIterable<StudentStream>): Promise<{ studentId: string; ids: string[] }[]> {
  const out: { studentId: string; ids: string[] }[] = [];
  for await (const s of streams) out.push({ studentId: s.studentId, ids: s.events.map((e) => e.id) });
  return out;
}

/** What one read of the whole log gives, grouped by student in the order they first appear. */
function grouped(log: RecordedEvent[]): { studentId: string; ids: string[] }[] {
  const byStudent = new Map<string, string[]>();
  for (const e of log.filter((x) => x.stream.startsWith('student-'))) {
    const studentId = e.stream.slice('student-'.length);
    byStudent.set(studentId, [...(byStudent.get(studentId) ?? []), e.id]);
  }
  return [...byStudent].map(([studentId, ids]) => ({ studentId, ids }));
}

describe('studentStreams', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'laurel-student-streams-'));
    store = SqliteEventStore.open(join(dir, 'events.sqlite'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe("when students' events are interleaved across many pages of the log", () => {
    it('yields each student once, with every event of their stream in order', async () => {
      // 40 students with 1 to 9 events each, appended one event at a time round robin, with a program stream
      // in between: most students' events are spread over several pages of 7.
      const students = Array.from({ length: 40 }, (_, s) => ({ stream: `student-s${s}`, count: 1 + ((s * 7) % 9) }));
      for (let round = 0; round < 9; round++) {
        for (const s of students) if (round < s.count) await store.append(s.stream, [event(round)]);
        await store.append('program-p', [event(round)]);
      }
      const expected = grouped(await store.readAll());
      expect(expected.map((s) => s.ids.length)).toEqual(students.map((s) => s.count));

      expect(await collect(studentStreams(store, { pageSize: 7, readAhead: 3 }))).toEqual(expected);
      expect(await collect(studentStreams(store, { pageSize: 1, readAhead: 1 }))).toEqual(expected);
      expect(await collect(studentStreams(store, { pageSize: 1000, readAhead: 100 }))).toEqual(expected);
    });
  });

  describe('when events are appended while the streams are read', () => {
    it('leaves them out: the streams are those of the log as it was listed', async () => {
      for (const s of ['a', 'b', 'c']) await store.append(`student-${s}`, [event(0), event(1)]);
      const expected = grouped(await store.readAll());
      const seen: { studentId: string; ids: string[] }[] = [];
      for await (const s of studentStreams(store, { pageSize: 2, readAhead: 1 })) {
        if (seen.length === 0) {
          await store.append('student-c', [event(2)]);
          await store.append('student-d', [event(0)]);
        }
        seen.push({ studentId: s.studentId, ids: s.events.map((e) => e.id) });
      }
      expect(seen).toEqual(expected);
    });
  });

  describe('when EventStoreDB truncated a stream before its first events since it was listed', () => {
    it('gives the rest of it up to the revision listed, not events appended after', async () => {
      for (const s of ['a', 'b', 'c']) await store.append(`student-${s}`, [event(0), event(1), event(2)]);
      const expected = grouped(await store.readAll()).map((s) => (s.studentId === 'c' ? { ...s, ids: s.ids.slice(1) } : s));
      // A truncated stream reads from its first revision kept, here 1: maxCount events from there reach past the listing.
      const truncated = new Proxy(store, {
        get: (target, key) =>
          key === 'readStream'
            ? (stream: string, options: ReadStreamOptions) =>
                target.readStream(stream, stream === 'student-c' ? { ...options, fromRevision: 1n } : options)
            : (Reflect.get(target, key, target) as unknown),
      });
      const seen: { studentId: string; ids: string[] }[] = [];
      for await (const s of studentStreams(truncated, { readAhead: 1 })) {
        if (seen.length === 0) await store.append('student-c', [event(3), event(4)]);
        seen.push({ studentId: s.studentId, ids: s.events.map((e) => e.id) });
      }
      expect(seen).toEqual(expected);
    });
  });

  describe('when EventStoreDB deleted a stream since it was listed', () => {
    it('gives that student no events and the others theirs', async () => {
      for (const s of ['a', 'b', 'c']) await store.append(`student-${s}`, [event(0)]);
      const expected = grouped(await store.readAll()).map((s) => (s.studentId === 'b' ? { ...s, ids: [] } : s));
      const deleted = new Proxy(store, {
        get: (target, key) =>
          key === 'readStream'
            ? (stream: string) =>
                stream === 'student-b'
                  ? Promise.reject(new EventStoreError('STREAM_NOT_FOUND', 'stream student-b was deleted'))
                  : target.readStream(stream)
            : (Reflect.get(target, key, target) as unknown),
      });
      expect(await collect(studentStreams(deleted))).toEqual(expected);
    });
  });

  describe('when a stream cannot be read', () => {
    it('fails the iteration with the store error, once its turn comes', async () => {
      for (const s of ['a', 'b', 'c']) await store.append(`student-${s}`, [event(0)]);
      // Rejects before 'b' is yielded (read ahead): the students before it are still replayed.
      const failing = new Proxy(store, {
        get: (target, key) =>
          key === 'readStream'
            ? (stream: string) => (stream === 'student-c' ? Promise.reject(new Error('disk gone')) : target.readStream(stream))
            : (Reflect.get(target, key, target) as unknown),
      });
      const seen: string[] = [];
      await expect(
        (async () => {
          for await (const s of studentStreams(failing, { readAhead: 3 })) seen.push(s.studentId);
        })(),
      ).rejects.toThrow('disk gone');
      expect(seen).toEqual(['a', 'b']);
    });
  });
});
