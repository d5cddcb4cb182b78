"""Run records that stream to Parquet in row groups, so memory stays bounded (decision 9).

A :class:`TableStream` collects columns batch by batch and writes a row group whenever
``rows_per_group`` rows are pending; without a path it keeps everything (tests, small runs).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


class TableStream:
    """Append column batches; read back with :meth:`frame` or find them in ``path``."""

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
        self._pending: list[pa.RecordBatch] = []
        self._pending_rows = 0
        self._kept: list[pa.RecordBatch] = []
        self._writer = pq.ParquetWriter(path, self.schema) if path is not None else None
        self.rows = 0

    def append(self, **columns: np.ndarray) -> None:
        """Add one batch; every column of the schema must be given, all of one length."""
        batch = pa.record_batch(
            [pa.array(np.asarray(columns[f.name]), type=f.type) for f in self.schema],
            schema=self.schema,
        )
        if batch.num_rows == 0:
            return
        self.rows += batch.num_rows
        if self._writer is None:
            self._kept.append(batch)
            return
        self._pending.append(batch)
        self._pending_rows += batch.num_rows
        if self._pending_rows >= self.rows_per_group:
            self.flush()

    def flush(self) -> None:
        if self._writer is not None and self._pending:
            self._writer.write_table(pa.Table.from_batches(self._pending, self.schema))
            self._pending, self._pending_rows = [], 0

    def close(self) -> None:
        self.flush()
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def table(self) -> pa.Table:
        """Everything appended (read back from the file when streaming)."""
        if self.path is not None:
            self.close()
            return pq.read_table(self.path)
        return pa.Table.from_batches(self._kept, self.schema)

    def frame(self) -> pd.DataFrame:
        return self.table().to_pandas()
