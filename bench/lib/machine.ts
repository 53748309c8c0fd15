/** Facts about the machine a report was measured on, so figures are read against their hardware. */
import { cpus, totalmem, loadavg, platform, release, arch, hostname } from 'node:os';

export interface MachineFacts {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  hostname: string;
  /** 1-minute load average when the run started: above the core count, others shared the machine. */
  loadAverageAtStart: number;
}

export function machineFacts(): MachineFacts {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    hostname: hostname(),
    loadAverageAtStart: Math.round(loadavg()[0]! * 100) / 100,
  };
}
