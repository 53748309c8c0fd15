/** The part of autocannon's API the app benchmark uses (the package ships no types; @types/autocannon is not installed). */
declare module 'autocannon' {
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    /** Requests per second across all connections (a fixed rate instead of as fast as possible). */
    overallRate?: number;
  }
  interface Result {
    requests: { average: number; total: number };
  }
  function autocannon(options: Options): Promise<Result>;
  export = autocannon;
}
