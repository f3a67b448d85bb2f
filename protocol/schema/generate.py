"""Compile the message schemas into Python: ``python -m protocol.schema.generate``.

For every message it writes a class with ``__slots__`` (nested structs as nested classes) and,
for every version, a straight-line decode and encode function: runs of fixed-width fields become
one precompiled ``struct`` call, strings, arrays and tagged fields call ``protocol.primitives``.
Versions whose code would be the same share one function. The output is checked in
(``protocol/messages/_generated.py``) so that it can be read, type-checked and imported without
compiling anything at start-up; a test fails when it is stale.
"""

from __future__ import annotations

import argparse
import keyword
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from protocol.schema.apis import all_messages
from protocol.schema.dsl import FIXED_TYPES, Field, Message

OUTPUT = Path(__file__).resolve().parent.parent / "messages" / "_generated.py"

PY_TYPES = {
    "int8": "int",
    "int16": "int",
    "int32": "int",
    "int64": "int",
    "uint16": "int",
    "uint32": "int",
    "float64": "float",
    "bool": "bool",
    "uuid": "uuid.UUID",
    "string": "str",
    "bytes": "bytes",
    "records": "Records",
}
CALL = re.compile(r"\b(_[de]_\w+_v\d+)\(")
FIXED_SIZES = {"b": 1, "h": 2, "i": 4, "q": 8, "H": 2, "I": 4, "d": 8, "?": 1}


@dataclass
class StructDef:
    """A class to emit: a message or a nested struct, with its path of class names."""

    path: tuple[str, ...]
    fields: tuple[Field, ...]
    message: Message

    @property
    def qualname(self) -> str:
        return ".".join(self.path)

    @property
    def ident(self) -> str:
        return "_".join(self.path)


def walk(message: Message) -> list[StructDef]:
    """The message and every nested struct, parents first."""
    out: list[StructDef] = []

    def visit(path: tuple[str, ...], fields: tuple[Field, ...]) -> None:
        out.append(StructDef(path, fields, message))
        for fd in fields:
            if fd.is_struct:
                assert fd.fields is not None
                visit((*path, fd.element_type), fd.fields)

    visit((message.name,), message.fields)
    return out


def attr(name: str) -> str:
    """A field's attribute name (a keyword gets a trailing underscore)."""
    return f"{name}_" if keyword.iskeyword(name) else name


def default_expr(fd: Field, qual: str) -> str:
    """Python source for a field's default value (a fresh object for mutable ones)."""
    if fd.default is not None and fd.default is not _missing():
        if fd.is_array:
            raise ValueError(f"{fd.name}: array defaults other than null are not supported")
        return repr(fd.default)
    if fd.default is None:
        return "None"
    if fd.is_array:
        return "[]"
    if fd.is_struct:
        return f"{qual}.{fd.type}()"
    return {
        "string": "''",
        "bytes": "b''",
        "records": "None",
        "uuid": "ZERO_UUID",
        "bool": "False",
        "float64": "0.0",
    }.get(fd.type, "0")


def _missing() -> object:
    from protocol.schema.dsl import _NO_DEFAULT

    return _NO_DEFAULT


def annotation(fd: Field, qual: str) -> str:
    """The attribute's type annotation."""
    el = fd.element_type
    base = f"{qual}.{el}" if fd.is_struct else PY_TYPES[el]
    typ = f"list[{base}]" if fd.is_array else base
    nullable = not fd.nullable.empty or fd.default is None
    if nullable and typ != "Records":
        typ = f"{typ} | None"
    return typ


class Gen:
    """Accumulates the generated module."""

    def __init__(self) -> None:
        self.structs: dict[str, str] = {}  # struct format -> constant name
        self.canon: dict[str, str] = {}  # codec function name -> the function it aliases

    def fmt_const(self, fmt: str) -> str:
        name = self.structs.get(fmt)
        if name is None:
            name = f"_S_{fmt}".replace("?", "o")
            self.structs[fmt] = name
        return name

    # -- classes ------------------------------------------------------------------------

    def emit_class(self, sd: StructDef, children: list[StructDef], indent: str) -> list[str]:
        msg = sd.message
        is_top = len(sd.path) == 1
        base = "Message" if is_top else "Struct"
        lines = [f"{indent}class {sd.path[-1]}({base}):"]
        i2 = indent + "    "
        if is_top:
            lines.append(f'{i2}"""{msg.name}: API key {msg.api_key}, versions {msg.versions}."""')
        else:
            lines.append(f'{i2}"""{sd.path[-1]}, a struct of {msg.name}."""')
        lines.append("")
        names = [attr(fd.name) for fd in sd.fields]
        lines.append(f"{i2}__slots__ = ({''.join(repr(n) + ', ' for n in names)})")
        if is_top:
            first_flex = msg.flexible.lo if not msg.flexible.empty else None
            lines += [
                f"{i2}API_KEY: ClassVar[int] = {msg.api_key}",
                f"{i2}API_NAME: ClassVar[str] = {msg.name.removesuffix(msg.kind.title())!r}",
                f"{i2}MIN_VERSION: ClassVar[int] = {msg.versions.lo}",
                f"{i2}MAX_VERSION: ClassVar[int] = {msg.versions.hi}",
                f"{i2}FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = {first_flex}",
            ]
        lines.append("")
        for fd in sd.fields:
            lines.append(f"{i2}{attr(fd.name)}: {annotation(fd, sd.qualname)}")
        for child in children:
            lines.append("")
            lines += self.emit_class(child[0], child[1], i2)  # type: ignore[index]
        # __init__
        lines.append("")
        if sd.fields:
            params = []
            for fd in sd.fields:
                ann = annotation(fd, sd.qualname)
                mutable = fd.is_array or fd.is_struct
                dflt = default_expr(fd, sd.qualname)
                if mutable and dflt != "None" and not fd.nullable.empty:
                    # Nullable in some version: None means null, leaving it out the default.
                    params.append(f"{attr(fd.name)}: {ann} = UNSET")
                elif mutable and dflt != "None":
                    if not ann.endswith("| None"):
                        ann = f"{ann} | None"
                    params.append(f"{attr(fd.name)}: {ann} = None")
                else:
                    params.append(f"{attr(fd.name)}: {ann} = {dflt}")
            lines.append(f"{i2}def __init__(")
            lines.append(f"{i2}    self,")
            lines.append(f"{i2}    *,")
            for p in params:
                lines.append(f"{i2}    {p},")
            lines.append(f"{i2}) -> None:")
            for fd in sd.fields:
                a = attr(fd.name)
                mutable = fd.is_array or fd.is_struct
                dflt = default_expr(fd, sd.qualname)
                if mutable and dflt != "None" and not fd.nullable.empty:
                    lines.append(f"{i2}    self.{a} = {dflt} if {a} is UNSET else {a}")
                elif mutable and dflt != "None":
                    lines.append(f"{i2}    self.{a} = {dflt} if {a} is None else {a}")
                else:
                    lines.append(f"{i2}    self.{a} = {a}")
        else:
            lines.append(f"{i2}def __init__(self) -> None:")
            lines.append(f"{i2}    pass")
        return lines

    # -- codecs -------------------------------------------------------------------------

    def fields_in(self, sd: StructDef, v: int) -> tuple[list[Field], list[Field]]:
        """(regular fields, tagged fields) of a struct at version v."""
        flexible = v in sd.message.flexible
        regular, tagged = [], []
        for fd in sd.fields:
            if v not in fd.versions:
                continue
            if flexible and fd.tag is not None and v in fd.tagged:
                tagged.append(fd)
            elif fd.tag is None or v not in fd.tagged:
                regular.append(fd)
        return regular, tagged

    def decode_value(self, fd: Field, sd: StructDef, v: int, target: str, ind: str) -> list[str]:
        """Lines decoding one field's value into ``target`` (an expression to assign)."""
        compact = v in sd.message.flexible
        nullable = v in fd.nullable
        el = fd.element_type
        c = "True" if compact else "False"
        sub = f"_d_{sd.ident}_{el}_v{v}" if fd.is_struct else ""
        if fd.is_array:
            lines = [f"{ind}n, pos = read_array_length(buf, pos, compact={c})"]
            lines.append(f"{ind}if n < 0:")
            if nullable:
                lines.append(f"{ind}    {target} = None")
            else:
                lines.append(f"{ind}    raise DecodeError('null array {fd.name}')")
            lines.append(f"{ind}else:")
            if fd.is_struct:
                lines += [
                    f"{ind}    lst = []",
                    f"{ind}    for _ in range(n):",
                    f"{ind}        e, pos = {sub}(buf, pos)",
                    f"{ind}        lst.append(e)",
                    f"{ind}    {target} = lst",
                ]
            elif el in FIXED_TYPES:
                code = FIXED_TYPES[el]
                size = FIXED_SIZES[code]
                lines += [
                    f"{ind}    end = pos + n * {size}",
                    f"{ind}    if end > len(buf):",
                    f"{ind}        raise DecodeError('truncated array {fd.name}')",
                    f"{ind}    {target} = list(struct.unpack_from(f'>{{n}}{code}', buf, pos))",
                    f"{ind}    pos = end",
                ]
            else:
                lines += [
                    f"{ind}    lst = []",
                    f"{ind}    for _ in range(n):",
                    *self.decode_scalar(el, False, c, "e", ind + "        "),
                    f"{ind}        lst.append(e)",
                    f"{ind}    {target} = lst",
                ]
            return lines
        if fd.is_struct:
            lines = []
            if nullable:
                lines += [
                    f"{ind}if buf[pos] == 255:",
                    f"{ind}    pos += 1",
                    f"{ind}    {target} = None",
                    f"{ind}else:",
                    f"{ind}    {target}, pos = {sub}(buf, pos + 1)",
                ]
            else:
                lines.append(f"{ind}{target}, pos = {sub}(buf, pos)")
            return lines
        return self.decode_scalar(el, nullable, c, target, ind, fd.name)

    def decode_scalar(
        self, el: str, nullable: bool, c: str, target: str, ind: str, name: str = "element"
    ) -> list[str]:
        if el in FIXED_TYPES:
            code = FIXED_TYPES[el]
            const = self.fmt_const(code)
            return [
                f"{ind}{target}, = {const}.unpack_from(buf, pos)",
                f"{ind}pos += {FIXED_SIZES[code]}",
            ]
        if el == "uuid":
            return [f"{ind}{target}, pos = read_uuid(buf, pos)"]
        if el == "string":
            lines = [f"{ind}{target}, pos = read_string(buf, pos, compact={c})"]
        elif el == "bytes":
            lines = [f"{ind}{target}, pos = read_bytes(buf, pos, compact={c})"]
        elif el == "records":
            return [f"{ind}{target}, pos = read_bytes_view(buf, pos, compact={c})"]
        else:
            raise ValueError(el)
        if not nullable:
            lines += [f"{ind}if {target} is None:", f"{ind}    raise DecodeError('null {name}')"]
        return lines

    def encode_value(self, fd: Field, sd: StructDef, v: int, expr: str, ind: str) -> list[str]:
        compact = v in sd.message.flexible
        nullable = v in fd.nullable
        el = fd.element_type
        c = "True" if compact else "False"
        if fd.is_array:
            lines = [f"{ind}lst = {expr}"]
            if nullable:
                lines += [
                    f"{ind}if lst is None:",
                    f"{ind}    write_array_length(out, None, compact={c})",
                    f"{ind}else:",
                ]
                ind2 = ind + "    "
            else:
                ind2 = ind
            lines.append(f"{ind2}write_array_length(out, len(lst), compact={c})")
            if fd.is_struct:
                lines += [
                    f"{ind2}for e in lst:",
                    f"{ind2}    _e_{sd.ident}_{el}_v{v}(e, out, refs)",
                ]
            elif el in FIXED_TYPES:
                code = FIXED_TYPES[el]
                lines.append(f"{ind2}out += struct.pack(f'>{{len(lst)}}{code}', *lst)")
            else:
                lines.append(f"{ind2}for e in lst:")
                lines += self.encode_scalar(el, "e", c, ind2 + "    ")
            return lines
        if fd.is_struct:
            sub = f"_e_{sd.ident}_{el}_v{v}"
            if nullable:
                return [
                    f"{ind}if {expr} is None:",
                    f"{ind}    out.append(255)",
                    f"{ind}else:",
                    f"{ind}    out.append(1)",
                    f"{ind}    {sub}({expr}, out, refs)",
                ]
            return [f"{ind}{sub}({expr}, out, refs)"]
        return self.encode_scalar(el, expr, c, ind)

    def encode_scalar(self, el: str, expr: str, c: str, ind: str) -> list[str]:
        if el in FIXED_TYPES:
            const = self.fmt_const(FIXED_TYPES[el])
            return [f"{ind}out += {const}.pack({expr})"]
        if el == "uuid":
            return [f"{ind}out += {expr}.bytes"]
        if el == "string":
            return [f"{ind}write_string(out, {expr}, compact={c})"]
        if el == "bytes":
            return [f"{ind}write_bytes(out, {expr}, compact={c})"]
        if el == "records":
            return [f"{ind}write_records(out, refs, {expr}, compact={c})"]
        raise ValueError(el)

    def decoder(self, sd: StructDef, v: int) -> list[str]:
        regular, tagged = self.fields_in(sd, v)
        flexible = v in sd.message.flexible
        body: list[str] = [f"    o = _new({sd.qualname})"]
        present = {id(fd) for fd in regular}
        for fd in sd.fields:
            if id(fd) not in present:
                body.append(f"    o.{attr(fd.name)} = {default_expr(fd, sd.qualname)}")
        run: list[Field] = []

        def flush() -> None:
            if not run:
                return
            fmt = "".join(FIXED_TYPES[fd.type] for fd in run)
            size = sum(FIXED_SIZES[ch] for ch in fmt)
            const = self.fmt_const(fmt)
            targets = ", ".join(f"o.{attr(fd.name)}" for fd in run)
            body.append(f"    {targets}, = {const}.unpack_from(buf, pos)")
            body.append(f"    pos += {size}")
            run.clear()

        for fd in regular:
            if fd.type in FIXED_TYPES:
                run.append(fd)
                continue
            flush()
            body += self.decode_value(fd, sd, v, f"o.{attr(fd.name)}", "    ")
        flush()
        if flexible:
            if tagged:
                body += [
                    "    count, pos = read_uvarint(buf, pos)",
                    "    for _ in range(count):",
                    "        tag, size, pos = read_tagged_field_header(buf, pos)",
                    "        end = pos + size",
                ]
                for k, fd in enumerate(tagged):
                    kw = "if" if k == 0 else "elif"
                    body.append(f"        {kw} tag == {fd.tag}:")
                    body += self.decode_value(fd, sd, v, f"o.{attr(fd.name)}", "            ")
                body.append("        pos = end")
            else:
                body.append("    pos = skip_tagged_fields(buf, pos)")
        body.append("    return o, pos")
        return body

    def encoder(self, sd: StructDef, v: int) -> list[str]:
        regular, tagged = self.fields_in(sd, v)
        flexible = v in sd.message.flexible
        body: list[str] = []
        run: list[Field] = []

        def flush() -> None:
            if not run:
                return
            fmt = "".join(FIXED_TYPES[fd.type] for fd in run)
            const = self.fmt_const(fmt)
            args = ", ".join(f"o.{attr(fd.name)}" for fd in run)
            body.append(f"    out += {const}.pack({args})")
            run.clear()

        for fd in regular:
            if fd.type in FIXED_TYPES:
                run.append(fd)
                continue
            flush()
            body += self.encode_value(fd, sd, v, f"o.{attr(fd.name)}", "    ")
        flush()
        if flexible:
            if tagged:
                body.append("    tagged = []")
                for fd in tagged:
                    a = f"o.{attr(fd.name)}"
                    dflt = default_expr(fd, sd.qualname)
                    cond = {
                        "[]": a,
                        "False": a,
                        "True": f"not {a}",
                        "None": f"{a} is not None",
                    }.get(dflt, f"{a} != {dflt}")
                    body.append(f"    if {cond}:")
                    body.append("        outer, out = out, bytearray()")
                    body += self.encode_value(fd, sd, v, a, "        ")
                    body.append(f"        tagged.append(({fd.tag}, out))")
                    body.append("        out = outer")
                body += [
                    "    write_uvarint(out, len(tagged))",
                    "    for tag, data in tagged:",
                    "        write_uvarint(out, tag)",
                    "        write_uvarint(out, len(data))",
                    "        out += data",
                ]
            else:
                body.append("    out.append(0)")
        if not body:
            body.append("    pass")
        return body

    # -- module -------------------------------------------------------------------------

    def module(self, messages: Iterable[Message]) -> str:
        classes: list[str] = []
        codecs: list[str] = []
        tables: list[str] = []
        names: list[str] = []
        for msg in messages:
            structs = walk(msg)
            # Build the nesting tree for class emission.
            tree: dict[tuple[str, ...], list[StructDef]] = {}
            for sd in structs[1:]:
                tree.setdefault(sd.path[:-1], []).append(sd)

            def nest(
                sd: StructDef, tree: dict[tuple[str, ...], list[StructDef]] = tree
            ) -> list[Any]:
                return [(c, nest(c)) for c in tree.get(sd.path, [])]

            classes += self.emit_class(structs[0], nest(structs[0]), "")
            classes += ["", ""]
            names.append(msg.name)
            for kind in ("d", "e"):
                for sd in reversed(structs):
                    seen: dict[str, str] = {}
                    canon = self.canon
                    for v in range(msg.versions.lo, msg.versions.hi + 1):
                        body = self.decoder(sd, v) if kind == "d" else self.encoder(sd, v)
                        fn = f"_{kind}_{sd.ident}_v{v}"
                        # Struct references embed the version in their names; normalise them
                        # so that versions with the same code share one function.
                        key = CALL.sub(
                            partial(_canonical_call, canon),
                            "\n".join(body),
                        )
                        if key in seen:
                            codecs.append(f"{fn} = {seen[key]}")
                            canon[fn] = seen[key]
                            continue
                        seen[key] = fn
                        canon[fn] = fn
                        if kind == "d":
                            codecs.append(
                                f"def {fn}(buf: memoryview, pos: int) -> tuple[Any, int]:"
                            )
                        else:
                            codecs.append(f"def {fn}(o: Any, out: bytearray, refs: Refs) -> None:")
                        codecs += body
                        codecs.append("")
                    codecs.append("")
            vs = range(msg.versions.lo, msg.versions.hi + 1)
            tables.append(
                f"{msg.name}._DECODERS = ({''.join(f'_d_{msg.name}_v{v}, ' for v in vs)})"
            )
            tables.append(
                f"{msg.name}._ENCODERS = ({''.join(f'_e_{msg.name}_v{v}, ' for v in vs)})"
            )
        head = [
            '"""Kafka message classes and codecs, generated from ``protocol/schema``.',
            "",
            "Do not edit: run ``python -m protocol.schema.generate`` after changing a schema.",
            '"""',
            "",
            "# fmt: off",
            '# mypy: disable-error-code="misc,attr-defined,no-untyped-def,assignment"',
            "from __future__ import annotations",
            "",
            "import struct",
            "import uuid",
            "from typing import Any, ClassVar",
            "",
            "from protocol.errors import DecodeError",
            "from protocol.messages.base import Message, Records, Refs, Struct",
            "from protocol.primitives import (",
            "    ZERO_UUID,",
            "    read_array_length,",
            "    read_bytes,",
            "    read_bytes_view,",
            "    read_string,",
            "    read_tagged_field_header,",
            "    read_uuid,",
            "    read_uvarint,",
            "    skip_tagged_fields,",
            "    write_array_length,",
            "    write_bytes,",
            "    write_records,",
            "    write_string,",
            "    write_uvarint,",
            ")",
            "",
            "_new = object.__new__",
            "# The default of a nullable array or struct argument: None there means null.",
            "UNSET: Any = object()",
            "",
        ]
        consts = [f"{name} = struct.Struct('>{fmt}')" for fmt, name in sorted(self.structs.items())]
        all_ = ["", "__all__ = ["] + [f"    {n!r}," for n in names] + ["]", ""]
        return "\n".join(head + consts + ["", ""] + classes + codecs + tables + all_)


def _canonical_call(canon: dict[str, str], m: re.Match[str]) -> str:
    return canon.get(m.group(1), m.group(1)) + "("


def render() -> str:
    """The generated module's source text."""
    return Gen().module(all_messages())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the output is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not OUTPUT.exists() or OUTPUT.read_text() != text:
            print(f"{OUTPUT} is stale: run python -m protocol.schema.generate", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
