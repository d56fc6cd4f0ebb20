import { createServer } from 'node:net';
import { startTestEngine, type TestEngine } from '../../../../test/support/test-engine';
import { ProjectionsService } from '../../../worker/src/projections/projections.service';
import { WorkerModule } from '../../../worker/src/worker.module';
import { main, memoryIo } from '../main';

describe('when an admin asks `laurel projections status`', () => {
  let engine: TestEngine;
  let url: string;
  const previousToken = process.env.LAUREL_TOKEN;

  beforeAll(async () => {
    engine = await startTestEngine({ modules: [WorkerModule.forRoot()] });
    await engine.app.listen(0, '127.0.0.1');
    url = await engine.app.getUrl();
  });
  afterAll(async () => {
    await engine.close();
    if (previousToken === undefined) delete process.env.LAUREL_TOKEN;
    else process.env.LAUREL_TOKEN = previousToken;
  });

  async function status(token: string, engineUrl: string, ...flags: string[]): Promise<{ out: string; err: string; exitCode: number }> {
    let out = '';
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    process.env.LAUREL_TOKEN = token;
    try {
      const io = memoryIo();
      const exitCode = await main(['projections', 'status', '--url', engineUrl, ...flags], io);
      return { out, err: io.stderr, exitCode };
    } finally {
      write.mockRestore();
    }
  }

  it('says where the projection is against the log, in words or as JSON', async () => {
    const admin = (await engine.as('admin')).authorization!.slice('Bearer '.length);
    await engine.app.get(ProjectionsService).waitFor(await engine.store.lastPosition());
    const head = String(await engine.store.lastPosition());
    const { out, exitCode } = await status(admin, url);
    expect(out).toBe(`rule projection: at position ${head} of ${head}, up to date\n`);
    expect(exitCode).toBe(0);
    const json = await status(admin, url, '--json');
    expect(JSON.parse(json.out)).toMatchObject({ checkpoint: head, head, lag: '0' });
  });

  it('says the engine is not running, in one line', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const { err, exitCode } = await status('any', `http://127.0.0.1:${port}`);
    expect(err).toBe(
      `laurel: cannot reach the engine at http://127.0.0.1:${port} (connection refused): is it running? start it with \`npm start\`, or pass --url\n`,
    );
    expect(exitCode).toBe(1);
  });

  it('says the token lacks the admin role, and how to mint one that has it', async () => {
    const coordinator = (await engine.as('coordinator')).authorization!.slice('Bearer '.length);
    const { err, exitCode } = await status(coordinator, url);
    expect(err).toBe(
      'laurel: the engine refused the request (403: this needs the role admin; your token has coordinator): ' +
        "mint a token with `laurel token --role admin --sub <your id>` (in the engine's folder) and pass it in $LAUREL_TOKEN\n",
    );
    expect(exitCode).toBe(1);
  });
});
