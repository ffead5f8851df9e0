#!/usr/bin/env node
// Plain CommonJS with no modern syntax, so that an old Node reaches this check and prints it
// instead of dying inside libp2p (which needs Promise.withResolvers, Node >= 22).
'use strict'
var major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  process.stderr.write('cocoon needs Node.js 22 or newer (24 LTS recommended); this is Node ' +
    process.versions.node + '.\nRun it through npm ("npm run cocoon -- ARGS"), which uses the Node 24 that ' +
    'npm install put in node_modules, or install Node 24.\n')
  process.exit(1)
}
var path = require('path')
var url = require('url')
// A running node (`cocoon start`) restarts itself once, in place (execve keeps the pid, so signals and exit codes
// are untouched), with the V8 flags in node-flags.json. V8's default young generation lets a proxy's RSS grow by
// ~100 MiB under load (1,000 relayed streams: ~300 MiB by default, ~200 MiB with 4 MiB semi-spaces, at a few
// percent more GC time; see bench/README.md). Flags given by the user (command line or NODE_OPTIONS) win.
var nodeFlags = require('./node-flags.json')
var given = process.execArgv.join(' ') + ' ' + (process.env.NODE_OPTIONS || '')
var missing = nodeFlags.filter(function (f) { return given.indexOf(f.split('=')[0]) === -1 })
if (process.argv[2] === 'start' && missing.length > 0 && typeof process.execve === 'function' && process.platform !== 'win32') {
  process.execve(process.execPath, [process.execPath].concat(process.execArgv, missing, [__filename], process.argv.slice(2)), process.env)
}
import(url.pathToFileURL(path.join(__dirname, '..', 'dist', 'node', 'cli', 'main.js')).href)
  .then(function (m) { return m.main(process.argv) })
  .catch(function (err) {
    process.stderr.write('cocoon: ' + (err && err.message ? err.message : String(err)) + '\n')
    process.exit(1)
  })
