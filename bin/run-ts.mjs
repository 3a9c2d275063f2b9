// Runs one of Jumeau's TypeScript command-line programs with Node and tsx (the project's
// development install: `npm ci`), passing the arguments, standard streams and exit code through.
// The `bin` entries of package.json (jumeau-city, jumeau-sim, jumeau-demo, jumeau-bench) use it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Whether tsx is installed (a development install). */
export function tsxAvailable() {
  try {
    import.meta.resolve('tsx');
    return true;
  } catch {
    return false;
  }
}

/** Runs `file` (a path from the project root) with the arguments this process received. */
export function runTs(file) {
  let tsx;
  try {
    tsx = import.meta.resolve('tsx');
  } catch {
    console.error(`${file}: needs tsx (a development dependency): run "npm ci" in the Jumeau folder`);
    process.exit(1);
  }
  const script = fileURLToPath(new URL(`../${file}`, import.meta.url));
  const child = spawn(process.execPath, ['--import', tsx, script, ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => {
    if (signal !== null) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
