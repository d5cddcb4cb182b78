"""TableStream: batches gathered into row groups, kept or written, with their types checked."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from chipsim.sim.records import TableStream

SCHEMA = pa.schema([("tick", pa.int32()), ("value", pa.int64())])


def _append_three(stream: TableStream) -> None:
    stream.append(tick=[0, 0, 0], value=np.array([1, 2, 3]))
    stream.append(tick=np.zeros(0), value=np.zeros(0))  # empty: ignored
    stream.append(tick=[1, 1, 1], value=[4, 5, 6])
    stream.append(tick=np.array([2, 2]), value=np.array([7, 8]))


@pytest.mark.parametrize("to_file", [False, True])
def test_batches_become_row_groups_in_order(tmp_path, to_file: bool) -> None:
    """Pending batches become one row group once ``rows_per_group`` rows wait (6 >= 5), the
    rest at close; the rows come back in order with the schema's types."""
    path = tmp_path / "t.parquet" if to_file else None
    stream = TableStream(path, SCHEMA, rows_per_group=5)
    _append_three(stream)
    assert stream.rows == 8
    table = stream.table()
    assert table.schema == SCHEMA
    assert table.column("tick").to_pylist() == [0, 0, 0, 1, 1, 1, 2, 2]
    assert table.column("value").to_pylist() == [1, 2, 3, 4, 5, 6, 7, 8]
    if to_file:
        groups = pq.ParquetFile(path).metadata
        assert [groups.row_group(g).num_rows for g in range(groups.num_row_groups)] == [6, 2]
        encodings = [set(groups.row_group(0).column(j).encodings) for j in range(2)]
        assert "RLE_DICTIONARY" in encodings[0]  # tick repeats: a dictionary
        assert not encodings[1] & {"RLE_DICTIONARY", "PLAIN_DICTIONARY"}


def test_columns_of_different_lengths_are_refused() -> None:
    stream = TableStream(None, SCHEMA)
    with pytest.raises(ValueError, match="differ in length.*'tick': 2, 'value': 3"):
        stream.append(tick=[0, 1], value=[1, 2, 3])
    assert stream.rows == 0


@pytest.mark.parametrize("to_file", [False, True])
def test_a_value_that_does_not_fit_its_column_is_refused(tmp_path, to_file: bool) -> None:
    """Checked when the row group is made: 2**40 does not fit the int32 tick column. Kept in
    memory, the append that fills the row group raises; bound for a file, the row group is
    made in the writing thread, and closing the stream raises."""
    stream = TableStream(tmp_path / "t.parquet" if to_file else None, SCHEMA, rows_per_group=1)
    with pytest.raises(pa.ArrowInvalid):
        stream.append(tick=np.array([2**40]), value=[0])
        assert to_file  # (kept in memory, the append raised)
        stream.close()


def test_a_batch_is_kept_as_it_was_appended() -> None:
    """Rows wait until their row group is made: a caller that reuses its buffer afterwards
    does not change them."""
    stream = TableStream(None, SCHEMA)
    buffer = np.array([1, 2, 3])
    stream.append(tick=buffer, value=buffer)
    buffer[:] = 9
    assert stream.table().column("value").to_pylist() == [1, 2, 3]
