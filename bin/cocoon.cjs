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
import(url.pathToFileURL(path.join(__dirname, '..', 'dist', 'node', 'cli', 'main.js')).href)
  .then(function (m) { return m.main(process.argv) })
  .catch(function (err) {
    process.stderr.write('cocoon: ' + (err && err.message ? err.message : String(err)) + '\n')
    process.exit(1)
  })
