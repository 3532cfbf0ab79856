/**
 * The fake Discord's Gateway v10: WebSocket connections, IDENTIFY and RESUME,
 * sessions and their replay buffers, compression, and sharding as Discord does
 * it (https://discord.com/developers/docs/events/gateway#sharding):
 * - `IDENTIFY.shard = [shard_id, num_shards]` routes the events of the guilds
 *   with `(guild_id >> 22) % num_shards === shard_id` to that session; events
 *   without a guild (DMs) go to shard 0;
 * - a bad `shard` closes with 4010 Invalid shard, a shard that would hold more
 *   guilds than a shard may (2,500 on Discord) with 4011 Sharding required;
 * - shards start in buckets (`shard_id % max_concurrency`); a second IDENTIFY
 *   in the same bucket within the identify window is answered with op 9
 *   Invalid Session (opt-in here, see {@link GatewayConfig.identifyWindowMs});
 * - each IDENTIFY uses one session start.
 * What a session receives on READY (its guilds) is decided by the fake, through
 * {@link GatewayHooks}.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { WebSocket, WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import { GatewayCloseCodes, GatewayIntentBits, GatewayOpcodes } from 'discord-api-types/v10';
import type { GatewayIdentifyData } from 'discord-api-types/v10';

const PRIVILEGED_INTENTS = GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;
const ALL_INTENTS = (Object.values(GatewayIntentBits).filter((v) => typeof v === 'number') as number[]).reduce((a, b) => a | b, 0);

/** The shard of a guild: `(guild_id >> 22) % num_shards` (https://discord.com/developers/docs/events/gateway#sharding-sharding-formula). */
export function shardOf(guildId: string, numShards: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(numShards));
}

/** A session as tests see it ({@link FakeGateway.sessions}). */
export interface GatewaySessionInfo {
  sessionId: string;
  /** `[shard_id, num_shards]` as identified; `[0, 1]` when IDENTIFY had no `shard`. */
  shard: readonly [number, number];
  intents: number;
  /** Whether its connection is open (a dropped session can still RESUME). */
  connected: boolean;
  /** Sequence number of the last dispatch sent to it. */
  seq: number;
  readyAt: number;
}

/** @internal A session: what the fake dispatches to, and what a RESUME picks up. */
export interface GatewaySession {
  readonly sessionId: string;
  readonly shard: readonly [number, number];
  /** Whether IDENTIFY carried `shard` (READY echoes it only then). */
  readonly shardGiven: boolean;
  readonly intents: number;
  seq: number;
  /** Dispatches sent, kept so a RESUME can replay the ones the client missed. */
  readonly sent: { op: GatewayOpcodes.Dispatch; t: string; s: number; d: unknown }[];
  connection?: Connection;
  readyAt: number;
}

interface Connection {
  ws: WebSocket;
  /** `zlib-stream` transport compression requested in the URL. */
  deflate?: zlib.Deflate;
  deflated: Buffer[];
  /** Per-payload compression requested by IDENTIFY's `compress: true`. */
  payloadCompression: boolean;
  session?: GatewaySession;
}

/** How the gateway behaves; every field mirrors a Discord behavior or limit. */
export interface GatewayConfig {
  token: string;
  /** `ws://…/gateway`, sent as `resume_gateway_url`. */
  url: string;
  heartbeatIntervalMs: number;
  /** Privileged intents enabled "in the developer portal"; asking for another closes with 4014. */
  allowedPrivilegedIntents: number;
  /** Most guilds one shard may hold before IDENTIFY closes with 4011 (Discord: 2,500). */
  maxGuildsPerShard: number;
  /** `session_start_limit.max_concurrency`: the number of identify buckets. */
  maxConcurrency: number;
  /** Identify window per bucket in ms (Discord: 5,000); 0 turns the check off. */
  identifyWindowMs: number;
}

/** What the gateway asks of the fake. */
export interface GatewayHooks {
  /** How many guilds a shard would hold, for 4011. */
  guildCount(shard: readonly [number, number]): number;
  /** Sends READY and the GUILD_CREATEs of a new session (through {@link FakeGateway.dispatch}). */
  identified(session: GatewaySession): void;
  /** Called when sessions change (new, resumed, closed), to wake waiters. */
  changed(): void;
}

/** The fake's gateway. Created by the fake; tests reach it through the fake's API. */
export class FakeGateway {
  /** Every IDENTIFY received (token left out), to check intents, shards and properties. */
  readonly identifies: Omit<GatewayIdentifyData, 'token'>[] = [];
  /** Session starts used (one per accepted IDENTIFY). */
  sessionStarts = 0;

  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<Connection>();
  private readonly sessionsById = new Map<string, GatewaySession>();
  /** Per identify bucket (`shard_id % max_concurrency`), when its last IDENTIFY was accepted. */
  private readonly lastIdentify = new Map<number, number>();
  private closed = false;

  constructor(
    private readonly config: GatewayConfig,
    private readonly hooks: GatewayHooks,
  ) {}

  /** Takes over an HTTP upgrade to `/gateway`. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, params: URLSearchParams): void {
    if (this.closed) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, params));
  }

  /** Every session, newest last. */
  sessions(): GatewaySessionInfo[] {
    return [...this.sessionsById.values()]
      .sort((a, b) => a.readyAt - b.readyAt)
      .map((s) => ({
        sessionId: s.sessionId,
        shard: [...s.shard] as [number, number],
        intents: s.intents,
        connected: s.connection?.ws.readyState === WebSocket.OPEN,
        seq: s.seq,
        readyAt: s.readyAt,
      }));
  }

  /**
   * The session that gets the events of a guild (or, for `undefined`, the
   * events without a guild: shard 0): the newest whose shard covers it.
   * @param live only sessions with an open connection
   */
  sessionFor(guildId: string | undefined, live = false): GatewaySession | undefined {
    let latest: GatewaySession | undefined;
    for (const session of this.sessionsById.values()) {
      if (live && session.connection?.ws.readyState !== WebSocket.OPEN) continue;
      const [id, count] = session.shard;
      if ((guildId === undefined ? 0 : shardOf(guildId, count)) !== id) continue;
      if (!latest || session.readyAt >= latest.readyAt) latest = session;
    }
    return latest;
  }

  /** Every session whose shard covers the guild (or shard 0 for `undefined`). */
  sessionsFor(guildId: string | undefined): GatewaySession[] {
    return [...this.sessionsById.values()].filter((s) => (guildId === undefined ? 0 : shardOf(guildId, s.shard[1])) === s.shard[0]);
  }

  /** Whether some session has an open connection. */
  get connected(): boolean {
    return [...this.sessionsById.values()].some((s) => s.connection?.ws.readyState === WebSocket.OPEN);
  }

  /** Sends a dispatch to a session (kept for replay when its connection is down). */
  dispatch(session: GatewaySession, t: string, d: unknown): void {
    const payload = { op: GatewayOpcodes.Dispatch as const, t, s: ++session.seq, d };
    session.sent.push(payload);
    if (session.connection) this.send(session.connection, payload);
  }

  /** Drops every connection without a close frame, like a network failure; sessions stay resumable. */
  dropConnections(): void {
    for (const connection of this.connections) connection.ws.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const connection of this.connections) {
      connection.deflate?.close();
      connection.ws.terminate();
    }
    this.connections.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  // -------------------------------------------------------------------------

  private onConnection(ws: WebSocket, params: URLSearchParams): void {
    const connection: Connection = { ws, deflated: [], payloadCompression: false };
    this.connections.add(connection);
    ws.on('close', (code: number) => {
      this.connections.delete(connection);
      connection.deflate?.close();
      const session = connection.session;
      if (session?.connection === connection) {
        delete session.connection;
        // A client closing with 1000/1001 ends its session (Discord invalidates it);
        // any other close (network drop, 4xxx) leaves it resumable.
        if (code === 1000 || code === 1001) this.sessionsById.delete(session.sessionId);
        this.hooks.changed();
      }
    });
    ws.on('error', () => undefined);
    // Discord closes with 4012 on a bad version and 4002 on an encoding it cannot speak (here: anything but JSON).
    if (params.get('v') !== '10') {
      ws.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version');
      return;
    }
    if ((params.get('encoding') ?? 'json') !== 'json') {
      ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    if (params.get('compress') === 'zlib-stream') {
      // One zlib context for the whole connection, each payload ending with a
      // Z_SYNC_FLUSH (00 00 ff ff), which is how clients know a payload is complete.
      connection.deflate = zlib.createDeflate();
      connection.deflate.on('data', (chunk: Buffer) => connection.deflated.push(chunk));
    }
    ws.on('message', (data: RawData, isBinary: boolean) => this.onFrame(connection, data, isBinary));
    this.send(connection, {
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: this.config.heartbeatIntervalMs, _trace: ['["fake-gateway",{"micros":0}]'] },
      s: null,
      t: null,
    });
  }

  private send(connection: Connection, payload: unknown): void {
    if (connection.ws.readyState !== WebSocket.OPEN) return;
    const json = JSON.stringify(payload);
    if (connection.deflate) {
      const deflate = connection.deflate;
      deflate.write(json);
      deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        const chunk = Buffer.concat(connection.deflated);
        connection.deflated = [];
        if (chunk.length && connection.ws.readyState === WebSocket.OPEN) connection.ws.send(chunk);
      });
    } else if (connection.payloadCompression) {
      connection.ws.send(zlib.deflateSync(json));
    } else {
      connection.ws.send(json);
    }
  }

  private onFrame(connection: Connection, data: RawData, isBinary: boolean): void {
    let payload: unknown;
    try {
      if (isBinary) throw new Error('binary frames are ETF, which this fake does not speak');
      payload = JSON.parse(rawToString(data));
    } catch {
      connection.ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    if (!isRecord(payload) || typeof payload['op'] !== 'number') {
      connection.ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    const d = payload['d'];
    switch (payload['op'] as GatewayOpcodes) {
      case GatewayOpcodes.Heartbeat:
        this.send(connection, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
        return;
      case GatewayOpcodes.Identify:
        this.onIdentify(connection, d);
        return;
      case GatewayOpcodes.Resume:
        this.onResume(connection, d);
        return;
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestGuildMembers:
      case GatewayOpcodes.RequestSoundboardSounds:
        if (!connection.session) connection.ws.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
        return;
      default:
        connection.ws.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
    }
  }

  private tokenMatches(token: unknown): boolean {
    return typeof token === 'string' && token.replace(/^Bot\s+/i, '') === this.config.token;
  }

  private onIdentify(connection: Connection, d: unknown): void {
    if (connection.session) {
      connection.ws.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    if (!isRecord(d)) {
      connection.ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    const { token, ...rest } = d;
    this.identifies.push(rest as Omit<GatewayIdentifyData, 'token'>);
    if (!this.tokenMatches(token)) {
      connection.ws.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    const intents = d['intents'];
    if (typeof intents !== 'number' || !Number.isInteger(intents) || intents < 0 || (intents & ~ALL_INTENTS) !== 0) {
      connection.ws.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
      return;
    }
    if ((intents & PRIVILEGED_INTENTS & ~this.config.allowedPrivilegedIntents) !== 0) {
      connection.ws.close(GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s).');
      return;
    }
    const given = d['shard'];
    if (given !== undefined && !isValidShard(given)) {
      connection.ws.close(GatewayCloseCodes.InvalidShard, 'Invalid shard.');
      return;
    }
    const shard: readonly [number, number] = given === undefined ? [0, 1] : [given[0], given[1]];
    if (this.hooks.guildCount(shard) > this.config.maxGuildsPerShard) {
      connection.ws.close(GatewayCloseCodes.ShardingRequired, 'Sharding required.');
      return;
    }
    if (this.config.identifyWindowMs > 0) {
      // Shards identify by bucket; a bucket may start one session per window, else op 9 (not resumable).
      const bucket = shard[0] % this.config.maxConcurrency;
      const last = this.lastIdentify.get(bucket);
      if (last !== undefined && Date.now() - last < this.config.identifyWindowMs) {
        this.send(connection, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
        return;
      }
      this.lastIdentify.set(bucket, Date.now());
    }
    this.sessionStarts++;
    connection.payloadCompression = d['compress'] === true && !connection.deflate;
    const session: GatewaySession = {
      sessionId: randomBytes(16).toString('hex'),
      shard,
      shardGiven: given !== undefined,
      seq: 0,
      intents,
      sent: [],
      connection,
      readyAt: Date.now(),
    };
    this.sessionsById.set(session.sessionId, session);
    connection.session = session;
    this.hooks.identified(session);
    this.hooks.changed();
  }

  private onResume(connection: Connection, d: unknown): void {
    if (!isRecord(d) || !this.tokenMatches(d['token'])) {
      connection.ws.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    const session = typeof d['session_id'] === 'string' ? this.sessionsById.get(d['session_id']) : undefined;
    const seq = typeof d['seq'] === 'number' ? d['seq'] : 0;
    if (!session || seq > session.seq) {
      // op 9 with d=false: the session cannot be resumed, identify anew.
      this.send(connection, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      return;
    }
    if (session.connection && session.connection !== connection) session.connection.ws.terminate();
    session.connection = connection;
    connection.session = session;
    for (const missed of session.sent.filter((p) => p.s > seq)) this.send(connection, missed);
    this.dispatch(session, 'RESUMED', null);
    this.hooks.changed();
  }
}

/** `[shard_id, num_shards]` with integers, `num_shards >= 1` and `0 <= shard_id < num_shards`. */
function isValidShard(shard: unknown): shard is [number, number] {
  return (
    Array.isArray(shard) &&
    shard.length === 2 &&
    shard.every((n) => Number.isInteger(n)) &&
    (shard[1] as number) >= 1 &&
    (shard[0] as number) >= 0 &&
    (shard[0] as number) < (shard[1] as number)
  );
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
