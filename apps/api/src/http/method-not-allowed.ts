import type { FastifyInstance } from 'fastify';

/** Methods the API serves somewhere; OPTIONS is left out, since CORS answers it on every path. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * Answers a request for a path the API serves, with a method it does not
 * serve there, `405 Method Not Allowed` with the methods it does (`Allow`),
 * instead of the 404 Fastify gives: its router knows a route only as method
 * and path together. Fastify's own `findRoute` (the router's match of a
 * concrete URL) says which methods the path takes.
 */
export function answerWrongMethod(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!request.is404) return done();
    const path = request.url.split('?', 1)[0] ?? request.url;
    const allowed = METHODS.filter((method) => method !== request.method && fastify.findRoute({ method, url: path }) !== null);
    if (allowed.length === 0) return done();
    const methods = allowed.length === 1 ? allowed[0] : `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}`;
    void reply.header('allow', allowed.join(', '));
    done(Object.assign(new Error(`${request.method} is not served at ${path}; use ${methods}`), { statusCode: 405, code: 'METHOD_NOT_ALLOWED' }));
  });
}
