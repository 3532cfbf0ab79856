/**
 * Discord's own OpenAPI description of API v10 (`test/fixtures/discord-api-spec/openapi.json`)
 * as a validator for the fake Discord: the body of every request is checked
 * against the request schema of the operation its method and path match
 * (`POST /interactions/{interaction_id}/{interaction_token}/callback`, …), and
 * the fake's tests check its replies against the response schemas.
 *
 * The description is JSON Schema 2020-12 (OpenAPI 3.1), validated with ajv.
 * It is read and prepared once per process, on first use, and each operation's
 * schema is compiled on first use and then kept: a test file that starts the
 * fake many times pays for the few operations it exercises, once.
 *
 * Preparing the description changes how unions are written, not what they
 * accept, so that errors point at the field that is wrong (the way Discord's
 * `errors` tree does) instead of listing every branch of a union:
 * - a union of constants (how the description writes enums) becomes an `enum`;
 * - "null or X" becomes `if null then ok else X`;
 * - a union of object schemas told apart by a constant `type` (message
 *   components, command options, callback types) becomes an if/then chain on
 *   `type`, so only the branch the body chose reports errors;
 * - any other union becomes a chain that accepts the first branch that fits and
 *   reports the errors of the last one.
 * Then the few places where the description is known to be wrong are patched
 * ({@link SPEC_EXCEPTIONS}, each with why).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { DataValidationCxt, SchemaValidateFunction } from 'ajv/dist/types/index.js';
import { FormErrors } from './fakeDiscordRules.ts';

const SPEC_FILE = fileURLToPath(new URL('../fixtures/discord-api-spec/openapi.json', import.meta.url));

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Where Discord's description is known to disagree with Discord (its
 * documentation and its actual behavior), and how the fake corrects it. Keep
 * this short: each entry needs a reason a reader can check.
 */
const SPEC_EXCEPTIONS: ReadonlyArray<{ pointer: string; why: string; patch: (node: Json) => void }> = [
  ...['ApplicationCommandCreateRequest', 'ApplicationCommandUpdateRequest', 'ApplicationCommandPatchRequestPartial'].map((name) => ({
    pointer: `/components/schemas/${name}/properties/default_member_permissions`,
    why:
      'typed as an integer, but Discord documents it as a string bit set ("?string", ' +
      'https://discord.com/developers/docs/interactions/application-commands#application-command-object), ' +
      'its own response schema (ApplicationCommandResponse) types it as a string, and discord.js sends a string. ' +
      'Both forms are accepted; a string must be a decimal number.',
    patch: (node: Json) => {
      node['type'] = ['string', 'integer', 'null'];
      node['pattern'] = '^(0|[1-9][0-9]{0,19})$';
    },
  })),
  {
    pointer: '/paths/~1webhooks~1{webhook_id}~1{webhook_token}/post/requestBody/content',
    why:
      'a union of IncomingWebhookRequestPartial and IncomingWebhookUpdateRequestPartial, where the second is a subset of the ' +
      'first: as a union, a bad `tts`, `username`, `thread_name`… would pass through the second branch, which ignores fields it ' +
      'does not declare. Discord documents one set of JSON params for Execute Webhook ' +
      '(https://discord.com/developers/docs/resources/webhook#execute-webhook), the first schema.',
    patch: (node: Json) => {
      for (const media of Object.values(node)) {
        if (isObject(media)) media['schema'] = { $ref: '#/components/schemas/IncomingWebhookRequestPartial' };
      }
    },
  },
  {
    pointer: '/components/schemas/InnerErrors/properties/_errors/items',
    why:
      'the errors of one field (`_errors`) are typed as API errors with an integer `code`, but Discord sends string codes there ' +
      '(`{"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}`, ' +
      'https://discord.com/developers/docs/reference#error-messages).',
    patch: (node: Json) => {
      delete node['$ref'];
      Object.assign(node, {
        type: 'object',
        properties: { code: { type: 'string' }, message: { type: 'string' } },
        required: ['code', 'message'],
      });
    },
  },
];

// ---------------------------------------------------------------------------
// Preparing the description

/** Resolves a local `$ref` (`#/components/schemas/X`) in the description. */
function deref(doc: Json, node: unknown): Json | undefined {
  if (!isObject(node)) return undefined;
  const ref = node['$ref'];
  if (typeof ref !== 'string') return node;
  let at: unknown = doc;
  for (const part of ref.replace(/^#\//, '').split('/')) {
    at = isObject(at) ? at[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  return isObject(at) ? at : undefined;
}

const isNullSchema = (b: unknown): boolean =>
  isObject(b) && b['type'] === 'null' && b['$ref'] === undefined && b['properties'] === undefined;

/** The constant values of `properties.type` of an object schema, which tell union branches apart. */
function discriminator(doc: Json, branch: unknown): unknown[] | undefined {
  const schema = deref(doc, branch);
  const type = isObject(schema?.['properties']) ? schema['properties']['type'] : undefined;
  if (!isObject(type)) return undefined;
  if ('const' in type) return [type['const']];
  if (Array.isArray(type['enum'])) return type['enum'] as unknown[];
  return undefined;
}

/** A union of the description, as the `x-union` keyword validates it (see {@link validateUnion}). */
interface UnionSpec {
  /** Where each non-null branch's schema is, as a ref ajv can compile on its own. */
  refs: string[];
  /** Per branch, the values of `type` that select it, when every branch has its own. */
  selectors?: unknown[][];
  /** Whether `null` is one of the branches. */
  nullable: boolean;
}

const unescapePointer = (part: string): string => part.replace(/~1/g, '/').replace(/~0/g, '~');

/** One step of a ref to a location of the description, as ajv resolves it (a URI-encoded JSON pointer). */
const refStep = (part: string | number): string => `/${encodeURIComponent(String(part).replace(/~/g, '~0').replace(/\//g, '~1'))}`;

/**
 * Prepares every schema of the description in place (children first): a union
 * of constants becomes an `enum`, any other union an `x-union`, whose branches
 * ajv compiles only when a body reaches them (compiling all of Discord's
 * message components up front costs about a second per process, and the bot
 * uses a few of them). The branches stay in the document, under `x-oneOf` or
 * `x-anyOf`, so that each can be compiled by its location.
 */
function prepare(doc: Json, node: unknown, at: string): void {
  if (Array.isArray(node)) {
    node.forEach((child, i) => prepare(doc, child, at + refStep(i)));
    return;
  }
  if (!isObject(node)) return;
  for (const [key, child] of Object.entries(node)) if (typeof child === 'object' && child !== null) prepare(doc, child, at + refStep(key));
  for (const key of ['oneOf', 'anyOf'] as const) {
    const value = node[key];
    if (!Array.isArray(value)) continue;
    const branches: unknown[] = value;
    delete node[key];
    if (branches.every((b) => isObject(b) && 'const' in b && b['$ref'] === undefined)) {
      node['enum'] = branches.map((b) => (b as Json)['const']);
      continue;
    }
    const stored = `x-${key}`;
    node[stored] = branches;
    const rest = branches.map((branch, i) => ({ branch, i })).filter(({ branch }) => !isNullSchema(branch));
    const refs = rest.map(({ branch, i }) => {
      // A branch that is only a $ref compiles as its target, shared by every union that uses it.
      const ref = isObject(branch) && Object.keys(branch).length === 1 ? branch['$ref'] : undefined;
      return typeof ref === 'string' && ref.startsWith('#/')
        ? `openapi#${ref.slice(2).split('/').map(unescapePointer).map(refStep).join('')}`
        : `openapi#${at}${refStep(stored)}${refStep(i)}`;
    });
    const values = rest.map(({ branch }) => discriminator(doc, branch));
    const all = values.flatMap((v) => v ?? []);
    const union: UnionSpec = { refs, nullable: rest.length < branches.length };
    if (rest.length > 1 && values.every((v) => v !== undefined) && new Set(all).size === all.length) union.selectors = values;
    if (node['x-union'] === undefined) node['x-union'] = union;
    else node['allOf'] = [...((node['allOf'] as unknown[] | undefined) ?? []), { 'x-union': union }];
  }
}

function applyExceptions(doc: Json): void {
  for (const exception of SPEC_EXCEPTIONS) {
    let at: unknown = doc;
    for (const part of exception.pointer.slice(1).split('/')) {
      at = isObject(at) ? at[unescapePointer(part)] : undefined;
    }
    if (!isObject(at)) throw new Error(`fakeDiscordSchemas: exception ${exception.pointer} no longer matches the description; review it`);
    exception.patch(at);
  }
}

/**
 * The `x-union` keyword: the data must fit one branch of the union. A branch is
 * compiled the first time data reaches it. When `type` selects the branch, only
 * that branch is tried and its errors are reported; otherwise the first branch
 * that fits wins, and when none does, the errors of the closest (fewest errors).
 */
function unionValidator(ajv: Ajv2020): SchemaValidateFunction {
  const compiled = new Map<string, ValidateFunction>();
  const branch = (ref: string): ValidateFunction => {
    let validate = compiled.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: ref });
      compiled.set(ref, validate);
    }
    return validate;
  };
  const validateUnion: SchemaValidateFunction = (schema: UnionSpec, data: unknown, _parent?: unknown, cxt?: DataValidationCxt): boolean => {
    // Set just before returning: a nested union (the same function) overwrites `errors`, and ajv reads them right after each call.
    const fail = (errors: Partial<ErrorObject>[]): false => {
      const prefix = cxt?.instancePath ?? '';
      validateUnion.errors = (
        errors.length ? errors : [{ keyword: 'x-union', params: {}, message: 'must match a branch of the union' }]
      ).map((e) => ({ ...e, instancePath: prefix + (e.instancePath ?? '') }));
      return false;
    };
    if (data === null && schema.nullable) return true;
    const run = (ref: string): Partial<ErrorObject>[] | undefined => {
      const validate = branch(ref);
      return validate(data) ? undefined : [...(validate.errors ?? [])];
    };
    if (schema.selectors) {
      const type = isObject(data) ? data['type'] : undefined;
      const index = isObject(data) ? schema.selectors.findIndex((values) => values.includes(type)) : 0;
      if (index === -1) {
        return fail([
          type === undefined
            ? { keyword: 'required', instancePath: '', params: { missingProperty: 'type' }, message: "must have required property 'type'" }
            : { keyword: 'enum', instancePath: '/type', params: { allowedValues: schema.selectors.flat() }, message: 'must be one of' },
        ]);
      }
      const errors = run(schema.refs[index]!);
      return errors ? fail(errors) : true;
    }
    let closest: Partial<ErrorObject>[] | undefined;
    for (const ref of schema.refs) {
      const errors = run(ref);
      if (!errors) return true;
      if (!closest || errors.length < closest.length) closest = errors;
    }
    return fail(closest ?? []);
  };
  return validateUnion;
}

// ---------------------------------------------------------------------------
// Formats used by the description (RFC 3339 date-time, RFC 3986 URI, sized numbers)

/** An absolute URI as RFC 3986 (section 3) allows it: a scheme, then only unreserved, reserved or percent-encoded characters. */
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#[\]]|%[0-9A-Fa-f]{2})+$/;

function isUri(value: string): boolean {
  if (!URI.test(value)) return false;
  // A web URL must also name a host (https:foo is a URI, but no link).
  if (/^https?:/i.test(value)) {
    try {
      return new URL(value).hostname !== '';
    } catch {
      return false;
    }
  }
  return true;
}

/** RFC 3339 section 5.6 date-time. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

function isDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second, offsetHour, offsetMinute] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  const daysInMonth = new Date(Date.UTC(year!, month, 0)).getUTCDate();
  return (
    month! >= 1 &&
    month! <= 12 &&
    day! >= 1 &&
    day! <= daysInMonth &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 60 &&
    offsetHour! <= 23 &&
    offsetMinute! <= 59
  );
}

// ---------------------------------------------------------------------------
// Operations

/** One operation of the description. */
export interface Operation {
  /** e.g. `create_interaction_response`. */
  id: string;
  method: string;
  /** e.g. `/interactions/{interaction_id}/{interaction_token}/callback`. */
  template: string;
}

interface Route {
  template: string;
  regex: RegExp;
  /** Literal segments: a route with more wins (`/messages/@original` over `/messages/{message_id}`). */
  literals: number;
}

interface Loaded {
  doc: Json;
  routes: Route[];
  ajv: Ajv2020;
  validators: Map<string, ValidateFunction | null>;
}

let loaded: Loaded | undefined;

function load(): Loaded {
  if (loaded) return loaded;
  const doc = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as Json;
  prepare(doc, doc['components'], refStep('components'));
  prepare(doc, doc['paths'], refStep('paths'));
  applyExceptions(doc);
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, addUsedSchema: false, code: { lines: false } });
  ajv.addFormat('uri', { type: 'string', validate: isUri });
  ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** 63 });
  for (const name of ['double', 'snowflake', 'nonce']) ajv.addFormat(name, true);
  ajv.addKeyword({ keyword: 'x-union', schemaType: 'object', errors: true, validate: unionValidator(ajv) });
  ajv.addSchema(doc, 'openapi');
  const routes = Object.keys(doc['paths'] as Json).map((template) => {
    const segments = template.split('/').slice(1);
    const pattern = segments.map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
    return { template, regex: new RegExp(`^/${pattern}$`), literals: segments.filter((s) => !s.startsWith('{')).length };
  });
  routes.sort((a, b) => b.literals - a.literals);
  loaded = { doc, routes, ajv, validators: new Map() };
  return loaded;
}

function operationObject(l: Loaded, method: string, template: string): Json | undefined {
  const path = (l.doc['paths'] as Json)[template];
  const op = isObject(path) ? path[method.toLowerCase()] : undefined;
  return isObject(op) ? op : undefined;
}

/**
 * The operation a request goes to, by method and path (the part after `/api/v10`, decoded),
 * or undefined when the description has none.
 */
export function findOperation(method: string, path: string): Operation | undefined {
  const l = load();
  for (const route of l.routes) {
    if (!route.regex.test(path)) continue;
    const op = operationObject(l, method, route.template);
    if (op) return { id: String(op['operationId']), method: method.toUpperCase(), template: route.template };
  }
  return undefined;
}

const pointer = (...parts: string[]): string =>
  `openapi#/${parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;

function validatorFor(l: Loaded, key: string, ref: string): ValidateFunction {
  let validate = l.validators.get(key);
  if (!validate) {
    validate = l.ajv.compile({ $ref: ref });
    l.validators.set(key, validate);
  }
  return validate;
}

/** Which media type's schema applies: uploads carry their JSON in `payload_json`, validated like a JSON body. */
function mediaSchemaKey(content: Json, multipart: boolean): string | undefined {
  if (multipart && isObject(content['multipart/form-data'])) return 'multipart/form-data';
  if (isObject(content['application/json'])) return 'application/json';
  return Object.keys(content)[0];
}

/**
 * Checks a request body against its operation's request schema and adds what
 * does not conform to `errors`, in Discord's `Invalid Form Body` terms.
 * Returns the operation, or undefined when the description has none for this request
 * (or it takes no body).
 */
export function checkRequestBody(
  method: string,
  path: string,
  body: unknown,
  multipart: boolean,
  errors: FormErrors,
): Operation | undefined {
  if (body === undefined) return undefined;
  const operation = findOperation(method, path);
  if (!operation) return undefined;
  const l = load();
  const op = operationObject(l, method, operation.template)!;
  const requestBody = deref(l.doc, op['requestBody']);
  const content = requestBody?.['content'];
  if (!isObject(content)) return operation;
  const media = mediaSchemaKey(content, multipart);
  if (media === undefined) return operation;
  const validate = validatorFor(
    l,
    `request ${operation.method} ${operation.template} ${media}`,
    pointer('paths', operation.template, method.toLowerCase(), 'requestBody', 'content', media, 'schema'),
  );
  if (!validate(body)) addAjvErrors(errors, validate.errors ?? [], body);
  return operation;
}

/**
 * What, in a reply the fake sent, does not follow the response schema of its
 * operation for that status: one line per problem, empty when it conforms.
 * For the fake's own tests (the fake does not check itself at run time).
 */
export function responseProblems(method: string, path: string, status: number, body: unknown): string[] {
  const operation = findOperation(method, path);
  if (!operation) return [`no operation in Discord's description for ${method} ${path}`];
  const l = load();
  const op = operationObject(l, method, operation.template)!;
  const responses = op['responses'];
  if (!isObject(responses)) return [];
  const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in responses);
  if (key === undefined) return [`${operation.id} has no response ${status} in Discord's description`];
  const response = deref(l.doc, responses[key]);
  const content = response?.['content'];
  if (!isObject(content) || !isObject(content['application/json'])) {
    return body === undefined || body === '' ? [] : [`${operation.id} answers ${status} with no body, but the fake sent one`];
  }
  if (body === undefined) return [`${operation.id} answers ${status} with a JSON body, but the fake sent none`];
  const responseRef = isObject(responses[key]) ? responses[key]['$ref'] : undefined;
  const ref =
    typeof responseRef === 'string'
      ? pointer(...responseRef.replace(/^#\//, '').split('/'), 'content', 'application/json', 'schema')
      : pointer('paths', operation.template, method.toLowerCase(), 'responses', key, 'content', 'application/json', 'schema');
  const validate = validatorFor(l, `response ${operation.method} ${operation.template} ${key}`, ref);
  if (validate(body)) return [];
  return usefulErrors(validate.errors ?? []).map((e) => `${operation.id} ${status}: ${e.instancePath || '<body>'} ${describe(e)}`);
}

// ---------------------------------------------------------------------------
// ajv errors → Discord's error tree

const WRAPPERS = new Set(['if', 'anyOf', 'oneOf', 'allOf', 'not', '$ref']);

/** Drops the errors that only say "a branch of this union failed" when the branch's own errors are there. */
function usefulErrors(errors: ErrorObject[]): ErrorObject[] {
  const leaves = errors.filter((e) => !WRAPPERS.has(e.keyword));
  return leaves.length > 0 ? leaves : errors;
}

function describe(e: ErrorObject): string {
  const params = e.params as Json;
  if (e.keyword === 'required') return `must have ${String(params['missingProperty'])}`;
  if (e.keyword === 'enum') return `${e.message ?? 'is invalid'} (${JSON.stringify(params['allowedValues'])})`;
  return e.message ?? e.keyword;
}

function pathOf(instancePath: string): Array<string | number> {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function valueAt(body: unknown, path: ReadonlyArray<string | number>): unknown {
  let at = body;
  for (const key of path) at = typeof at === 'object' && at !== null ? (at as Record<string | number, unknown>)[key] : undefined;
  return at;
}

const show = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));

/** Adds ajv's errors to `errors` with the codes and messages Discord uses for the same problems. */
function addAjvErrors(errors: FormErrors, ajvErrors: ErrorObject[], body: unknown): void {
  for (const e of usefulErrors(ajvErrors)) {
    const path = pathOf(e.instancePath);
    const params = e.params as Json;
    const value = valueAt(body, path);
    switch (e.keyword) {
      case 'required':
        errors.add([...path, String(params['missingProperty'])], 'BASE_TYPE_REQUIRED', 'This field is required');
        break;
      case 'type': {
        const types = ([] as unknown[]).concat(params['type']).map(String);
        const type = types.find((t) => t !== 'null') ?? 'null';
        if (type === 'string') errors.add(path, 'BASE_TYPE_STRING', 'Must be a string.');
        else if (type === 'integer') errors.add(path, 'NUMBER_TYPE_COERCE', `Value "${show(value)}" is not int.`);
        else if (type === 'number') errors.add(path, 'NUMBER_TYPE_COERCE', `Value "${show(value)}" is not a number.`);
        else if (type === 'boolean') errors.add(path, 'BASE_TYPE_BOOLEAN', 'Must be either true or false.');
        else if (type === 'array') errors.add(path, 'BASE_TYPE_ARRAY', 'Must be an array.');
        else if (type === 'object') errors.add(path, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
        else errors.add(path, 'BASE_TYPE_INVALID', `Must be ${types.join(' or ')}.`);
        break;
      }
      case 'maxLength':
      case 'maxItems':
      case 'maxProperties':
        errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${String(params['limit'])} or fewer in length.`);
        break;
      case 'minLength':
      case 'minItems':
      case 'minProperties':
        errors.add(path, 'BASE_TYPE_MIN_LENGTH', `Must be ${String(params['limit'])} or more in length.`);
        break;
      case 'minimum':
      case 'exclusiveMinimum':
        errors.add(path, 'NUMBER_TYPE_MIN', `int value should be greater than or equal to ${String(params['limit'])}.`);
        break;
      case 'maximum':
      case 'exclusiveMaximum':
        errors.add(path, 'NUMBER_TYPE_MAX', `int value should be less than or equal to ${String(params['limit'])}.`);
        break;
      case 'enum':
      case 'const': {
        const allowed = ([] as unknown[]).concat(params['allowedValues'] ?? params['allowedValue']);
        errors.add(path, 'BASE_TYPE_CHOICES', `Value must be one of (${allowed.map((v) => show(v)).join(', ')}).`);
        break;
      }
      case 'format':
        if (params['format'] === 'uri') errors.add(path, 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
        else if (params['format'] === 'date-time')
          errors.add(path, 'DATE_TYPE_PARSE', `Could not parse ${show(value)}. Should be ISO8601.`);
        else errors.add(path, 'NUMBER_TYPE_COERCE', `Value "${show(value)}" is not ${String(params['format'])}.`);
        break;
      case 'pattern':
        if (params['pattern'] === '^(0|[1-9][0-9]*)$') errors.add(path, 'NUMBER_TYPE_COERCE', `Value "${show(value)}" is not snowflake.`);
        else errors.add(path, 'STRING_TYPE_REGEX', `String value did not match validation regex.`);
        break;
      case 'uniqueItems':
        errors.add(path, 'SET_TYPE_ALREADY_CONTAINS_VALUE', 'The set already contains this value.');
        break;
      case 'additionalProperties':
        errors.add([...path, String(params['additionalProperty'])], 'BASE_TYPE_INVALID', 'This field is not allowed.');
        break;
      default:
        errors.add(path, 'BASE_TYPE_INVALID', e.message ?? 'Invalid value.');
    }
  }
}
