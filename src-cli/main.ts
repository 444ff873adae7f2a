// The `tessera` CLI entry (see the foundation issue).
process.stdout.write('tessera\n');
