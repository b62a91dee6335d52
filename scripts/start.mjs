// `npm start` and `npm run cli`: build what is stale, then run the compiled server (or the CLI) in this
// same process with plain node.
import { ensureBuilt } from './build.mjs';

process.setSourceMapsEnabled(true);
const cli = process.argv[2] === 'cli';
if (cli) process.argv.splice(2, 1);
await ensureBuilt(cli ? ['server'] : ['client', 'server'], { log: (line) => console.error(line) });
await import(cli ? '../dist/server/cli.js' : '../dist/server/main.js');
