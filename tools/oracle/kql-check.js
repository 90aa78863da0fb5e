#!/usr/bin/env node
// kql-check.js — syntax + semantic oracle for KQL using Microsoft's Kusto.Language
// (the official C# parser/binder, compiled to JavaScript with Bridge.NET and shipped
// on npm as @kusto/language-service-next).
//
// Usage:
//   node kql-check.js --schema schema.json [--query-file q.kql | -q "<kql>" | < q.kql]
//                     [--db NAME] [--analyzers] [--no-result-schema] [--pretty]
//   --batch F.jsonl  analyze many queries in one process (module load ~0.6 s is paid once):
//                each input line {"id": any, "query": "<kql>"} -> one output line {"id":..., ...result}
//   --schemas DIR  read huntc's table schemas (DIR/*.json: {"name", "columns": [{"name", "type"}]})
//                instead of, or besides, --schema.
//   --analyzers  also run Kusto.Language's code analyzers (KustoCodeService.GetAnalyzerDiagnostics):
//                style/performance hints such as 'contains' vs 'has'; reported with kind "analyzer".
//
// schema.json:
//   {
//     "DeviceNetworkEvents": {"Timestamp": "datetime", "RemoteIP": "string", ...},
//     "OtherTable": "(A:string, B:long)",            // schema-string form also accepted
//     "$functions": {                                  // optional stored functions
//        "MyFunc": {"params": "(x:string)", "body": "{ DeviceNetworkEvents | where RemoteIP == x }"}
//     }
//   }
//
// Output (stdout, JSON):
//   { "ok": bool, "syntaxErrors": n, "errors": n, "warnings": n,
//     "diagnostics": [{code, severity, category, message, start, length, line, column, text}],
//     "resultKind": "...", "resultSchema": [{name, type}] | null, "kustoLanguageVersion": "..." }
// Exit status: 0 when there is no Error-severity diagnostic, 1 when there is, 2 on usage/IO error.
'use strict';

const fs = require('fs');
const path = require('path');

function usage(msg) {
  if (msg) process.stderr.write('kql-check: ' + msg + '\n');
  process.stderr.write('usage: node kql-check.js --schema schema.json [--query-file q.kql | -q "<kql>" | < q.kql] [--db NAME] [--analyzers] [--no-result-schema] [--pretty]\n');
  process.exit(2);
}

// ---- args -----------------------------------------------------------------
const argv = process.argv.slice(2);
let schemaFile = null, schemaDir = null, queryFile = null, queryText = null, dbName = 'db', pretty = false, withResult = true, analyzers = false, batchFile = null;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--schema' || a === '-s') schemaFile = argv[++i];
  else if (a === '--schemas') schemaDir = argv[++i];
  else if (a === '--query-file' || a === '-f') queryFile = argv[++i];
  else if (a === '--query' || a === '-q') queryText = argv[++i];
  else if (a === '--db') dbName = argv[++i];
  else if (a === '--pretty') pretty = true;
  else if (a === '--no-result-schema') withResult = false;
  else if (a === '--analyzers') analyzers = true;
  else if (a === '--batch') batchFile = argv[++i];
  else if (a === '-h' || a === '--help') usage();
  else if (!a.startsWith('-') && queryFile === null && queryText === null) queryFile = a;
  else usage('unknown argument ' + a);
}

let query = null;
if (batchFile === null) {
  try {
    if (queryText !== null) query = queryText;
    else if (queryFile !== null && queryFile !== '-') query = fs.readFileSync(queryFile, 'utf8');
    else query = fs.readFileSync(0, 'utf8');
  } catch (e) { usage('cannot read query: ' + e.message); }
}

let schema = {};
if (schemaFile) {
  try { schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8')); }
  catch (e) { usage('cannot read schema ' + schemaFile + ': ' + e.message); }
}
if (schemaDir) {
  for (const f of fs.readdirSync(schemaDir).filter(f => f.endsWith('.json')).sort()) {
    let table;
    try { table = JSON.parse(fs.readFileSync(path.join(schemaDir, f), 'utf8')); }
    catch (e) { usage('cannot read schema ' + f + ': ' + e.message); }
    schema[table.name] = Object.fromEntries(table.columns.map(c => [c.name, c.type]));
  }
}

// ---- load Kusto.Language (Bridge.NET runtime first, it defines global Bridge/System) --
const pkgDir = path.dirname(require.resolve('@kusto/language-service-next/package.json'));
require(path.join(pkgDir, 'bridge.min.js'));
require(path.join(pkgDir, 'Kusto.Language.Bridge.min.js'));
const K = global.Kusto.Language;
const S = K.Symbols;
const pkgVersion = require(path.join(pkgDir, 'package.json')).version;

// ---- build symbols ----------------------------------------------------------
function toArray(list) {            // System.Collections.Generic.IReadOnlyList -> JS array
  const out = [];
  if (!list) return out;
  const n = list.Count;
  for (let i = 0; i < n; i++) out.push(list.getItem(i));
  return out;
}

const setupErrors = [];
const members = [];
for (const [name, def] of Object.entries(schema)) {
  if (name === '$functions') continue;
  if (typeof def === 'string') {                      // "(A:string, B:long)"
    members.push(new S.TableSymbol.$ctor7(name, def, null));
    continue;
  }
  const cols = [];
  for (const [col, typeName] of Object.entries(def)) {
    const t = S.ScalarTypes.GetSymbol(String(typeName));
    if (!t) { setupErrors.push(`table ${name}: column ${col} has unknown type '${typeName}'`); continue; }
    cols.push(new S.ColumnSymbol(col, t, null, null, null, null));
  }
  members.push(new S.TableSymbol.$ctor4(name, cols));
}
for (const [fname, f] of Object.entries(schema.$functions || {})) {
  members.push(new S.FunctionSymbol.$ctor16(fname, f.params || '()', f.body, f.description || null));
}
if (setupErrors.length) { process.stderr.write(setupErrors.join('\n') + '\n'); process.exit(2); }

const db = new S.DatabaseSymbol.ctor(dbName, members);
const globals = K.GlobalState.Default.WithDatabase(db);

// ---- analyze ----------------------------------------------------------------
function analyze(query) {
  const code = K.KustoCode.ParseAndAnalyze(query, globals);
  const syntaxDiags = toArray(code.GetSyntaxDiagnostics());
  const allDiags = toArray(code.GetDiagnostics());
  const analyzerDiags = analyzers
    ? toArray(new K.Editor.KustoCodeService.ctor(code).GetAnalyzerDiagnostics(true, K.Utils.CancellationToken.None || undefined))
    : [];
  const syntaxKeys = new Set(syntaxDiags.map(d => `${d.Code}@${d.Start}:${d.Length}`));

  function lineCol(offset) {
    let line = 1, col = 1;
    for (let i = 0; i < offset && i < query.length; i++) {
      if (query[i] === '\n') { line++; col = 1; } else col++;
    }
    return [line, col];
  }

  const diagnostics = allDiags.concat(analyzerDiags).map((d, i) => {
    const [line, column] = d.HasLocation ? lineCol(d.Start) : [null, null];
    return {
      code: d.Code,
      severity: d.Severity,
      category: d.Category,
      kind: i >= allDiags.length ? 'analyzer' : syntaxKeys.has(`${d.Code}@${d.Start}:${d.Length}`) ? 'syntax' : 'semantic',
      message: d.Message,
      start: d.HasLocation ? d.Start : null,
      length: d.HasLocation ? d.Length : null,
      line, column,
      text: d.HasLocation ? query.substr(d.Start, Math.min(d.Length, 80)) : null,
    };
  });

  let resultSchema = null;
  const rt = code.ResultType;
  if (withResult && rt && rt instanceof S.TableSymbol) {
    resultSchema = toArray(rt.Columns).map(c => ({ name: c.Name, type: c.Type.Name }));
  } else if (withResult && rt) {
    resultSchema = { scalar: rt.Name };
  }

  const errors = diagnostics.filter(d => d.severity === 'Error').length;
  const out = {
    ok: errors === 0,
    syntaxErrors: diagnostics.filter(d => d.kind === 'syntax' && d.severity === 'Error').length,
    errors,
    warnings: diagnostics.filter(d => d.severity === 'Warning').length,
    diagnostics,
    resultKind: code.Kind,
    resultSchema,
    kustoLanguageVersion: pkgVersion,
  };
  return out;
}

if (batchFile !== null) {
  let lines;
  try { lines = fs.readFileSync(batchFile === '-' ? 0 : batchFile, 'utf8').split('\n'); }
  catch (e) { usage('cannot read batch file: ' + e.message); }
  let anyErr = false;
  for (const line of lines) {
    if (!line.trim()) continue;
    const item = JSON.parse(line);
    const r = analyze(item.query);
    anyErr = anyErr || !r.ok;
    process.stdout.write(JSON.stringify(Object.assign({ id: item.id }, r)) + '\n');
  }
  process.exit(anyErr ? 1 : 0);
} else {
  const out = analyze(query);
  process.stdout.write(JSON.stringify(out, null, pretty ? 2 : 0) + '\n');
  process.exit(out.ok ? 0 : 1);
}
