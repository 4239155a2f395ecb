/**
Detaches a throwaway ArrayBuffer, once per thread, before any hot code is optimized. V8 compiles typed-array code
on the assumption that no ArrayBuffer has ever been detached, and the first transfer (a block handed to a worker,
a result handed back) breaks it: every optimized function that reads a Uint8Array is thrown away and compiled
again, in each worker. Breaking it up front means the hot mapping functions are compiled once per worker, not
twice (measured: docs/performance.md).
*/
let transfersExpected = false;
export function expectTransfers(): void {
	if (transfersExpected) return;
	transfersExpected = true;
	const probe = new ArrayBuffer(1);
	structuredClone(probe, { transfer: [probe] });
}
