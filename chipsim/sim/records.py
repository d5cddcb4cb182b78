"""Run records that stream to Parquet in row groups, so memory stays bounded (decision 9).

A :class:`TableStream` collects columns batch by batch and writes a row group whenever
``rows_per_group`` rows are pending; without a path it keeps everything (tests, small runs).
Row groups bound for a file are made and written in one thread that the streams share, one
at a time a stream (so that one row group a stream waits at most), while the run goes on
(# perf: the full TrueNorth-like chip, 1000 ticks with 2 threads: the records part 2.5 ->
1.9 s, the NoC and the neurons no slower).
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

# Columns worth dictionary encoding in Parquet: their values repeat within a row group. The
# others (neuron ids, cycles, counts) rarely do, and trying cost time (# perf: a TrueNorth-like
# spike table, 1 M rows: 65 -> 48 ms written, 8.3 -> 7.8 MiB). Those integer columns are
# delta-encoded instead (DELTA_BINARY_PACKED, which every Parquet reader reads; # perf: the
# quick-start TrueNorth-like run's spike table, 26,000 rows: 1.6 -> 1.2 ms written, 205 ->
# 83 KiB; the full TrueNorth-like chip's streams, 300 ticks: 0.39 -> 0.24 s written).
DICTIONARY_COLUMNS = ("tick", "pe")


_threads: list[ThreadPoolExecutor] = []  # the writing thread, once started
# a forked child has none of its parent's threads: it starts its own
os.register_at_fork(after_in_child=_threads.clear)


def _writing_thread() -> ThreadPoolExecutor:
    if not _threads:
        _threads.append(ThreadPoolExecutor(1, thread_name_prefix="chipsim-records"))
    return _threads[0]


class TableStream:
    """Append column batches; read back with :meth:`frame` or find them in ``path``.

    Batches wait as NumPy columns and become one Arrow record batch per row group (# perf: a
    record batch per append cost ~0.1 ms, 0.3 s per simulated second of the SpiNNaker2-like
    benchmark's three streams).
    """

    def __init__(
        self,
        path: Path | None,
        schema: pa.Schema,
        rows_per_group: int = 1 << 20,
        metadata: dict[bytes, bytes] | None = None,
    ) -> None:
        self.path = path
        self.schema = schema.with_metadata(metadata) if metadata else schema
        self.rows_per_group = rows_per_group
        self._pending: list[list[np.ndarray]] = []  # per batch, its columns in schema order
        self._pending_rows = 0
        self._kept: list[pa.RecordBatch] = []
        self._writing: Future | None = None  # the row group being written
        self._writer = None
        if path is not None:
            dictionary = [f.name for f in schema if f.name in DICTIONARY_COLUMNS]
            delta = {
                f.name: "DELTA_BINARY_PACKED"
                for f in schema
                if pa.types.is_integer(f.type) and f.name not in DICTIONARY_COLUMNS
            }
            self._writer = pq.ParquetWriter(
                path, self.schema, use_dictionary=dictionary, column_encoding=delta
            )
        self.rows = 0

    def append(self, **columns: np.ndarray) -> None:
        """Add one batch; every column of the schema must be given, all of one length. The
        columns are copied (a caller may reuse its buffers), and converted to the schema's
        types (refusing overflow) when the row group is made."""
        arrays = [np.array(columns[f.name]) for f in self.schema]
        n = len(arrays[0])
        if any(len(a) != n for a in arrays):
            lengths = {f.name: len(a) for f, a in zip(self.schema, arrays, strict=True)}
            raise ValueError(f"columns of one batch differ in length: {lengths}")
        if n == 0:
            return
        self.rows += n
        self._pending.append(arrays)
        self._pending_rows += n
        if self._pending_rows >= self.rows_per_group:
            self.flush()

    def flush(self) -> None:
        """Turn the pending batches into one row group: kept, or written to ``path`` in the
        writing thread once the one before is written (an error there is raised here)."""
        if not self._pending:
            return
        pending, self._pending, self._pending_rows = self._pending, [], 0
        if self._writer is None:
            self._kept.append(self._batch(pending))
            return
        self._wait()
        self._writing = _writing_thread().submit(
            lambda: self._writer.write_batch(self._batch(pending))
        )

    def close(self) -> None:
        """Write what is pending and close the file (every row group written)."""
        self.flush()
        self._wait()
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def _wait(self) -> None:
        if self._writing is not None:
            writing, self._writing = self._writing, None
            writing.result()

    def _batch(self, pending: list[list[np.ndarray]]) -> pa.RecordBatch:
        columns = zip(self.schema, zip(*pending, strict=True), strict=True)
        return pa.record_batch(
            [_arrow(np.concatenate(parts), f.type) for f, parts in columns], schema=self.schema
        )

    def table(self) -> pa.Table:
        """Everything appended (read back from the file when streaming)."""
        if self.path is not None:
            self.close()
            return pq.read_table(self.path)
        self.flush()
        return pa.Table.from_batches(self._kept, self.schema)

    def frame(self) -> pd.DataFrame:
        return self.table().to_pandas()


def _arrow(column: np.ndarray, type_: pa.DataType) -> pa.Array:
    """``column`` as an Arrow array of ``type_``, refusing overflow (a safe cast). # perf:
    ``pa.array(column, type=...)`` took 57 ms for 2**20 int64 values already of the type
    (pyarrow 26), a zero-copy array and a cast 0-1.3 ms."""
    array = pa.array(column)
    return array if array.type == type_ else array.cast(type_)
