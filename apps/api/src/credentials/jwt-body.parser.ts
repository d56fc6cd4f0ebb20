import { HttpException, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { credentialMediaTypeHint } from './verify-body';

const JWT_MEDIA_TYPES = ['application/jwt', 'application/vc+jwt'];
/** VC Data Model media types for a credential as JSON(-LD): refused everywhere, but at the verifier with what to send instead. */
const CREDENTIAL_JSON_TYPES = ['application/vc', 'application/vc+ld+json', 'application/ld+json', 'application/vp'];
const VERIFY_PATH = /^\/credentials\/verify\/?(?:\?|$)/;

/**
 * Lets `POST /credentials/verify` take the VC-JWT itself as the body
 * (`Content-Type: application/jwt`), as a string; a credential sent as
 * JSON-LD there is answered 415 saying to send its compact JWT.
 */
@Injectable()
export class JwtBodyParser implements OnModuleInit {
  constructor(private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    for (const type of JWT_MEDIA_TYPES) {
      if (fastify.hasContentTypeParser(type)) continue;
      fastify.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => done(null, body));
    }
    for (const type of CREDENTIAL_JSON_TYPES) {
      if (fastify.hasContentTypeParser(type)) continue;
      // Elsewhere the same 415 as for any type no route takes.
      fastify.addContentTypeParser(type, (req, _payload, done) =>
        done(
          VERIFY_PATH.test(req.url)
            ? new HttpException(
                { statusCode: 415, error: 'Unsupported Media Type', code: 'VC_JWT_REQUIRED', message: credentialMediaTypeHint(type) },
                415,
              )
            : new HttpException('Unsupported Media Type', 415),
          undefined,
        ),
      );
    }
  }
}
