package io.quaero.bench;

import java.io.IOException;
import java.nio.file.Path;

import io.quaero.infra.DataDirs;

/**
 * The embedded broker's and database's data of one benchmark run, in its folder: deleted when
 * the run ends, the services' logs beside them kept (the output names them). A million-line
 * ingest run leaves ~5 GB there (write-ahead log and tables); kept, a dozen runs filled this
 * machine's disk.
 */
record BenchStores(Path dir) implements AutoCloseable {

    @Override
    public void close() throws IOException {
        for (String store : new String[] {"kafka", "postgres", "postgres-binaries"}) {
            DataDirs.deleteRecursively(dir.resolve(store));
        }
    }
}
