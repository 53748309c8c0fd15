"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.endpointsFile = void 0;
exports.loadStackEndpoints = loadStackEndpoints;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const config_1 = require("./config");
const process_helper_1 = require("./process-helper");
/** Path of endpoints.json of the stack in HINDSIGHT_STACK_DIR (default `.stack/`). */
const endpointsFile = (env = process.env) => (0, node_path_1.join)((0, config_1.stackDir)(env), 'endpoints.json');
exports.endpointsFile = endpointsFile;
/**
 * Reads the running local stack's endpoints. Throws an error naming `npm run stack -- up`
 * when the stack was never started or one of its components is no longer running.
 */
function loadStackEndpoints(env = process.env) {
    const file = (0, exports.endpointsFile)(env);
    if (!(0, node_fs_1.existsSync)(file)) {
        throw new Error(`the local stack is not up (no ${file}); start it with \`npm run stack -- up\``);
    }
    const endpoints = JSON.parse((0, node_fs_1.readFileSync)(file, 'utf8'));
    const down = Object.entries(endpoints.pids).filter(([, pid]) => !(0, process_helper_1.isAlive)(pid));
    if (down.length > 0) {
        const names = down.map(([name, pid]) => `${name} (pid ${pid})`).join(', ');
        throw new Error(`local stack component(s) down: ${names}; check with \`npm run stack -- status\`, restart with \`npm run stack -- up\``);
    }
    return endpoints;
}
//# sourceMappingURL=endpoints.js.map