/**
 * The versioned schema of the SQL stores (PostgreSQL and PGlite). Each
 * migration is applied once, in order, inside a transaction holding a
 * per-schema advisory lock, and recorded in `<schema>.schema_migrations`;
 * the same script can be printed for a DBA to apply by hand.
 *
 * Version 1:
 * - `events`: one row per event. `position` is the dense global position
 *   (assigned under the append lock, see sqlEventStore.ts); `stream` is the
 *   case id; `revision` is 0-based in the stream; `event_id` is unique across
 *   the store (idempotency); `body` is the event's exact JSON text, so a read
 *   parses once and an export can copy it verbatim. Integrity seals live in
 *   the event's own `meta.integrity` (see `@docket/core` `Integrity`), so they
 *   travel with `body` and need no column.
 * - `checkpoints`: the last position each named subscriber processed.
 *
 * Version 2:
 * - `append_group(…)`: the append of a group of appends in one statement (one
 *   round trip, committed by the statement itself): it takes the append lock,
 *   and when none of the group's event ids is stored yet and every expected
 *   revision holds, inserts the events at head+1… and sends the NOTIFY; it
 *   returns the head and each case's last revision before the group, or NULL
 *   (writing nothing) so that the caller decides in a transaction of its own
 *   (idempotent repeats, conflicts, wrong revisions). See sqlAppendFast.ts
 *   and sqlAppendGroup.ts.
 *
 * Version 3 (partitioned reads, `readAll({ partition })`):
 * - `events.partition_key`: the case's `CasePartition.key` (the 32-bit FNV-1a
 *   hash of the case id over UTF-16 code units, 0 for the integrity
 *   checkpoints), so that a read of partition i of n is `partition_key % n = i`
 *   on the server. The store computes it on append (in JavaScript, the same
 *   function as everywhere else);
 * - `partition_key(text)`: the same function in PL/pgSQL, which fills the
 *   column of the rows already stored (once per case) when the migration
 *   runs, and of any row inserted without it (a trigger, so that a process of
 *   the previous version, or a hand-written INSERT, still stores a right key);
 * - `append_group(…, p_partition_key bigint[])`: version 2's function with the
 *   keys; version 2's own stays for processes of the previous version.
 * The function reads characters as Unicode code points (`ascii`), which holds
 * in a UTF8 database, the default and PGlite's.
 *
 * Versions 4 to 6: the sealed append function, its plans, the `seal_hash` check (see each below).
 *
 * Version 7 (an index of data subjects, `EventStore.casesOfSubject`):
 * - `subject_ids(text)`: the subject ids an event's body may name
 *   (`data.reporter.subjectId`, `data.victim.subjectId`, `meta.subjectId`),
 *   parsed once as `jsonb` (three reads of `json` parse the text three
 *   times: appends of reports were slower by a third); `{?}` when the body
 *   cannot be read so (not JSON, or holding `\u0000` or an unpaired surrogate
 *   anywhere, which `jsonb` refuses), so that such a row is found by every
 *   lookup and judged by the store;
 * - `events_subjects_idx`: a GIN index of it, partial to the types that can
 *   hold personal fields, so that other appends only test their type. No
 *   append function changes: PostgreSQL fills the index with the row.
 * The index is a superset: the store reads the rows it finds and keeps those
 * `PersonalData.subjectsOf` names (a reporter's id names its reporter only
 * when a personal field is there), so the answer is the scan's.
 *
 * Version 8 (the same index, without parsing on the server what the append already holds):
 * - `events.subjects`: a report's or review's subject ids as `subject_ids(body)` reads them,
 *   written by the store's appends (`subjectsColumn`, which reads them from the event the JSON text it sends is written from), or NULL:
 *   rows stored before, other types, bodies it leaves to the server (a `\u` escape, deep nesting,
 *   a named value that is not a string), and rows written by the checked path of an earlier release,
 *   by a process of version 7 or by hand;
 * - `append_group` and `append_group_sealed` with `p_subjects text[]` (array literals, or NULL);
 *   version 3's and 4's stay for processes of the previous version;
 * - `events_subjects_idx` rebuilt on `coalesce(subjects, subject_ids(body))`, which `subjectQuery`
 *   repeats: it finds the rows version 7's found, unreadable ones included (their `subjects` is NULL).
 * Like `partition_key`, the column is trusted: it is written only by the store's own append.
 *
 * Version 9 (sealing in the client, `append_group_presealed`): the store seals a group after the last
 * seal it remembers of each case (`lastSeals.ts`) and the function checks each against the case's
 * stored `seal_hash` under the lock, writing nothing and answering the stored ones when one differs;
 * version 8's `append_group_sealed`, which chains the seals in PL/pgSQL, stays, for processes of that
 * version and for the cases two processes append to in turn (`sqlAppendSealed.ts`).
 */
import { createHash } from 'node:crypto'
import { Integrity } from '@docket/core'
import type { Queryable } from './sql.js'

// model

/** One schema change. */
export interface Migration {
  readonly version: number
  readonly name: string
  /** The DDL, for the (already quoted) schema. */
  readonly sql: (schema: string) => string
}

/** A SQL string literal. */
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`

/**
 * How an append function seals: not at all (`append_group`), on the server (version 4's
 * `append_group_sealed`: it chains each event onto its stream's last seal), or in the client against
 * the heads it expects (version 9's `append_group_presealed`: it checks those heads and writes what it
 * is given).
 */
type Sealing = 'none' | 'server' | 'client'

/** Version 3's `append_group` and version 4's `append_group_sealed`, by their argument types (for `ALTER FUNCTION`). */
const APPEND_GROUP_ARGS =
  'append_group(bigint, text, text[], integer[], bigint[], integer[], integer[], integer[], text[], text[], timestamptz[], timestamptz[], text[], bigint[])'
const APPEND_GROUP_SEALED_ARGS =
  'append_group_sealed(bigint, text, text[], integer[], bigint[], integer[], integer[], integer[], text[], text[], timestamptz[], timestamptz[], text, bigint[], text)'

/** Versions 2 and 3: the last revision of each case of the group, -1 for a new stream. */
const lasts = (
  s: string,
): string => `  SELECT array_agg(coalesce((SELECT e.revision FROM ${s}.events e WHERE e.stream = c.stream
                             ORDER BY e.revision DESC LIMIT 1), -1) ORDER BY c.i)
    INTO v_last FROM unnest(p_cases) WITH ORDINALITY AS c(stream, i);`

const sealedDeclarations = `
  v_bodies text[] := string_to_array(p_body, E'\\x01');
  v_texts text[] := string_to_array(p_hashed, E'\\x01');
  v_prev text[];
  v_unknown boolean;
  v_hashes text[];
  v_hash text;
  v_case integer;`

/** Version 9: what the heads' check needs (see {@link sealedLasts}). */
const lastSealDeclarations = `
  v_prev text[];
  v_unknown boolean;`

/** Version 9: the client sealed after each case's `p_prev`; when one is not its last seal, it seals again after the answer. */
const staleSeals = `
  IF EXISTS (SELECT 1 FROM unnest(p_prev) WITH ORDINALITY AS g(h, c) WHERE g.h IS DISTINCT FROM v_prev[g.c]) THEN
    RETURN 's' || array_to_json(v_prev)::text;
  END IF;`

/** Version 4: the same, and the hash of each case's last seal (NULL for a new stream); declines when one is unknown. */
const sealedLasts = (
  s: string,
): string => `  SELECT array_agg(coalesce(l.revision, -1) ORDER BY c.i), array_agg(l.seal_hash ORDER BY c.i),
         bool_or(l.revision IS NOT NULL AND l.seal_hash IS NULL)
    INTO v_last, v_prev, v_unknown
    FROM unnest(p_cases) WITH ORDINALITY AS c(stream, i)
    LEFT JOIN LATERAL (SELECT e.revision, e.seal_hash FROM ${s}.events e
                       WHERE e.stream = c.stream ORDER BY e.revision DESC LIMIT 1) l ON true;
  IF v_unknown THEN
    RETURN NULL;
  END IF;`

/** Version 4: each event's seal, chained in the group's order, completes its body. */
const chainSeals = `
  FOR i IN 1 .. coalesce(cardinality(p_id), 0) LOOP
    v_case := p_case[i];
    v_hash := encode(sha256(convert_to(coalesce(v_prev[v_case], '') || E'\\n' || v_texts[i], 'UTF8')), 'hex');
    v_bodies[i] := v_bodies[i] || '{"alg":"sha256","prev":' || coalesce('"' || v_prev[v_case] || '"', 'null')
                 || ',"hash":"' || v_hash || '"}}}';
    v_hashes[i] := v_hash;
    v_prev[v_case] := v_hash;
  END LOOP;`

/** What each way of sealing puts in the append function (see {@link appendGroup}). */
const SEALING: Record<
  Sealing,
  {
    readonly suffix: string
    /** The type of `p_body`: one text per event, or all joined by U+0001. */
    readonly body: string
    /** The parameter of the seals' texts or hashes, after `p_partition_key`. */
    readonly seals: string
    /** The parameter of the heads the client sealed after, last. */
    readonly heads: string
    readonly declarations: string
    /** What runs once the revisions hold: chaining the seals, or checking the client's heads. */
    readonly sealing: string
    /** The bodies (and seals) the insert reads. */
    readonly rows: string
  }
> = {
  none: { suffix: '', body: 'text[]', seals: '', heads: '', declarations: '', sealing: '', rows: 'p_body' },
  server: {
    suffix: '_sealed',
    body: 'text',
    seals: ', p_hashed text',
    heads: '',
    declarations: sealedDeclarations,
    sealing: chainSeals,
    rows: 'v_bodies, v_hashes',
  },
  client: {
    suffix: '_presealed',
    body: 'text',
    seals: ', p_hashes text[]',
    heads: ', p_prev text[]',
    declarations: lastSealDeclarations,
    sealing: staleSeals,
    rows: "string_to_array(p_body, E'\\x01'), p_hashes",
  },
}

/**
 * The `append_group` function (see migration 2): version 2's, version 3's, which also writes
 * each row's `partition_key` (one per case, as `p_cases`), or version 4's `append_group_sealed`,
 * which also seals each event onto its stream's chain (see `Integrity.sealable`): `p_body` holds
 * each event's JSON up to its seal and `p_hashed` the text its seal hashes after the previous one,
 * each one text joined by U+0001 (which JSON text never holds: the driver escapes no array);
 * the hash is kept in `seal_hash` too, so that the next append reads it without parsing JSON. A
 * stream whose last event has no `seal_hash` (stored before version 4, or by an unsealed store)
 * makes it decline: the caller's own transaction reads that event's seal from its body.
 * Version 9's `append_group_presealed` takes each event's whole sealed JSON (joined so too), its
 * `p_hashes` and, per case, `p_prev`: the last seal the client sealed after (NULL for a new stream).
 * When a case's last `seal_hash` is another, it writes nothing and returns `s` and the JSON array of
 * the cases' last seals, for the client to seal again after them.
 * Every version stays defined, with its own signature: a process still on an older one keeps
 * calling its own.
 */
const appendGroup = (s: string, key: boolean, sealing: Sealing = 'none', subjects = false): string => {
  const m = SEALING[sealing]
  const sealed = sealing !== 'none'
  return `CREATE FUNCTION ${s}.append_group${m.suffix}(
  p_key bigint, p_channel text, p_cases text[],
  p_append_case integer[], p_expected bigint[], p_prior integer[],
  p_case integer[], p_offset integer[], p_id text[], p_type text[],
  p_occurred_at timestamptz[], p_recorded_at timestamptz[], p_body ${m.body}${key ? ', p_partition_key bigint[]' : ''}${m.seals}${subjects ? ', p_subjects text[]' : ''}${m.heads}
) RETURNS text LANGUAGE plpgsql VOLATILE${subjects ? `\n  SET enable_seqscan = off` : sealing === 'server' ? `\n  SET plan_cache_mode = force_custom_plan` : ''} AS $fn$
DECLARE
  v_head bigint;
  v_last integer[];${m.declarations}
BEGIN
  PERFORM pg_advisory_xact_lock(p_key);
  IF EXISTS (SELECT 1 FROM ${s}.events WHERE event_id = ANY (p_id)) THEN
    RETURN NULL;
  END IF;
  SELECT coalesce(max(position), 0) INTO v_head FROM ${s}.events;
${sealed ? sealedLasts(s) : lasts(s)}
  IF EXISTS (
    SELECT 1 FROM unnest(p_append_case, p_expected, p_prior) AS a(c, x, prior)
    WHERE NOT (x = -1 OR (x = -2 AND v_last[a.c] = -1 AND prior = 0) OR (x >= 0 AND v_last[a.c] + prior = x))
  ) THEN
    RETURN NULL;
  END IF;${m.sealing}
  INSERT INTO ${s}.events (position, stream, revision, event_id, type, occurred_at, recorded_at, body${key ? ', partition_key' : ''}${sealed ? ', seal_hash' : ''}${subjects ? ', subjects' : ''})
  SELECT v_head + e.i, p_cases[e.c], v_last[e.c] + 1 + e.o, e.id, e.t, e.oa, e.ra, e.b${key ? ', p_partition_key[e.c]' : ''}${sealed ? ', e.h' : ''}${subjects ? ', e.sj::text[]' : ''}
    FROM unnest(p_case, p_offset, p_id, p_type, p_occurred_at, p_recorded_at, ${m.rows}${subjects ? ', p_subjects' : ''})
         WITH ORDINALITY AS e(c, o, id, t, oa, ra, b, ${sealed ? 'h, ' : ''}${subjects ? 'sj, ' : ''}i);
  PERFORM pg_notify(p_channel, (v_head + cardinality(p_id))::text);
  RETURN v_head::text || ',' || array_to_string(v_last, ',');
END
$fn$;`
}

/**
 * The event types version 7 indexes by subject: `PersonalData.TYPES` when it was written (a test holds
 * them equal; a type added there needs a migration of its own, since this one is applied once).
 */
export const SUBJECT_TYPES: ReadonlyArray<string> = ['ContentReported', 'ReviewDecided']

/** The SQL condition on `type` of version 7's partial index, which a query must repeat for the index to be used. */
const subjectTypes = (column: string): string => `${column} IN (${SUBJECT_TYPES.map(literal).join(', ')})`

/** What version 7's `subject_ids` gives a row it cannot read: a key every lookup asks for. */
const UNREADABLE_SUBJECT = '?'

/** Version 8's indexed expression in the (quoted) schema `s`, of the row alias `e` if any: the row's `subjects`, else `subject_ids(body)`. */
const subjectsOf = (s: string, e?: string): string => {
  const c = e === undefined ? '' : `${e}.`
  return `coalesce(${c}subjects, ${s}.subject_ids(${c}body))`
}

/** The most brackets a body may hold for {@link subjectsColumn} to read it (PostgreSQL's parser nests far deeper). */
const MAX_BRACKETS = 1_000

/** An element of a PostgreSQL array literal. */
const arrayElement = (s: string): string => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`

/**
 * Version 8's `subjects` of an event of type `type` stored as the JSON text `body` (with `event`
 * given, a sealed event's `bodyHead` will do: its seal, last, adds nothing the checks look for): what
 * `subject_ids(body)` gives, as an array literal,
 * or `null` (the row's `subjects` stays NULL and the index reads `subject_ids(body)` itself) when
 * the type is not indexed or the body is one this does not read as `jsonb` surely would: any `\\u`
 * escape (NUL and unpaired surrogates are written so), a character `jsonb` refuses, deep nesting,
 * or a named value that is not a string (`jsonb` gives its text form). `event`, when given, is the
 * value `body` is the `JSON.stringify` of (the append holds it), read instead of parsing `body`.
 */
export const subjectsColumn = (type: string, body: string, event?: unknown): string | null => {
  if (!SUBJECT_TYPES.includes(type) || body.includes('\\u') || !storable(body)) return null
  let brackets = 0
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i)
    if ((c === 123 || c === 91) && ++brackets > MAX_BRACKETS) return null
  }
  // the value `body` was written from, when the caller has it: no second parse of the same text
  let v: unknown = event
  if (v === undefined)
    try {
      v = JSON.parse(body)
    } catch {
      return null
    }
  const ids: string[] = []
  for (const path of SUBJECT_PATHS) {
    let x: unknown = v
    for (const k of path) x = isObject(x) ? x[k] : undefined
    if (x === undefined || x === null) continue
    if (typeof x !== 'string') return null
    ids.push(x)
  }
  return `{${ids.map(arrayElement).join(',')}}`
}

/** The paths `subject_ids` reads, in its order. */
const SUBJECT_PATHS: ReadonlyArray<ReadonlyArray<string>> = [
  ['data', 'reporter', 'subjectId'],
  ['data', 'victim', 'subjectId'],
  ['meta', 'subjectId'],
]

/** A JSON object (`#>>` reads a key of an object only: of an array, only a numeric one, which no path holds). */
const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x)

/** Whether `jsonb` and text keep `s` as it is: no NUL, no unpaired UTF-16 surrogate (which text stores as U+FFFD). */
const storable = (s: string): boolean =>
  !s.includes('\u0000') && (s as unknown as { isWellFormed(): boolean }).isWellFormed()

/**
 * The query of the bodies that may name `subjectId`, on version 7's index of the (quoted) schema `s`: the
 * rows indexed under it or as unreadable, and for `case:<id>`, the rows of those types in that case. An id
 * `jsonb` cannot hold is looked up as unreadable only (`subject_ids` could not read its row either).
 */
export const subjectQuery = (
  s: string,
  subjectId: string,
): { readonly text: string; readonly params: ReadonlyArray<unknown> } => {
  const keys = storable(subjectId) ? [subjectId, UNREADABLE_SUBJECT] : [UNREADABLE_SUBJECT]
  const text = `SELECT e.body FROM ${s}.events e WHERE ${subjectTypes('e.type')} AND ${subjectsOf(s, 'e')} && $1::text[]`
  const caseId = subjectId.startsWith('case:') ? subjectId.slice('case:'.length) : undefined
  if (caseId === undefined || !storable(caseId)) return { text, params: [keys] }
  return {
    text: `${text} UNION ALL SELECT e.body FROM ${s}.events e WHERE e.stream = $2 AND ${subjectTypes('e.type')}`,
    params: [keys, caseId],
  }
}

/** Every migration, in order. */
export const MIGRATIONS: ReadonlyArray<Migration> = [
  {
    version: 1,
    name: 'events, streams by case, checkpoints',
    sql: (s) => `
CREATE TABLE ${s}.events (
  position    bigint      NOT NULL,
  stream      text        NOT NULL,
  revision    integer     NOT NULL,
  event_id    text        NOT NULL,
  type        text        NOT NULL,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL,
  body        text        NOT NULL,
  CONSTRAINT events_pkey PRIMARY KEY (position),
  CONSTRAINT events_event_id_key UNIQUE (event_id),
  CONSTRAINT events_stream_revision_key UNIQUE (stream, revision)
);
CREATE INDEX events_type_position_idx ON ${s}.events (type, position);
CREATE TABLE ${s}.checkpoints (
  subscriber  text        NOT NULL PRIMARY KEY,
  position    text        NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);`,
  },
  {
    version: 2,
    name: 'append_group: a group of appends in one statement',
    // Each statement of a VOLATILE PL/pgSQL function takes a new snapshot (READ COMMITTED): what it reads after
    // the lock includes every append committed before the lock was granted, as the two-statement path does.
    // Cases are 1-based indexes into p_cases; p_expected: -1 any, -2 no_stream, n >= 0 exact; p_prior: events
    // of the append's case earlier in the group; p_offset: an event's 0-based ordinal among its case's events
    // in the group. Positions follow the order of the arrays.
    sql: (s) => `
${appendGroup(s, false)}`,
  },
  {
    version: 3,
    name: 'partition_key: the case hash for partitioned reads',
    // FNV-1a over UTF-16 code units: a code point above U+FFFF is its surrogate pair. Every value stays below
    // 2^57 (a 32-bit hash times the 25-bit prime), so bigint arithmetic masked to 32 bits is exact.
    sql: (s) => `
CREATE FUNCTION ${s}.partition_key(p_case text) RETURNS bigint LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  h bigint := 2166136261;
  c bigint;
  ch text;
BEGIN
  IF p_case = ${literal(Integrity.CHECKPOINT_CASE)} THEN
    RETURN 0;
  END IF;
  FOREACH ch IN ARRAY coalesce(string_to_array(p_case, NULL), '{}') LOOP
    c := ascii(ch);
    IF c > 65535 THEN
      h := ((h # (55296 + ((c - 65536) >> 10))) * 16777619) & 4294967295;
      h := ((h # (56320 + ((c - 65536) & 1023))) * 16777619) & 4294967295;
    ELSE
      h := ((h # c) * 16777619) & 4294967295;
    END IF;
  END LOOP;
  RETURN h;
END
$fn$;
ALTER TABLE ${s}.events ADD COLUMN partition_key bigint;
UPDATE ${s}.events e SET partition_key = k.partition_key
  FROM (SELECT stream, ${s}.partition_key(stream) AS partition_key FROM ${s}.events GROUP BY stream) k
  WHERE e.stream = k.stream;
ALTER TABLE ${s}.events ALTER COLUMN partition_key SET NOT NULL;
CREATE FUNCTION ${s}.events_partition_key() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  NEW.partition_key := ${s}.partition_key(NEW.stream);
  RETURN NEW;
END
$fn$;
CREATE TRIGGER events_partition_key BEFORE INSERT ON ${s}.events
  FOR EACH ROW WHEN (NEW.partition_key IS NULL) EXECUTE FUNCTION ${s}.events_partition_key();
${appendGroup(s, true)}`,
  },
  {
    version: 4,
    name: 'append_group_sealed: appends sealed inside their own statement',
    // The seal's hash is SHA-256 over UTF-8 (convert_to), as Integrity computes it in JavaScript: this holds in a
    // UTF8 database, the default and PGlite's. `sha256(bytea)` is built in since PostgreSQL 11.
    // plan_cache_mode (PostgreSQL 12): PL/pgSQL caches a generic plan per connection after five calls; made while
    // the table was small, it kept scanning the whole table for the group's event ids as the table grew (appends
    // on a new store slowed threefold within 13,000 events). Planned at each call, the indexes are used.
    sql: (s) => `
ALTER TABLE ${s}.events ADD COLUMN seal_hash text;
${appendGroup(s, true, 'server')}
ALTER FUNCTION ${s}.${APPEND_GROUP_ARGS} SET plan_cache_mode = force_custom_plan;`,
  },
  {
    version: 5,
    name: 'append functions: cached plans kept to the indexes',
    // Planning every statement at every call (version 4's plan_cache_mode) was 6-12 % of an append group's time.
    // enable_seqscan = off instead: the generic plan PL/pgSQL caches after five calls, even one made while the
    // table was nearly empty, reads the group's event ids, the head and each case's last event by index (the
    // sequential scan that grew with the table is what version 4 had to prevent). The statements of these
    // functions have an index for every read, so the setting takes nothing else from them.
    sql: (s) =>
      [APPEND_GROUP_ARGS, APPEND_GROUP_SEALED_ARGS]
        .map(
          (args) => `
ALTER FUNCTION ${s}.${args} RESET plan_cache_mode;
ALTER FUNCTION ${s}.${args} SET enable_seqscan = off;`,
        )
        .join(''),
  },
  {
    version: 6,
    name: 'events.seal_hash checked against the seal in body',
    // append_group_sealed chains each new event onto its stream's last seal_hash, which verify never reads (it
    // checks body): a seal_hash edited alone verified clean, and the next append sealed an honest event onto it,
    // which verify then reported altered. A sealed body ends with `"hash":"<64 hex>"}}}` (Integrity.sealedBody
    // and the function alike: meta last in the event, integrity last in meta), so the column must be that hash.
    // NOT VALID: rows stored before are not read (no scan under the migration's lock); every insert and update is
    // checked, and `ALTER TABLE … VALIDATE CONSTRAINT events_seal_hash_check` checks the rows stored before.
    sql: (s) => `
ALTER TABLE ${s}.events ADD CONSTRAINT events_seal_hash_check
  CHECK (seal_hash IS NULL OR right(body, 68) = seal_hash || '"}}}') NOT VALID;`,
  },
  {
    version: 7,
    name: 'events_subjects_idx: the cases of a data subject',
    // The EXCEPTION block is a subtransaction, entered only for rows of those types (the index's predicate is
    // tested first). CREATE INDEX reads every stored row of those types under the migration's lock (appends wait).
    sql: (s) => `
CREATE FUNCTION ${s}.subject_ids(p_body text) RETURNS text[] LANGUAGE plpgsql IMMUTABLE STRICT AS $fn$
DECLARE
  v jsonb;
BEGIN
  v := p_body::jsonb;
  RETURN array_remove(ARRAY[v #>> '{data,reporter,subjectId}', v #>> '{data,victim,subjectId}',
                            v #>> '{meta,subjectId}'], NULL);
EXCEPTION WHEN others THEN
  RETURN ARRAY[${literal(UNREADABLE_SUBJECT)}];
END
$fn$;
CREATE INDEX events_subjects_idx ON ${s}.events USING gin (${s}.subject_ids(body))
  WHERE ${subjectTypes('type')};`,
  },
  {
    version: 8,
    name: 'events.subjects: the data subjects written by the append',
    // Version 7's index parsed every indexed body as jsonb on insert: 0.6 of 3.4 ms of a sealed group's function.
    // ADD COLUMN without a default rewrites nothing; CREATE INDEX reads every stored row of those types under the
    // migration's lock (appends wait), as version 7's did: their subjects are NULL, so it calls subject_ids.
    sql: (s) => `
ALTER TABLE ${s}.events ADD COLUMN subjects text[];
${appendGroup(s, true, 'none', true)}
${appendGroup(s, true, 'server', true)}
DROP INDEX ${s}.events_subjects_idx;
CREATE INDEX events_subjects_idx ON ${s}.events USING gin (${subjectsOf(s)})
  WHERE ${subjectTypes('type')};`,
  },
  {
    version: 9,
    name: 'append_group_presealed: appends sealed by the client against the heads it expects',
    // Version 4's loop chaining each event's seal in PL/pgSQL was about half of the sealed function's time per
    // group (ninth pass after the twelfth in docs/performance.md). The store remembers each stream's last seal
    // after its own appends and seals in JavaScript (Integrity.sealedBody); the function only compares each
    // case's expected last seal with its stored seal_hash, under the same lock, and the client seals again
    // after the heads it returns when one differs. Version 8's functions stay for processes of that version, and
    // its append_group_sealed for groups holding a case another process appends to as well.
    sql: (s) => `
${appendGroup(s, true, 'client', true)}`,
  },
]

/** The latest schema version this code needs. */
export const LATEST: number = MIGRATIONS[MIGRATIONS.length - 1]!.version

// operations

/** A quoted identifier (the schema is already restricted to [a-z0-9_]). */
export const quote = (schema: string): string => `"${schema}"`

/** A stable 64-bit advisory lock key for `purpose` in `schema`, as a decimal string. */
export const lockKey = (schema: string, purpose: 'append' | 'migrate'): string =>
  createHash('sha1').update(`docket:${purpose}:${schema}`).digest().readBigInt64BE(0).toString()

const bookkeeping = (s: string): string =>
  `CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
  version    integer     NOT NULL PRIMARY KEY,
  name       text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);`

/** The whole migration script for `schema`, idempotent at the version level, for a DBA to review and apply. */
export const script = (schema: string, from = 0): string => {
  const s = quote(schema)
  const steps = MIGRATIONS.filter((m) => m.version > from).map(
    (m) =>
      `-- migration ${m.version}: ${m.name}\nBEGIN;${m.sql(s)}\nINSERT INTO ${s}.schema_migrations (version, name) VALUES (${m.version}, '${m.name.replace(/'/g, "''")}');\nCOMMIT;`,
  )
  return (
    [`-- Docket event store schema ${schema}, version ${LATEST}`, bookkeeping(s), ...steps].join('\n\n') +
    '\n'
  )
}

/** The columns of Docket's `schema_migrations`, which tell it from another tool's table of that name. */
const BOOKKEEPING_COLUMNS: ReadonlyArray<string> = ['version', 'name', 'applied_at']

const notDocket = (schema: string, why: string): Error =>
  new Error(
    `schema ${schema} is not a Docket store: ${why}; give the store a schema of its own ` +
      '(?schema= in the store URL, or the schema option)',
  )

/**
 * The version the schema is at (0 when it does not exist). Throws, creating nothing, when the schema
 * holds another tool's tables where Docket's would be: a `schema_migrations` of other columns (the
 * name golang-migrate, Rails and others use), or an `events` table with no Docket version recorded.
 */
export const currentVersion = async (q: Queryable, schema: string): Promise<number> => {
  const s = quote(schema)
  const [found] = await q.query<{ columns: string | null; events: boolean }>(
    `SELECT (SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute
              WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped) AS columns,
            to_regclass($2) IS NOT NULL AS events`,
    [`${s}.schema_migrations`, `${s}.events`],
  )
  const columns = found?.columns?.split(',')
  if (columns !== undefined && !BOOKKEEPING_COLUMNS.every((c) => columns.includes(c)))
    throw notDocket(
      schema,
      `its table schema_migrations has the columns (${columns.join(', ')}), not Docket's (${BOOKKEEPING_COLUMNS.join(', ')})`,
    )
  const version =
    columns === undefined
      ? 0
      : ((
          await q.query<{ version: number | null }>(
            `SELECT max(version) AS version FROM ${s}.schema_migrations`,
          )
        )[0]?.version ?? 0)
  if (version === 0 && found?.events === true)
    throw notDocket(schema, 'it holds a table events, but no Docket schema version (schema_migrations)')
  return version
}

/**
 * Applies the missing migrations, serialised across processes by an advisory lock; returns the
 * versions applied. A schema already at the code's version is only read (no `CREATE`, no lock), so
 * a role allowed to read and append but not to change the schema opens it.
 */
export const migrate = async (
  transaction: <A>(f: (q: Queryable) => Promise<A>) => Promise<A>,
  schema: string,
): Promise<ReadonlyArray<number>> =>
  transaction(async (q) => {
    if ((await currentVersion(q, schema)) >= LATEST) return []
    await q.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey(schema, 'migrate')])
    const s = quote(schema)
    await q.exec(bookkeeping(s))
    const at = await currentVersion(q, schema)
    const applied: number[] = []
    for (const m of MIGRATIONS) {
      if (m.version <= at) continue
      await q.exec(m.sql(s))
      await q.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name])
      applied.push(m.version)
    }
    return applied
  })
