/**
The V8 flags amp-import runs with: a 1 MB young generation, so the main thread, which moves bytes and allocates
little on its own heap, collects often enough that spent zlib and socket buffers do not pile up (about 20 MB less
peak RSS on a large export; README, Performance). The bin's sh line starts node with them, and the commands that
`schedule` prints (node run directly, by path) carry them too. test/smoke/bin.test.ts holds the two equal.
*/
export const nodeFlags: readonly string[] = ['--max-semi-space-size=1'];
