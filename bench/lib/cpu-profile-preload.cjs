// Preloaded with NODE_OPTIONS="--require .../cpu-profile-preload.cjs" (node 20 refuses --cpu-prof there):
// profiles the whole process and writes BENCH_CPU_PROFILE_DIR/<BENCH_CPU_PROFILE_TAG>-<pid>.cpuprofile at exit.
'use strict';
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  let written = false;
  process.on('exit', () => {
    if (written) return;
    written = true;
    // An in-process session answers synchronously, so this completes inside the exit handler.
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(join(dir, `${process.env.BENCH_CPU_PROFILE_TAG || 'node'}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
