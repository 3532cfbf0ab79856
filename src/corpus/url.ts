/**
 * Checking an article's link when it is loaded.
 *
 * The link is shown as the article's source and becomes a Discord embed's
 * `url`, which Discord's API description types as a URI of at most 2,048
 * characters: a front matter value such as `www.example.com/ferry timetable`
 * would make every reply citing the article fail. So only absolute http(s)
 * URLs are kept; anything else is dropped with a warning and the article
 * loads without a link.
 */
import type { ArticleMeta } from './types.ts';
import { excerpt } from './text.ts';

/** Longest link kept, in characters (Discord's limit on an embed `url`). */
export const MAX_URL_LENGTH = 2048;

/** Result of {@link checkArticleUrl}; a `problem` reads after "the value is …". */
export type UrlCheck = { url: string } | { problem: string };

// Whitespace and control characters never occur in a URL as written by a
// browser; WHATWG parsing would quietly percent-encode or strip them, turning
// a sentence that merely starts with "https://" into a "valid" link.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const SPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/u;

/**
 * Keeps `raw` if it is an absolute `http:` or `https:` URL with a host, in its
 * standard serialization (`new URL(raw).href`: non-ASCII host names in
 * Punycode, non-ASCII path characters percent-encoded, so the result is a
 * valid URI), of at most {@link MAX_URL_LENGTH} characters.
 */
export function checkArticleUrl(raw: string): UrlCheck {
  const value = raw.trim();
  if (SPACE_OR_CONTROL.test(value)) return { problem: 'not a URL (it contains spaces or control characters)' };
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return { problem: 'not an absolute URL (expected http:// or https://…)' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { problem: `not an http(s) URL (scheme "${parsed.protocol.slice(0, -1).slice(0, 20)}")` };
  }
  if (parsed.hostname === '') return { problem: 'not a URL with a host name' };
  if (parsed.href.length > MAX_URL_LENGTH) return { problem: `longer than ${MAX_URL_LENGTH.toLocaleString('en')} characters` };
  return { url: parsed.href };
}

/**
 * `meta` with its `url` checked by {@link checkArticleUrl}: kept in standard
 * form, or removed with a warning that quotes the bad value.
 */
export function withCheckedUrl(meta: ArticleMeta): { meta: ArticleMeta; warning?: string } {
  if (meta.url === undefined) return { meta };
  const check = checkArticleUrl(meta.url);
  if ('url' in check) return { meta: check.url === meta.url ? meta : { ...meta, url: check.url } };
  const { url, ...rest } = meta;
  return { meta: rest, warning: `url dropped, the article loads without a link: "${excerpt(url, 80)}" is ${check.problem}` };
}
