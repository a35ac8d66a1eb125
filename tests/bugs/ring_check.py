#!/usr/bin/python3
"""ring_check.py JSON KIND [ADDR] - did allocdump --json see the violation?

Reads the JSON that `allocdump PID --json` printed for a paused corpus
program and checks that (1) the event ring holds an event of KIND (on ADDR,
when given) and (2) the per-kind violation counter for KIND is at least 1.
The JSON layout is allocdump's; this checker only relies on what the segment
ABI (liballoc_stats.h) fixes: events carry a kind and an address, and
violations are counted per las_event_kind. Prints what is missing, exits 1.
"""
import json
import sys

# las_event_kind order in liballoc_stats.h
KINDS = ["none", "double-free", "invalid-free", "buffer-overflow",
         "buffer-underflow", "use-after-free", "conf-change", "size-mismatch",
         "alloc-dealloc-mismatch"]


def kind_matches(value, kind):
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 <= value < len(KINDS) and KINDS[value] == kind
    if isinstance(value, str):
        v = value.lower().replace("_", "-")
        return v == kind or v == "las-ev-" + kind
    return False


def as_int(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value, 0)
        except ValueError:
            return None
    return None


def walk(node, path=()):
    """Yield (path, dict) for every object in the document."""
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from walk(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, path + (i,))


def find_event(doc, kind, addr):
    for _, obj in walk(doc):
        if "kind" not in obj or not kind_matches(obj["kind"], kind):
            continue
        if addr is None:
            return True
        for key in ("addr", "address", "ptr"):
            if key in obj and as_int(obj[key]) == addr:
                return True
    return False


def count_violations(doc, kind):
    """Largest counter found for KIND under any key named like 'violations'."""
    best = None
    for path, obj in walk(doc):
        for key, value in obj.items():
            if "violation" not in str(key).lower():
                continue
            if isinstance(value, dict):
                for k, n in value.items():
                    if kind_matches(k, kind) and as_int(n) is not None:
                        best = max(best or 0, as_int(n))
            elif isinstance(value, list) and len(value) > KINDS.index(kind):
                n = as_int(value[KINDS.index(kind)])
                if n is not None:
                    best = max(best or 0, n)
        # also accept flat keys such as "violations_double_free"
        for key, value in obj.items():
            k = str(key).lower().replace("_", "-")
            if k.startswith("violation") and k.endswith(kind) and as_int(value) is not None:
                best = max(best or 0, as_int(value))
    return best


def main():
    if len(sys.argv) < 3:
        print("usage: ring_check.py JSON KIND [ADDR]")
        return 2
    try:
        with open(sys.argv[1]) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"allocdump output is not JSON: {e}")
        return 1
    kind = sys.argv[2]
    addr = as_int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3] else None
    problems = []
    if not find_event(doc, kind, addr):
        where = f" on {sys.argv[3]}" if addr is not None else ""
        problems.append(f"no {kind} event{where} in the event ring")
    n = count_violations(doc, kind)
    if n is None:
        problems.append(f"no violation counter for {kind}")
    elif n < 1:
        problems.append(f"violation counter for {kind} is {n}")
    if problems:
        print("; ".join(problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
