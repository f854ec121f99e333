"""`cgrad eval --each`: every line its own program, one record per line (JSON lines or CSV), errors
as records that do not stop the run; and the note when a multi-line program discards a bare expression."""
from __future__ import annotations

import json

from ...api import message, trace_of
from ...language.bindings import unused_left_out
from .. import output
from ...errors import CgradError, EachFailed, ExitStatus, InputError
from ...graph.nodes import Program
from ...language.syntax import parse
from ..row_writer import cell, csv_lines, json_line
from .shared import emit

CSV_COLUMNS = ("line", "expression", "value", "gradient", "error")


def run_each(text: str, pairs: list[tuple[str, object]], numbers, wrt: tuple[str, ...] | None,
             output_name: str | None, output_format: str | None, out_file: str | None,
             ignore_unused: bool = False) -> int:
    """Answer each non-blank, non-comment line of `text` in order; the exit status is 2 if some
    line's input was wrong, else 1 if some line's math failed, else 0."""
    output_format = output_format or "jsonl"
    if output_format not in ("jsonl", "json", "csv"):
        raise InputError(f"--each writes JSON lines or CSV: --format {output_format} is one derivation's format")
    records = []
    worst = ExitStatus.OK
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            record = _answer(line, pairs, numbers, wrt, output_name, ignore_unused)
        except CgradError as error:
            record = {"line": number, "expression": line.strip(), "error": message(error)}
            worst = max(worst, _severity(error))
        else:
            record = {"line": number, **record}
        records.append(record)
    render = _csv if output_format == "csv" else _json_lines
    emit(render(records), out_file)
    failed = [record["line"] for record in records if "error" in record]
    if failed:  # the records carry the messages; stderr says that the run as a whole failed
        lines = ", ".join(map(str, failed[:10])) + (", …" if len(failed) > 10 else "")
        raise EachFailed(f"{len(failed)} of {len(records)} lines failed (line{'s' * (len(failed) > 1)} {lines}); "
                         "their records say why", worst)
    return int(ExitStatus.OK)


def _severity(error: CgradError) -> ExitStatus:
    # a wrong input (2) outranks a failed computation (1): the user has something to fix
    return ExitStatus.INPUT if error.status == ExitStatus.INPUT else ExitStatus.MATH


def _answer(line: str, pairs: list[tuple[str, object]], numbers, wrt: tuple[str, ...] | None,
            output_name: str | None, ignore_unused: bool) -> dict:
    program = parse(line)
    used = unused_left_out(program, pairs)  # the point is shared
    trace = trace_of(program, used, numbers, wrt and list(wrt), output_name, record=False, ignore_unused=ignore_unused)
    to_json = trace.numbers.to_json
    return {"expression": line.strip(), "value": to_json(trace.value),
            "gradient": {name: to_json(value) for name, value in trace.gradient.items()}}


def _json_lines(records: list[dict]) -> str:
    return "".join(map(json_line, records))


def _csv(records: list[dict]) -> str:
    """Columns line, expression, value, gradient (a JSON object, name → value), error."""
    return csv_lines([CSV_COLUMNS] + [
        [record["line"], record.get("expression", ""), cell(record.get("value")),
         "" if record.get("gradient") is None else json.dumps(record["gradient"], ensure_ascii=False),
         record.get("error", "")] for record in records])


def note_discarded(program: Program) -> None:
    """A program read from stdin or a file whose bare expressions before the last are discarded
    (`printf 'x^2\\nx^3\\n' | cgrad eval -`) answers only its last: say so, and point to --each."""
    if program.discarded:
        output.say("note: the input is one program and only its last statement is answered; "
                   "for one answer per line use --each")
