import crypto from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Clock } from './platform/clock.ts';
import type { Config } from './platform/config.ts';
import type { Ctx, InTx } from './platform/context.ts';
import type { Keys } from './platform/crypto.ts';
import type { Database } from './platform/db.ts';
import type { Scheduler } from './platform/jobs.ts';
import { AppError, invalidInput } from './platform/errors.ts';
import { refuseControlCharacters, withoutControlCharacters } from './platform/control-characters.ts';
import { logOptions } from './platform/log.ts';
import { record } from './modules/journal/index.ts';
import { accountRoutes } from './modules/accounts/accounts.routes.ts';
import { calendarRoutes } from './modules/calendar/calendar.routes.ts';
import { authPlugin, refusedRequest } from './modules/auth/index.ts';
import { authRoutes } from './modules/auth/auth.routes.ts';
import { journalRoutes } from './modules/journal/journal.routes.ts';
import { dossierRoutes } from './modules/dossiers/dossiers.routes.ts';
import { documentRoutes } from './modules/documents/documents.routes.ts';
import { formRoutes } from './modules/dossiers/forms.routes.ts';
import { procedureRoutes } from './modules/procedures/procedures.routes.ts';
import { resultRoutes } from './modules/results/results.routes.ts';
import { statisticsRoutes } from './modules/statistics/statistics.routes.ts';
import { unitRoutes } from './modules/units/units.routes.ts';
import { NpdGateway } from './modules/registry/index.ts';
import { registryRoutes } from './modules/registry/registry.routes.ts';
import { monitoringRoutes } from './modules/monitoring/monitoring.routes.ts';
import { getProvince } from './modules/units/index.ts';
import { z } from 'zod';
import { healthRoutes } from './health.ts';

export interface AppDeps {
  config: Config;
  database: Database;
  keys: Keys;
  clock: Clock;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    keys: Keys;
    clock: Clock;
    database: Database;
    /** The NPD gateway's live client (issue 5): one per process. */
    npd: NpdGateway;
    /** The process's job scheduler, once started (startSystem); a bare app (tests) runs no jobs. */
    scheduler: Scheduler | null;
    /** Runs a service call in one transaction: the change and its journal entries commit together. */
    inTx<T>(req: FastifyRequest, fn: (ctx: Ctx) => Promise<T>): Promise<T>;
    /** For the few services that must commit between steps (sign-in, a lookup's write-ahead record, a download): they take this. */
    transactions(req: FastifyRequest): InTx;
  }
}

const WEB_DIST = fileURLToPath(new URL('../web/dist/', import.meta.url));

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    bodyLimit: 64 * 1024,
    trustProxy: config.trustProxy,
    genReqId: () => crypto.randomUUID(),
    logger: {
      level: config.env === 'test' ? 'silent' : config.logLevel,
      ...logOptions,
      // Paths only: query strings may carry search terms such as a personal ID.
      serializers: {
        ...logOptions.serializers,
        req: (req) => ({ method: req.method, url: req.url.split('?')[0], remoteAddress: req.ip }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
      redact: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]'],
    },
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('config', config);
  app.decorate('keys', deps.keys);
  app.decorate('clock', deps.clock);
  app.decorate('database', deps.database);
  app.decorate('scheduler', null);
  const npd = new NpdGateway(config.npd);
  app.decorate('npd', npd);
  app.addHook('onClose', () => npd.close());
  app.decorate('inTx', async function inTx<T>(req: FastifyRequest, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
    const run = <R>(body: (ctx: Ctx) => Promise<R>) =>
      deps.database.db.transaction((tx) =>
        body({
          actor: req.actor,
          tx,
          clock: deps.clock,
          config,
          keys: deps.keys,
          ip: req.ip,
          // kept in the journal and the session list: control characters would hide or forge what is shown there
          userAgent: withoutControlCharacters(String(req.headers['user-agent'] ?? '').slice(0, 300)),
          requestId: req.id,
          sessionId: req.session?.id ?? null,
        }),
      );
    try {
      return await run(fn);
    } catch (err) {
      if (err instanceof AppError) {
        // what the error says to record, or else (a plain 403 or 404 of a signed-in caller) the refusal itself, once
        const refused = err.events.length === 0 ? refusedRequest(req, err) : null;
        const events = refused ? [refused] : err.events;
        if (events.length > 0) {
          await run(async (ctx) => {
            for (const event of events) await record(ctx, event);
          });
        }
      }
      throw err;
    }
  });
  app.decorate('transactions', (req: FastifyRequest): InTx => (fn) => app.inTx(req, fn));

  app.setErrorHandler((raw, req, reply) => {
    const error = hasZodFastifySchemaValidationErrors(raw)
      ? invalidInput(raw.validation.map((v) => ({ path: v.instancePath || v.params?.issue?.path?.join('.') || '', message: v.message })))
      : raw;
    if (error instanceof AppError) {
      return reply.status(error.statusCode).send({ error: { code: error.code, message: error.messageVi, messageEn: error.messageEn, details: error.details } });
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) {
      return reply.status(status).send({ error: { code: (error as { code?: string }).code ?? 'bad_request', message: 'Yêu cầu không hợp lệ.', messageEn: error instanceof Error ? error.message : 'Bad request.' } });
    }
    req.log.error({ err: error }, 'request failed');
    return reply.status(500).send({ error: { code: 'internal', message: 'Lỗi hệ thống. Vui lòng thử lại hoặc báo quản trị (mã yêu cầu: ' + req.id + ').', messageEn: `Internal error (request ${req.id}).` } });
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: config.secureCookies ? [] : null,
      },
    },
    hsts: config.secureCookies,
  });
  await app.register(cookie);
  // per route (the public ones name their limit): the answer is ours, in the API's error shape
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, context) =>
      new AppError(429, 'rate_limited', `Quá nhiều yêu cầu: thử lại sau ${context.after}.`, `Too many requests: try again in ${context.after}.`),
  });
  await app.register(authPlugin, { inTx: (req, fn) => app.inTx(req, fn) });
  // After the session check (a caller is known or refused first), before any route's own validation.
  app.addHook('preValidation', refuseControlCharacters);

  await app.register(swagger, {
    openapi: {
      info: { title: 'motcua API', version: '0.1.0', description: 'One-stop-shop system for provinces and communes. Errors carry a stable `code`.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'motcua_session' } } },
    },
    transform: jsonSchemaTransform,
    // schemas registered with an id (`.meta({ id })`) become named components the web's generated types use
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  app.get('/api/health', {
    config: { access: 'public' },
    schema: {
      tags: ['system'],
      summary: 'Liveness, and the province served (shown on the sign-in page)',
      response: { 200: z.object({ status: z.literal('ok'), province: z.object({ code: z.string(), name: z.string() }).nullable() }) },
    },
  }, async (req) => {
    const province = await app.inTx(req, (ctx) => getProvince(ctx.tx));
    return { status: 'ok' as const, province: province ? { code: province.code, name: province.fullName } : null };
  });
  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(unitRoutes);
  await app.register(accountRoutes);
  await app.register(journalRoutes);
  await app.register(procedureRoutes);
  await app.register(calendarRoutes);
  await app.register(dossierRoutes);
  await app.register(documentRoutes);
  await app.register(formRoutes);
  await app.register(resultRoutes);
  await app.register(statisticsRoutes);
  await app.register(registryRoutes);
  await app.register(monitoringRoutes);

  if (fs.existsSync(WEB_DIST)) {
    await app.register(fastifyStatic, { root: WEB_DIST, wildcard: false });
  }
  app.setNotFoundHandler((req, reply) => {
    if (req.method === 'GET' && !req.url.startsWith('/api/') && fs.existsSync(`${WEB_DIST}index.html`)) {
      // The SPA owns every other path (/setup, /accounts/…).
      return reply.type('text/html').sendFile('index.html');
    }
    return reply.status(404).send({ error: { code: 'not_found', message: 'Không tìm thấy.', messageEn: 'Not found.' } });
  });

  return app;
}
