// hunts-check.mjs — huntc against DuckDB on the peer benchmark's hunts (../shared/bench/hunts):
// generates DeviceNetworkEvents with gen-events, runs each hunt with huntc (with the JIT where it
// compiles the hunt, and with the interpreter) and the SQL equivalent below with DuckDB on the
// same file, and compares the rows, ignoring order. make_set(X, 10) is compared as a set: huntc's
// must hold min(10, n) distinct values, all among DuckDB's n. Prints what differs; exits 1 when
// anything does, 0 when all agree.
//
// Usage: node hunts-check.mjs --huntc build/huntc --gen build/gen-events --hunts DIR
//                             [--events 100000] [--now 2026-11-20T00:00:00Z]
import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const huntc = opt('--huntc'), gen = opt('--gen'), huntsDir = opt('--hunts');
const events = opt('--events', '100000'), now = opt('--now', '2026-11-20T00:00:00Z');
if (!huntc || !gen || !huntsDir) {
  console.error('usage: node hunts-check.mjs --huntc HUNTC --gen GEN_EVENTS --hunts DIR [--events N] [--now ISO]');
  process.exit(2);
}

// The SQL a DuckDB user would write for each hunt, per ../reference/kql-semantics.md: `in~` is
// case-insensitive equality; `has` a whole term (maximal alphanumeric runs); `contains`
// case-insensitive substring; `and` binds tighter than `or`; dcount is exact at these sizes;
// make_set keeps every distinct value here (the limit is checked in compare()).
const COLUMNS = {
  Timestamp: 'TIMESTAMP', DeviceName: 'VARCHAR', ActionType: 'VARCHAR', RemoteIP: 'VARCHAR',
  RemotePort: 'INTEGER', RemoteUrl: 'VARCHAR', RemoteIPType: 'VARCHAR',
  InitiatingProcessFileName: 'VARCHAR', InitiatingProcessCommandLine: 'VARCHAR',
};
const NOW = `TIMESTAMP '${now.replace('T', ' ').replace('Z', '')}'`;
const SQL = {
  a_lolbin_connections: (from) => `
    SELECT Timestamp, DeviceName, InitiatingProcessFileName, RemoteIP, RemotePort FROM ${from}
    WHERE Timestamp > ${NOW} - INTERVAL 7 DAY
      AND lower(InitiatingProcessFileName) IN ('powershell.exe', 'cmd.exe', 'rundll32.exe', 'mshta.exe', 'wscript.exe')`,
  b_shared_destinations: (from) => `
    SELECT RemoteIP, RemotePort, count(*) AS Connections, count(DISTINCT DeviceName) AS Devices,
           list(DISTINCT InitiatingProcessFileName) AS Processes
    FROM ${from} GROUP BY RemoteIP, RemotePort
    HAVING count(DISTINCT DeviceName) > 1 OR count(*) > 20`,
  c_pastebin_or_encoded: (from) => `
    SELECT Timestamp, DeviceName, RemoteUrl, InitiatingProcessCommandLine FROM ${from}
    WHERE (ActionType = 'ConnectionSuccess' AND RemoteIPType = 'Public'
           AND regexp_matches(RemoteUrl, '(?i)(^|[^0-9a-z])pastebin([^0-9a-z]|$)'))
       OR contains(lower(InitiatingProcessCommandLine), '-enc')`,
};
// Columns whose values are sets (make_set), with the limit the hunt gives, and the column the
// hunt orders by (descending).
const SETS = { b_shared_destinations: { Processes: 10 } };
const ORDER = { b_shared_destinations: 'Connections' };

// One canonical text per value: datetimes to the microsecond (DuckDB's precision), a missing
// string as "" (KQL strings have no null), numbers as numbers.
const DATETIME = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d+))?Z?$/;
function canon(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    const m = DATETIME.exec(v);
    if (m) return `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(6, '0').slice(0, 6)}`;
    return v;
  }
  return v;
}

function runHuntc(kql, file, engine, out) {
  const r = spawnSync(huntc, ['query', kql, '--events', file, '--now', now, '--engine', engine,
    '--format', 'jsonl', '-o', out], { encoding: 'utf8' });
  if (r.status !== 0) return { error: r.stderr.trim() };
  const text = fs.readFileSync(out, 'utf8');
  // Each detection is {"row": {column: value, ...}} (runtime/output.h).
  return { rows: text.split('\n').filter((l) => l).map((l) => JSON.parse(l).row) };
}

// Compares huntc's rows with DuckDB's; returns a list of differences (empty when they agree).
// `numeric` names the columns DuckDB types as integers (it hands BIGINTs over as strings).
function compare(name, columns, numeric, ours, theirs) {
  const problems = [];
  const sets = SETS[name] ?? {};
  const order = ORDER[name];
  if (order) {
    for (let i = 1; i < ours.length; i++) {
      if (ours[i - 1][order] < ours[i][order]) {
        problems.push(`not ordered by ${order} desc at row ${i}`);
        break;
      }
    }
  }
  const key = (row) => JSON.stringify(columns.filter((c) => !(c in sets)).map((c) => {
    const v = canon(row[c]);
    if (v !== null && numeric.has(c)) return Number(v);
    return v === null && COLUMNS[c] === 'VARCHAR' ? '' : v;
  }));
  const index = new Map();
  for (const row of theirs) {
    const k = key(row);
    if (!index.has(k)) index.set(k, []);
    index.get(k).push(row);
  }
  for (const row of ours) {
    const names = Object.keys(row);
    if (names.join(',') !== columns.join(',')) {
      problems.push(`columns: huntc ${names.join(',')}, DuckDB ${columns.join(',')}`);
      return problems;
    }
    const k = key(row);
    const candidates = index.get(k);
    if (!candidates || candidates.length === 0) {
      problems.push(`only huntc: ${k}`);
      continue;
    }
    const theirRow = candidates.pop();
    for (const [column, limit] of Object.entries(sets)) {
      const mine = row[column], all = new Set((theirRow[column] ?? []).filter((v) => v !== null));
      const want = Math.min(limit, all.size);
      if (!Array.isArray(mine) || new Set(mine).size !== mine.length || mine.length !== want ||
          !mine.every((v) => all.has(v))) {
        problems.push(`${k}: ${column} huntc ${JSON.stringify(mine)}, DuckDB (all distinct) ${JSON.stringify([...all])}`);
      }
    }
  }
  for (const [k, rest] of index) {
    for (let i = 0; i < rest.length; i++) problems.push(`only DuckDB: ${k}`);
  }
  return problems;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hunts-check-'));
let failed = false;
try {
  const file = path.join(dir, 'DeviceNetworkEvents.jsonl');
  const g = spawnSync(gen, ['--events', events, '--seed', '3', '--now', now, '--scenarios', 'all',
    '--columns', Object.keys(COLUMNS).join(','), '-o', file], { encoding: 'utf8' });
  if (g.status !== 0) throw new Error(`gen-events failed: ${g.stderr}`);
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const spec = '{' + Object.entries(COLUMNS).map(([c, t]) => `'${c}': '${t}'`).join(', ') + '}';
  const from = `read_json('${file}', format='newline_delimited', columns=${spec})`;
  const hunts = fs.readdirSync(huntsDir).filter((f) => f.endsWith('.kql')).sort();
  if (hunts.length === 0) throw new Error(`no .kql hunts in ${huntsDir}`);
  for (const f of hunts) {
    const name = path.basename(f, '.kql');
    if (!SQL[name]) {
      console.log(`${name}: FAIL: no SQL equivalent in hunts-check.mjs`);
      failed = true;
      continue;
    }
    const reader = await conn.runAndReadAll(SQL[name](from));
    const columns = reader.columnNames();
    const types = reader.columnTypes().map((t) => t.toString());
    const numeric = new Set(columns.filter((c, i) => /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$/.test(types[i])));
    const theirs = reader.getRowObjectsJson();
    const kql = fs.readFileSync(path.join(huntsDir, f), 'utf8');
    for (const engine of ['jit', 'interp']) {
      const r = runHuntc(kql, file, engine, path.join(dir, `${name}.${engine}.jsonl`));
      if (r.error) {
        // The JIT does not compile every hunt yet (HC500); the interpreter must.
        if (engine === 'jit' && r.error.includes('HC500')) {
          console.log(`${name} (jit): not compiled by the JIT yet: ${r.error.split('\n')[0]}`);
          continue;
        }
        console.log(`${name} (${engine}): FAIL: huntc failed: ${r.error}`);
        failed = true;
        continue;
      }
      const problems = compare(name, columns, numeric, r.rows, theirs);
      const shown = problems.slice(0, 15);
      if (problems.length === 0) {
        console.log(`${name} (${engine}): same ${r.rows.length} rows as DuckDB`);
      } else {
        failed = true;
        console.log(`${name} (${engine}): FAIL: huntc ${r.rows.length} rows, DuckDB ${theirs.length}; ` +
          `${problems.length} differences, first ${shown.length}:\n  ${shown.join('\n  ')}`);
      }
    }
  }
} catch (e) {
  console.log(`FAIL: ${e.message}`);
  failed = true;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
