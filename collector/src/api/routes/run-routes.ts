import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { decodeCursor } from '../cursor/keyset-cursor';
import { loadRun, loadRunsPage, pinRunFor, unpinRunFor, updateRun } from '../queries/runs';
import { narrowScope } from '../queries/tenant-scope';
import { ApiError, API_ERROR_CODES } from '../server/api-errors';
import { Cursor, Identifier, limitSchema } from './params';
import { operatorPool, principalOf, requireAdmin, type RouteContext } from './route-context';

const Tag = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._:/=-]*$' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f]+$' });
const Params = Type.Object({ id: Identifier }, { additionalProperties: false });

// A run of another tenant answers exactly like an unknown run.
const notFound = (): ApiError => new ApiError(404, API_ERROR_CODES.notFound, 'no such run');

/** Runs: list, one run, metadata edits, pin and unpin. */
export function runRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const ListQuery = Type.Object(
    {
      tenant: Type.Optional(Identifier),
      pinned: Type.Optional(Type.Boolean()),
      tag: Type.Optional(Tag),
      scenario: Type.Optional(Text(256)),
      testPlan: Type.Optional(Text(256)),
      before: Type.Optional(Cursor),
      limit: limitSchema(ctx.config.maxPageSize),
    },
    { additionalProperties: false },
  );
  app.get('/api/runs', { schema: { querystring: ListQuery } }, async (request) => {
    const q = request.query as Static<typeof ListQuery>;
    return loadRunsPage(ctx.reader, {
      tenants: narrowScope(principalOf(request).tenants, q.tenant),
      filter: { pinned: q.pinned, tag: q.tag, scenario: q.scenario, testPlan: q.testPlan },
      before: q.before === undefined ? undefined : decodeCursor('runs', q.before),
      limit: q.limit,
    });
  });

  app.get('/api/runs/:id', { schema: { params: Params } }, async (request) => {
    const { id } = request.params as Static<typeof Params>;
    const run = await loadRun(ctx.reader, principalOf(request).tenants, id);
    if (run === undefined) throw notFound();
    return run;
  });

  const Patch = Type.Object(
    {
      tags: Type.Optional(Type.Array(Tag, { maxItems: 64, uniqueItems: true })),
      testPlan: Type.Optional(Type.Union([Text(256), Type.Null()])),
      description: Type.Optional(Type.Union([Text(4096), Type.Null()])),
    },
    { additionalProperties: false, minProperties: 1 },
  );
  app.patch('/api/runs/:id', { schema: { params: Params, body: Patch } }, async (request) => {
    const p = requireAdmin(request);
    const { id } = request.params as Static<typeof Params>;
    if (!(await updateRun(operatorPool(ctx), p.tenants, id, request.body as Static<typeof Patch>))) throw notFound();
    return loadRun(ctx.reader, p.tenants, id);
  });

  const Pin = Type.Object(
    {
      mode: Type.Union([Type.Literal('FULL'), Type.Literal('SLIM'), Type.Literal('ERRORS_ONLY')]),
      note: Type.Optional(Text(1024)),
    },
    { additionalProperties: false },
  );
  app.post('/api/runs/:id/pin', { schema: { params: Params, body: Pin } }, async (request) => {
    const p = requireAdmin(request);
    const { id } = request.params as Static<typeof Params>;
    const body = request.body as Static<typeof Pin>;
    if (!(await pinRunFor(operatorPool(ctx), p.tenants, id, body.mode, { requestedBy: `api:${p.name}`, note: body.note }))) throw notFound();
    return loadRun(ctx.reader, p.tenants, id);
  });

  app.delete('/api/runs/:id/pin', { schema: { params: Params } }, async (request) => {
    const p = requireAdmin(request);
    const { id } = request.params as Static<typeof Params>;
    const removed = await unpinRunFor(operatorPool(ctx), p.tenants, id);
    if (removed === undefined) throw notFound();
    return { run: await loadRun(ctx.reader, p.tenants, id), archivedRowsRemoved: removed };
  });
}
