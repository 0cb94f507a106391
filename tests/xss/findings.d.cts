/** Types of `findings.cjs` (see there). */
export declare function scanFrame(options: { roots: string; everywhere: boolean }): string[];
export declare function causedByData(url: string, origin?: string): boolean;
