/** Prints one progress line of the launcher. */
export declare function progress(message: string): void;
/** Numeric ids of a system user, read from /etc/passwd. */
export interface UserIds {
    uid: number;
    gid: number;
    home: string;
}
/** Looks a system user up; throws naming the user when it does not exist. */
export declare function userIds(name: string): UserIds;
/** True when this process may switch to another user (root). */
export declare const isRoot: () => boolean;
/**
 * The user a service runs as: the named system user when we are root (the servers refuse
 * to run as root), else ourselves.
 */
export declare function serviceUser(name: string): UserIds | undefined;
/** Result of a finished command. */
export interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
}
/** Runs a command to completion, optionally as another user; never throws on a non-zero exit. */
export declare function run(cmd: string, args: string[], opts?: {
    user?: UserIds;
    cwd?: string;
    env?: NodeJS.ProcessEnv;
}): Promise<RunResult>;
/** Starts a long-running server detached from us, output appended to logFile; returns its pid. */
export declare function startDaemon(opts: {
    cmd: string;
    args: string[];
    logFile: string;
    pidFile: string;
    user?: UserIds;
    cwd?: string;
    env?: NodeJS.ProcessEnv;
}): number;
/** Command line of a live process, or undefined when there is none with that pid. */
export declare function cmdline(pid: number): string | undefined;
/** True when the process exists and is not a zombie. */
export declare function isAlive(pid: number): boolean;
/**
 * Pid recorded in pidFile when that process still runs and its command line contains
 * marker (guards against a recycled pid); else undefined.
 */
export declare function livePid(pidFile: string, marker: string): number | undefined;
/** Pids of every process whose parent chain leads to pid. */
export declare function descendants(pid: number): number[];
/** Live processes whose command line contains text (e.g. a stack folder). */
export declare function processesMentioning(text: string): number[];
/** Sends signal, waits up to timeoutMs for the processes to end, then SIGKILLs what is left. */
export declare function stopProcesses(pids: number[], signal: NodeJS.Signals, timeoutMs: number): Promise<void>;
/** Resolves after ms milliseconds. */
export declare const sleep: (ms: number) => Promise<void>;
/**
 * Polls check until it returns true; throws a timeout error naming what was awaited, or at
 * once when abort returns a reason (e.g. the server process died).
 */
export declare function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, abort?: () => string | undefined): Promise<void>;
/** The last lines of a log file, for error messages. */
export declare function tailFile(file: string, lines?: number): string;
/** Removes a file if present. */
export declare const removeFile: (file: string) => void;
//# sourceMappingURL=process-helper.d.ts.map