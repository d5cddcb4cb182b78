"""Spike traces: read, validate and write (design.md, decision 5).

A trace is a table of spikes with columns ``tick`` (int64), ``neuron`` (int64, global id) and,
when a run recorded it, ``cycle`` (int64, reference-clock emission cycle). Parquet is the native
format (metadata in the schema under the key ``chipsim``); CSV and NPZ are accepted too.
Metadata: schema version, dt (s), reference clock (Hz), and hashes of network and config.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from chipsim.errors import UserError

SCHEMA_VERSION = 1
METADATA_KEY = b"chipsim"
FORMATS = (".parquet", ".csv", ".npz")


class TraceError(UserError):
    """A spike trace that cannot be read or does not fit the network."""


@dataclass(frozen=True)
class TraceMeta:
    """What a trace says about where it came from."""

    schema_version: int = SCHEMA_VERSION
    dt_s: float | None = None
    clock_hz: float | None = None
    network_hash: str | None = None
    config_hash: str | None = None


@dataclass(frozen=True)
class SpikeTrace:
    """Spikes sorted by (tick, cycle, neuron); ``cycle`` is None when not recorded."""

    tick: np.ndarray
    neuron: np.ndarray
    cycle: np.ndarray | None = None
    meta: TraceMeta = field(default_factory=TraceMeta)

    def __len__(self) -> int:
        return len(self.tick)

    def table(self) -> pa.Table:
        columns = {"tick": self.tick, "neuron": self.neuron}
        if self.cycle is not None:
            columns["cycle"] = self.cycle
        return pa.table(columns).replace_schema_metadata(
            {METADATA_KEY: json.dumps(asdict(self.meta)).encode()}
        )


def schema(with_cycle: bool) -> pa.Schema:
    """The Parquet schema of a trace (for streaming writers)."""
    fields = [pa.field("tick", pa.int64()), pa.field("neuron", pa.int64())]
    if with_cycle:
        fields.append(pa.field("cycle", pa.int64()))
    return pa.schema(fields)


def write_trace(path: str | Path, trace: SpikeTrace) -> None:
    """Write ``trace`` as Parquet, CSV or NPZ by the file's suffix."""
    path = Path(path)
    suffix = _suffix(path)
    if suffix == ".parquet":
        pq.write_table(trace.table(), path)
    elif suffix == ".csv":
        pacsv.write_csv(trace.table(), path)
    else:
        arrays = {"tick": trace.tick, "neuron": trace.neuron}
        if trace.cycle is not None:
            arrays["cycle"] = trace.cycle
        np.savez(path, **arrays, meta=np.array(json.dumps(asdict(trace.meta))))


def read_trace(path: str | Path, n_neurons: int | None = None) -> SpikeTrace:
    """Read and validate a trace; with ``n_neurons``, every id must be below it.

    Raises
    ------
    TraceError
        Missing file, unknown format, missing or non-integer columns, negative values, or a
        neuron id that does not exist (naming the row and the id).
    """
    path = Path(path)
    suffix = _suffix(path)
    if not path.is_file():
        raise TraceError(f"{path}: no such trace file")
    try:
        columns, meta = _READERS[suffix](path)
    except (OSError, ValueError, pa.ArrowException, KeyError) as exc:
        raise TraceError(f"{path}: cannot read {suffix[1:]} trace ({exc})") from None
    tick = _integer_column(path, columns, "tick")
    neuron = _integer_column(path, columns, "neuron")
    cycle = _integer_column(path, columns, "cycle") if "cycle" in columns else None
    for name, values in (("tick", tick), ("neuron", neuron), ("cycle", cycle)):
        if values is not None and len(values) and values.min() < 0:
            row = int(np.argmax(values < 0))
            raise TraceError(f"{path}: row {row}: negative {name} {int(values[row])}")
    if n_neurons is not None and len(neuron) and neuron.max() >= n_neurons:
        row = int(np.argmax(neuron >= n_neurons))
        raise TraceError(
            f"{path}: row {row}: neuron {int(neuron[row])} does not exist "
            f"(the network has neurons 0..{n_neurons - 1})"
        )
    order = np.lexsort((neuron, cycle if cycle is not None else neuron, tick))
    return SpikeTrace(tick[order], neuron[order], None if cycle is None else cycle[order], meta)


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise TraceError(f"{path}: unknown trace format {suffix!r}; expected one of {FORMATS}")
    return suffix


def _meta_from_json(text: str | bytes | None) -> TraceMeta:
    if not text:
        return TraceMeta()
    data = json.loads(text)
    known = {k: v for k, v in data.items() if k in TraceMeta.__dataclass_fields__}
    return TraceMeta(**known)


def _read_parquet(path: Path) -> tuple[dict[str, np.ndarray], TraceMeta]:
    table = pq.read_table(path)
    meta = _meta_from_json((table.schema.metadata or {}).get(METADATA_KEY))
    return {name: table.column(name).to_numpy() for name in table.column_names}, meta


def _read_csv(path: Path) -> tuple[dict[str, np.ndarray], TraceMeta]:
    table = pacsv.read_csv(path)
    return {name: table.column(name).to_numpy() for name in table.column_names}, TraceMeta()


def _read_npz(path: Path) -> tuple[dict[str, np.ndarray], TraceMeta]:
    with np.load(path, allow_pickle=False) as data:
        columns = {name: data[name] for name in data.files if name != "meta"}
        meta = _meta_from_json(str(data["meta"])) if "meta" in data.files else TraceMeta()
    return columns, meta


_READERS = {".parquet": _read_parquet, ".csv": _read_csv, ".npz": _read_npz}


def _integer_column(path: Path, columns: dict[str, np.ndarray], name: str) -> np.ndarray:
    if name not in columns:
        raise TraceError(
            f"{path}: missing column {name!r}; a trace has columns tick, neuron[, cycle], "
            f"found {sorted(columns)}"
        )
    values = np.asarray(columns[name])
    if not np.issubdtype(values.dtype, np.integer):
        raise TraceError(f"{path}: column {name!r} must hold integers, found {values.dtype}")
    return values.astype(np.int64, copy=False)
