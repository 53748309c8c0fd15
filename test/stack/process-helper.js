"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.removeFile = exports.sleep = exports.isRoot = void 0;
exports.progress = progress;
exports.userIds = userIds;
exports.serviceUser = serviceUser;
exports.run = run;
exports.startDaemon = startDaemon;
exports.cmdline = cmdline;
exports.isAlive = isAlive;
exports.livePid = livePid;
exports.descendants = descendants;
exports.processesMentioning = processesMentioning;
exports.stopProcesses = stopProcesses;
exports.waitUntil = waitUntil;
exports.tailFile = tailFile;
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
/** Prints one progress line of the launcher. */
function progress(message) {
    process.stdout.write(`[stack] ${message}\n`);
}
/** Looks a system user up; throws naming the user when it does not exist. */
function userIds(name) {
    const line = (0, node_fs_1.readFileSync)('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
    if (!line)
        throw new Error(`system user "${name}" does not exist (is its Debian package installed?)`);
    const f = line.split(':');
    return { uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '/' };
}
/** True when this process may switch to another user (root). */
const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
exports.isRoot = isRoot;
/**
 * The user a service runs as: the named system user when we are root (the servers refuse
 * to run as root), else ourselves.
 */
function serviceUser(name) {
    return (0, exports.isRoot)() ? userIds(name) : undefined;
}
/** Runs a command to completion, optionally as another user; never throws on a non-zero exit. */
function run(cmd, args, opts = {}) {
    return new Promise((resolvePromise, reject) => {
        const child = (0, node_child_process_1.spawn)(cmd, args, {
            cwd: opts.cwd,
            env: opts.env ?? process.env,
            uid: opts.user?.uid,
            gid: opts.user?.gid,
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d.toString()));
        child.stderr.on('data', (d) => (stderr += d.toString()));
        child.on('error', (err) => reject(new Error(`cannot run ${cmd}: ${err.message}`)));
        child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
    });
}
/** Starts a long-running server detached from us, output appended to logFile; returns its pid. */
function startDaemon(opts) {
    const fd = (0, node_fs_1.openSync)(opts.logFile, 'a');
    try {
        const child = (0, node_child_process_1.spawn)(opts.cmd, opts.args, {
            cwd: opts.cwd,
            env: opts.env ?? process.env,
            uid: opts.user?.uid,
            gid: opts.user?.gid,
            detached: true,
            stdio: ['ignore', fd, fd],
        });
        if (child.pid === undefined)
            throw new Error(`cannot start ${opts.cmd}; see ${opts.logFile}`);
        child.on('error', () => undefined);
        child.unref();
        (0, node_fs_1.writeFileSync)(opts.pidFile, `${child.pid}\n`);
        return child.pid;
    }
    finally {
        (0, node_fs_1.closeSync)(fd);
    }
}
/** Command line of a live process, or undefined when there is none with that pid. */
function cmdline(pid) {
    try {
        return (0, node_fs_1.readFileSync)(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    }
    catch {
        return undefined;
    }
}
/** True when the process exists and is not a zombie. */
function isAlive(pid) {
    try {
        const stat = (0, node_fs_1.readFileSync)(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    }
    catch {
        return false;
    }
}
/**
 * Pid recorded in pidFile when that process still runs and its command line contains
 * marker (guards against a recycled pid); else undefined.
 */
function livePid(pidFile, marker) {
    if (!(0, node_fs_1.existsSync)(pidFile))
        return undefined;
    const pid = Number((0, node_fs_1.readFileSync)(pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid))
        return undefined;
    return cmdline(pid)?.includes(marker) ? pid : undefined;
}
/** Pids of every process whose parent chain leads to pid. */
function descendants(pid) {
    const parent = new Map();
    for (const entry of (0, node_fs_1.readdirSync)('/proc')) {
        if (!/^\d+$/.test(entry))
            continue;
        try {
            const stat = (0, node_fs_1.readFileSync)(`/proc/${entry}/stat`, 'utf8');
            const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
            parent.set(Number(entry), ppid);
        }
        catch {
            // The process ended while we looked.
        }
    }
    const out = [];
    const walk = (p) => {
        for (const [child, pp] of parent)
            if (pp === p)
                (out.push(child), walk(child));
    };
    walk(pid);
    return out;
}
/** Live processes whose command line contains text (e.g. a stack folder). */
function processesMentioning(text) {
    return (0, node_fs_1.readdirSync)('/proc')
        .filter((e) => /^\d+$/.test(e))
        .map(Number)
        .filter((pid) => pid !== process.pid && isAlive(pid) && (cmdline(pid) ?? '').includes(text));
}
/** Sends signal, waits up to timeoutMs for the processes to end, then SIGKILLs what is left. */
async function stopProcesses(pids, signal, timeoutMs) {
    for (const pid of pids) {
        try {
            process.kill(pid, signal);
        }
        catch {
            // Already gone.
        }
    }
    const deadline = Date.now() + timeoutMs;
    while (pids.some(isAlive) && Date.now() < deadline)
        await (0, exports.sleep)(100);
    for (const pid of pids.filter(isAlive)) {
        try {
            process.kill(pid, 'SIGKILL');
        }
        catch {
            // Ended between the check and the kill.
        }
    }
    const killDeadline = Date.now() + 5000;
    while (pids.some(isAlive) && Date.now() < killDeadline)
        await (0, exports.sleep)(50);
}
/** Resolves after ms milliseconds. */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
exports.sleep = sleep;
/**
 * Polls check until it returns true; throws a timeout error naming what was awaited, or at
 * once when abort returns a reason (e.g. the server process died).
 */
async function waitUntil(what, check, timeoutMs, abort = () => undefined) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (await check().catch(() => false))
            return;
        const reason = abort();
        if (reason !== undefined)
            throw new Error(reason);
        if (Date.now() > deadline)
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await (0, exports.sleep)(200);
    }
}
/** The last lines of a log file, for error messages. */
function tailFile(file, lines = 20) {
    if (!(0, node_fs_1.existsSync)(file))
        return `(no log at ${file})`;
    return (0, node_fs_1.readFileSync)(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
/** Removes a file if present. */
const removeFile = (file) => (0, node_fs_1.rmSync)(file, { force: true });
exports.removeFile = removeFile;
//# sourceMappingURL=process-helper.js.map