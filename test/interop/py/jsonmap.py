"""The JSON mapping shared by idlc's interop tests and the Apache peers.

Values cross between the TypeScript tests and the Apache peers (Python here, npm thrift in
../node/jsonmap.cjs, idlc in ../json-mapping.ts) as JSON, typed by the IDL model that
`thrift --gen json` prints. One mapping, the same in all three places:

  bool                  true / false
  i8, i16, i32, enum    a JSON number (enums by their integer value)
  i64                   a decimal string, e.g. "-9223372036854775808"
  double                a JSON number, or one of the strings "NaN", "Infinity", "-Infinity", "-0"
  string                a JSON string
  binary                lower-case hex, e.g. "00ff10"
  list                  an array
  set                   an array, sorted (see below)
  map                   an array of [key, value] pairs, sorted by key (see below)
  struct, exception     an object keyed by IDL field name; an unset field is absent (never null)
  union                 an object with exactly one key, the set member

Sorting (sets, map keys) is only for readability: numbers numerically, strings by code point,
binary by bytes, anything else by its JSON text. Readers must not rely on the order.

Encoding writes exactly the fields the JSON has: a field with an IDL default that the JSON omits
is not written. Set elements and map entries are written in the JSON's order, so a writer that
keeps insertion order (idlc's Set and Map) can be compared byte for byte. Decoding is Apache's generated code, so a default-valued field that the bytes
lack comes back with its default, as Apache's Python does.

Must run under /usr/bin/python3 (python3-thrift); nothing here uses the C accelerator.
"""

import importlib
import json
import math
import sys


class Schema(object):
    """Struct, union and exception definitions from `thrift --gen json` files, with the classes
    `thrift --gen py` generated for them."""

    def __init__(self, gen_dir, model_paths):
        if gen_dir not in sys.path:
            sys.path.insert(0, gen_dir)
        self.structs = {}
        self.classes = {}
        for path in model_paths:
            with open(path) as f:
                model = json.load(f)
            module = importlib.import_module(model["name"] + ".ttypes")
            for struct in model["structs"]:
                if struct["name"] in self.structs:
                    raise ValueError("struct %r is defined twice" % struct["name"])
                self.structs[struct["name"]] = struct
                self.classes[struct["name"]] = getattr(module, struct["name"])

    def struct(self, name):
        # an included type is named "file.Type" in the model; the bare name is enough here
        name = name.split(".")[-1]
        if name not in self.structs:
            raise ValueError("unknown struct %r" % name)
        return self.structs[name], self.classes[name]


def type_of(desc, prefix=""):
    """The type of a field, element, key or value as a small dict: {"typeId", ...}."""
    type_id = desc[prefix + "TypeId"] if prefix else desc["typeId"]
    nested = desc.get(prefix + "Type") if prefix else desc.get("type")
    if type_id in ("struct", "union", "exception", "list", "set", "map"):
        return nested
    return {"typeId": type_id}


def _double_from_json(v):
    if isinstance(v, str):
        specials = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf, "-0": -0.0}
        if v not in specials:
            raise ValueError("bad double %r" % v)
        return specials[v]
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError("bad double %r" % v)
    return float(v)


def _double_to_json(v):
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v == 0 and math.copysign(1.0, v) < 0:
        return "-0"
    return v


def _int_from_json(v, bits):
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError("expected an integer, got %r" % (v,))
    if not -(1 << (bits - 1)) <= v < (1 << (bits - 1)):
        raise ValueError("%d does not fit in i%d" % (v, bits))
    return v


def _sort_key(native, json_value):
    if isinstance(native, bool):
        return (0, int(native), "")
    if isinstance(native, (int, float)) and not (isinstance(native, float) and math.isnan(native)):
        return (1, native, "")
    if isinstance(native, str):
        return (2, 0, native)
    if isinstance(native, bytes):
        return (3, 0, native.hex())
    return (4, 0, json.dumps(json_value, sort_keys=True))


def from_json(schema, t, v):
    """JSON value → the Python value generated code expects."""
    tid = t["typeId"]
    if tid == "bool":
        if not isinstance(v, bool):
            raise ValueError("expected a bool, got %r" % (v,))
        return v
    if tid == "i8":
        return _int_from_json(v, 8)
    if tid == "i16":
        return _int_from_json(v, 16)
    if tid == "i32":
        return _int_from_json(v, 32)
    if tid == "i64":
        if not isinstance(v, str):
            raise ValueError("i64 must be a decimal string, got %r" % (v,))
        return _int_from_json(int(v, 10), 64)
    if tid == "double":
        return _double_from_json(v)
    if tid == "string":
        if not isinstance(v, str):
            raise ValueError("expected a string, got %r" % (v,))
        return v
    if tid == "binary":
        return bytes.fromhex(v)
    if tid == "list":
        return [from_json(schema, type_of(t, "elem"), e) for e in v]
    if tid == "set":
        # a list, not a set: generated code writes whatever it iterates, so the elements go out
        # in the JSON's order (a Python set's order depends on hashing, even per process)
        items = [from_json(schema, type_of(t, "elem"), e) for e in v]
        if len(set(items)) != len(items):
            raise ValueError("set with duplicate elements: %r" % (v,))
        return items
    if tid == "map":
        kt, vt = type_of(t, "key"), type_of(t, "value")
        return dict((from_json(schema, kt, k), from_json(schema, vt, x)) for k, x in v)
    if tid in ("struct", "union", "exception"):
        return struct_from_json(schema, t["class"], v)
    raise ValueError("unsupported type %r" % tid)


def struct_from_json(schema, name, v):
    """A JSON object → an instance of the generated class, with exactly the given fields set."""
    struct, cls = schema.struct(name)
    if not isinstance(v, dict):
        raise ValueError("%s: expected an object, got %r" % (name, v))
    known = set(field["name"] for field in struct["fields"])
    extra = set(v) - known
    if extra:
        raise ValueError("%s has no field(s) %s" % (name, ", ".join(sorted(extra))))
    # every field is passed (None when absent): IDL defaults are not applied, the JSON says
    # exactly what is written; keyword construction also works for immutable exceptions
    kwargs = {}
    for field in struct["fields"]:
        value = v.get(field["name"])
        kwargs[field["name"]] = None if value is None else from_json(schema, type_of(field), value)
    obj = cls(**kwargs)
    return obj


def to_json(schema, t, v):
    """A value generated code produced → JSON."""
    tid = t["typeId"]
    if tid == "bool":
        return bool(v)
    if tid in ("i8", "i16", "i32"):
        return int(v)
    if tid == "i64":
        return str(int(v))
    if tid == "double":
        return _double_to_json(float(v))
    if tid == "string":
        return v if isinstance(v, str) else v.decode("utf-8")
    if tid == "binary":
        return bytes(v).hex()
    if tid == "list":
        et = type_of(t, "elem")
        return [to_json(schema, et, e) for e in v]
    if tid == "set":
        et = type_of(t, "elem")
        items = [(e, to_json(schema, et, e)) for e in v]
        items.sort(key=lambda pair: _sort_key(pair[0], pair[1]))
        return [j for _, j in items]
    if tid == "map":
        kt, vt = type_of(t, "key"), type_of(t, "value")
        items = [(k, to_json(schema, kt, k), to_json(schema, vt, x)) for k, x in v.items()]
        items.sort(key=lambda item: _sort_key(item[0], item[1]))
        return [[k, x] for _, k, x in items]
    if tid in ("struct", "union", "exception"):
        return struct_to_json(schema, t["class"], v)
    raise ValueError("unsupported type %r" % tid)


def struct_to_json(schema, name, obj):
    struct, _ = schema.struct(name)
    out = {}
    for field in struct["fields"]:
        value = getattr(obj, field["name"], None)
        if value is not None:
            out[field["name"]] = to_json(schema, type_of(field), value)
    return out


def field_type(schema, struct_name, field_name):
    struct, _ = schema.struct(struct_name)
    for field in struct["fields"]:
        if field["name"] == field_name:
            return type_of(field)
    raise ValueError("%s has no field %s" % (struct_name, field_name))
