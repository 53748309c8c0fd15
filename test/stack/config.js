"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.REPO_ROOT = void 0;
exports.stackDir = stackDir;
exports.loadStackConfig = loadStackConfig;
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
/** Repository root (test/stack is two levels below it). */
exports.REPO_ROOT = (0, node_path_1.resolve)(__dirname, '..', '..');
function parseOffset(raw) {
    if (raw === undefined || raw === '')
        return 0;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < -20000 || n > 30000) {
        throw new Error(`HINDSIGHT_STACK_PORT_OFFSET must be an integer between -20000 and 30000, got "${raw}"`);
    }
    return n;
}
/** Folder of the stack: HINDSIGHT_STACK_DIR, else `.stack/` at the repository root. */
function stackDir(env = process.env) {
    return (0, node_path_1.resolve)(env.HINDSIGHT_STACK_DIR || (0, node_path_1.join)(exports.REPO_ROOT, '.stack'));
}
/**
 * Reads stack-config.json and applies HINDSIGHT_STACK_DIR, HINDSIGHT_STACK_PORT_OFFSET
 * and HINDSIGHT_CACHE_DIR.
 */
function loadStackConfig(env = process.env) {
    const file = JSON.parse((0, node_fs_1.readFileSync)((0, node_path_1.join)(__dirname, 'stack-config.json'), 'utf8'));
    const portOffset = parseOffset(env.HINDSIGHT_STACK_PORT_OFFSET);
    const ports = Object.fromEntries(Object.entries(file.ports).map(([k, v]) => [k, v + portOffset]));
    for (const [name, port] of Object.entries(ports)) {
        if (port < 1024 || port > 65535) {
            throw new Error(`port ${name}=${port} is outside 1024..65535; adjust HINDSIGHT_STACK_PORT_OFFSET`);
        }
    }
    return {
        ...file,
        ports,
        portOffset,
        stackDir: stackDir(env),
        cacheDir: (0, node_path_1.resolve)(env.HINDSIGHT_CACHE_DIR || (0, node_path_1.join)((0, node_os_1.homedir)(), '.cache', 'hindsight')),
    };
}
//# sourceMappingURL=config.js.map