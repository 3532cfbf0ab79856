/**
 * What the fake Discord's modules share: the parsed HTTP request and result,
 * Discord's error bodies, and how Discord stores a message the bot sends
 * (embeds filled in, components numbered, edits merged).
 */
import { MessageFlags } from 'discord-api-types/v10';
import type { APIAttachment, APIEmbed, APIMessage } from 'discord-api-types/v10';
import type { DiscordErrorBody, FormErrors } from './fakeDiscordRules.ts';
import { discordTimestamp } from './fakeDiscordPayloads.ts';

/** @internal A file of a multipart upload. */
export interface UploadedFile {
  name: string;
  size: number;
  contentType: string;
  data: Buffer;
}

/** @internal A REST request as the fake's routes see it. */
export interface ParsedRequest {
  method: string;
  /** As received, e.g. `/api/v10/interactions/123/tok/callback`. */
  path: string;
  query: URLSearchParams;
  json: unknown;
  files: UploadedFile[];
  /** Whether the body came as multipart/form-data (its JSON in `payload_json`). */
  multipart: boolean;
  authorization: string | undefined;
  /**
   * A fresh {@link FormErrors} holding what in the body does not conform to the
   * request schema of Discord's API description, for the handler to add its
   * documented rules to. Every route with a body calls it (see the fake's `route`).
   */
  bodyErrors(): FormErrors;
}

/** @internal What a route answers. */
export interface HttpResult {
  status: number;
  body?: unknown;
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A Discord error body with this status. */
export function error(status: number, code: number, message: string): HttpResult {
  return { status, body: { message, code } satisfies DiscordErrorBody };
}

export function methodNotAllowed(): HttpResult {
  return error(405, 0, '405: Method Not Allowed');
}

/** A copy without the fields set to null: Discord stores an absent field, and its replies leave it out. */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  ) as T;
}

/** Discord fills in `type: 'rich'` on embeds it stores. */
export function normalizeEmbeds(embeds: unknown): APIEmbed[] {
  if (!Array.isArray(embeds)) return [];
  return embeds.map((e) => ({ type: 'rich', ...withoutNulls(e as APIEmbed) }) as APIEmbed);
}

/**
 * The components as Discord stores them: every component has a numeric `id`,
 * unique in the message; those the bot left out (or set to 0) are numbered in
 * order, skipping ids already taken
 * (https://discord.com/developers/docs/components/reference#anatomy-of-a-component).
 */
export function numberComponents(components: unknown): NonNullable<APIMessage['components']> {
  if (!Array.isArray(components)) return [];
  const copy = withoutNulls(components) as unknown[];
  const nodes: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (!isRecord(node)) return;
    nodes.push(node);
    if (Array.isArray(node['components'])) node['components'].forEach(walk);
    if (node['accessory'] !== undefined) walk(node['accessory']);
    if (node['component'] !== undefined) walk(node['component']);
  };
  copy.forEach(walk);
  const taken = new Set(nodes.map((n) => n['id']).filter((id) => typeof id === 'number' && id > 0));
  let next = 1;
  for (const node of nodes) {
    if (typeof node['id'] === 'number' && node['id'] > 0) continue;
    while (taken.has(next)) next++;
    node['id'] = next;
    taken.add(next);
  }
  return copy as NonNullable<APIMessage['components']>;
}

/**
 * Applies an edit the way Discord does: fields present in the body replace the
 * message's (null resets them), absent fields are kept.
 * @param editedAt epoch ms for `edited_timestamp`, or null to leave it (the first edit of a deferred reply "sends" it)
 */
export function mergeMessage(
  message: APIMessage,
  body: Record<string, unknown>,
  uploaded: APIAttachment[],
  editedAt: number | null,
): APIMessage {
  const next: APIMessage = structuredClone(message);
  if ('content' in body) next.content = typeof body['content'] === 'string' ? body['content'] : '';
  if ('embeds' in body) next.embeds = normalizeEmbeds(body['embeds']);
  if ('components' in body) next.components = numberComponents(body['components']);
  if ('flags' in body && typeof body['flags'] === 'number') {
    // Only SUPPRESS_EMBEDS and IS_COMPONENTS_V2 can change after sending.
    const mutable = MessageFlags.SuppressEmbeds | MessageFlags.IsComponentsV2;
    next.flags = ((next.flags ?? 0) & ~mutable) | (body['flags'] & mutable);
  }
  if ('attachments' in body || uploaded.length) {
    const kept = Array.isArray(body['attachments'])
      ? next.attachments.filter((a) => (body['attachments'] as Record<string, unknown>[]).some((b) => b['id'] === a.id))
      : next.attachments;
    next.attachments = [...kept, ...uploaded];
  }
  if (editedAt !== null) next.edited_timestamp = discordTimestamp(editedAt);
  return next;
}
