/**
The V8 flags amp-import runs with. The bin's sh line starts node with them, and the commands that `schedule` prints
(node run directly, by path) carry them too; test/smoke/bin.test.ts holds the two equal.

- `--max-semi-space-size=1`: a 1 MB young generation, so the main thread, which moves bytes and allocates little on
  its own heap, collects often enough that spent zlib and socket buffers do not pile up (about 20 MB less peak RSS
  on a large export; README, Performance).
- `--expose-gc`: lets the events reader ask for a young-generation collection every few MB it inflates
  (src/pipeline/young-collector.ts). Without the flag (`node bin/amp-import.js`) everything works the same, with a
  larger peak RSS.
*/
export const nodeFlags: readonly string[] = ['--max-semi-space-size=1', '--expose-gc'];
