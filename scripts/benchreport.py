#!/usr/bin/env python3
"""Turn the guest's BENCH lines into results.json, results.md and a plot.

  benchreport.py RAW_JSONL OUT_DIR MODE

RAW_JSONL holds one JSON object a line (what follows "BENCH " in the
guests' results.log); MODE is quick or full; OUT_DIR is created if needed.
Every figure of the asi kernel is divided by the baseline kernel's host
figure for the same workload, the same PTI setting and the same kind of
run (timed, or -icount where a nanosecond is one guest instruction, so a
second of stress-ng or redis-benchmark is 1e9 instructions), measured in
the same `make bench` run: microbenchmarks (instructions or ns per
operation), end-to-end workloads (redis requests per second, build
iterations per second) and stress-ng (bogo-ops per second).  The report
checks the targets of docs/performance.md on the -icount figures, and
gives the timed ones for information.  Exit status: 0, 1 when nothing
could be compared or plotted, 2 on bad arguments or input.
"""

import json
import os
import statistics
import subprocess
import sys

COUNTERS = ["ctxt", "tlb_local_flush_all", "tlb_local_flush_one",
            "tlb_remote_flush", "tlb_remote_flush_received", "asi_exits"]
FLUSHES = ("tlb_local_flush_all", "tlb_local_flush_one", "tlb_remote_flush")
# Every BENCH line says where it was measured.
KEYS = ("kernel", "pti", "icount", "case")
MODES = ("quick", "full")


class BadInput(Exception):
    pass


def load(path):
    rows = []
    try:
        f = open(path)
    except OSError as e:
        raise BadInput(f"cannot read {path}: {e.strerror}")
    with f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                row = None
            if not isinstance(row, dict) or any(k not in row for k in KEYS):
                print(f"benchreport: {path}:{n}: skipping malformed line: "
                      f"{line[:80]}", file=sys.stderr)
                continue
            rows.append(row)
    if not rows:
        raise BadInput(f"{path} holds no BENCH measurement")
    return rows


def number(r, key):
    """A numeric field of a row, or None (reported) if it is not one."""
    v = r.get(key)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        print(f"benchreport: skipping a {r.get('case')} row without a "
              f"numeric {key}: {json.dumps(r)[:100]}", file=sys.stderr)
        return None
    return v


def micro_table(rows):
    """Per-operation figures of every microbenchmark run."""
    out = []
    for r in rows:
        if "workload" not in r or "ops" not in r or "e2e" in r:
            continue
        ops, ns = number(r, "ops"), number(r, "ns")
        if not ops or ns is None:
            continue
        m = {k: r[k] for k in KEYS + ("workload",)}
        m["ops"] = ops
        m["per_op"] = ns / ops          # ns, or instructions (icount)
        for c in COUNTERS:
            m[c + "_per_op"] = r.get(c, 0) / ops
        m["asi_exits_per_s"] = r.get("asi_exits", 0) / (ns / 1e9) if ns else 0
        out.append(m)
    return out


def baseline_of(table, m, key="workload"):
    """The baseline kernel's host figure for the same thing and run."""
    for b in table:
        if (b["kernel"] == "baseline" and b["case"] == "host" and
                b[key] == m[key] and b["pti"] == m["pti"] and
                b["icount"] == m["icount"] and b.get("op") == m.get("op")):
            return b
    return None


def micro_ratios(table):
    out = []
    for m in table:
        if m["kernel"] != "asi":
            continue
        b = baseline_of(table, m)
        if not b or not b["per_op"]:
            continue
        r = dict(m)
        r["ratio"] = m["per_op"] / b["per_op"]
        r["baseline_per_op"] = b["per_op"]
        r["extra_tlb_flushes_per_op"] = sum(
            m[c + "_per_op"] - b[c + "_per_op"] for c in FLUSHES)
        out.append(r)
    return out


def pti_reference(table):
    """What PTI costs on the baseline: the overhead the community accepted."""
    out = []
    for m in table:
        if m["kernel"] != "baseline" or m["pti"] != "on":
            continue
        for b in table:
            if (b["kernel"] == "baseline" and b["pti"] == "off" and
                    b["workload"] == m["workload"] and
                    b["icount"] == m["icount"] and b["per_op"]):
                out.append({"workload": m["workload"],
                            "icount": m["icount"],
                            "ratio": m["per_op"] / b["per_op"]})
    return out


def add_ratios(out, key):
    """ratio: median rate over the baseline's host median rate."""
    for s in out:
        b = baseline_of(out, s, key)
        if b and b["median"]:
            s["ratio"] = s["median"] / b["median"]


def stress_table(rows):
    """stress-ng: bogo-ops per second of the two instances together (under
    -icount, per 1e9 guest instructions), and domain exits per second."""
    groups = {}
    for r in rows:
        if "stressor" not in r:
            continue
        secs = number(r, "seconds")
        ops = number(r, "bogo_ops")
        if not secs or ops is None:
            continue
        rate = r.get("rate")
        if not isinstance(rate, (int, float)) or isinstance(rate, bool):
            rate = ops / secs          # lines of older harnesses
        key = tuple(r[k] for k in KEYS) + (r["stressor"],)
        groups.setdefault(key, []).append(
            (rate, r.get("exits", 0) / secs, ops))
    out = []
    for (kernel, pti, icount, case, stressor), runs in sorted(groups.items()):
        rates = [x[0] for x in runs]
        out.append({"kernel": kernel, "pti": pti, "icount": icount,
                    "case": case, "stressor": stressor,
                    "min": min(rates), "median": statistics.median(rates),
                    "max": max(rates), "runs": len(runs),
                    "bogo_ops": statistics.median(x[2] for x in runs),
                    "exits_per_s": statistics.median(x[1] for x in runs)})
    add_ratios(out, "stressor")
    return out


def e2e_table(rows):
    """End-to-end workloads: operations per second (redis: requests per
    second as redis-benchmark counts them; build: iterations over the
    whole run's time), and per operation the counters around the run."""
    groups = {}
    for r in rows:
        if "e2e" not in r:
            continue
        ops, ns = number(r, "ops"), number(r, "ns")
        if not ops or not ns:
            continue
        rate = r["rps"] if "rps" in r else ops / (ns / 1e9)
        if not isinstance(rate, (int, float)) or isinstance(rate, bool):
            continue
        key = tuple(r[k] for k in KEYS) + (r["e2e"], r.get("op", ""))
        groups.setdefault(key, []).append(
            (rate, r.get("asi_exits", 0) / ops, r.get("ctxt", 0) / ops,
             sum(r.get(c, 0) for c in FLUSHES) / ops))
    out = []
    for (kernel, pti, icount, case, e2e, op), runs in sorted(groups.items()):
        rates = [x[0] for x in runs]
        out.append({"kernel": kernel, "pti": pti, "icount": icount,
                    "case": case, "e2e": e2e, "op": op,
                    "min": min(rates), "median": statistics.median(rates),
                    "max": max(rates), "runs": len(runs),
                    "exits_per_op": statistics.median(x[1] for x in runs),
                    "ctxt_per_op": statistics.median(x[2] for x in runs),
                    "tlb_flushes_per_op": statistics.median(
                        x[3] for x in runs)})
    add_ratios(out, "e2e")
    return out


def memory_table(rows):
    return [r for r in rows if "meminfo" in r or "asi_stat" in r]


def cross_sites_table(rows):
    """Per case, the kernel code that touched another domain's memory."""
    return [{"kernel": r["kernel"], "pti": r["pti"], "icount": r["icount"],
             "case": r["case"], "sites": r["cross_sites"]}
            for r in rows if "cross_sites" in r]


def targets(ratios, stress, e2e):
    """The targets of the performance issue, judged on the -icount runs
    (instructions repeat; times under TCG do not)."""
    def pick(rows, **kw):
        return [r for r in rows if "ratio" in r and
                all(r.get(k) == v for k, v in kw.items())]

    def where(r, key="workload"):
        return f"{r[key]}{'/' + r['op'] if r.get('op') else ''}, PTI {r['pti']}"

    res = []

    def add(target, rows, test, describe):
        if not rows:
            res.append({"target": target, "value": "not measured",
                        "met": None})
            return
        res.append({"target": target, "value": describe(rows),
                    "met": all(test(r) for r in rows)})

    def within(case, limit, what):
        rows = pick(ratios, case=case, icount=1)
        add(f"{what}: every microbenchmark within {limit:.1%} of baseline "
            "instructions per operation", rows,
            lambda r: abs(r["ratio"] - 1) <= limit,
            lambda rows: (lambda w: f"worst {w['ratio'] - 1:+.2%} "
                          f"({where(w)})")(
                max(rows, key=lambda r: abs(r["ratio"] - 1))))

    def worst_ratio(rows, key="workload"):
        w = max(rows, key=lambda r: r["ratio"])
        return f"worst {w['ratio']:.3f}x ({where(w, key)})"

    within("host", 0.005, "No domain alive, none ever created (host)")
    within("host-after", 0.005,
           "No domain alive, after domains came and went (host-after)")
    within("host-beside-private", 0.01,
           "Host tasks while domains with every class private exist "
           "(host-beside-private)")
    for wl, name in (("pipe", "pipe"), ("socketpair", "socketpair")):
        for pti in ("on", "off"):
            rows = pick(ratios, case="cross", workload=wl, icount=1, pti=pti)
            add(f"cross-domain {name} ping-pong, no class private (PTI {pti}):"
                " <= 1.01x baseline instructions per round trip, no TLB "
                "flush beyond baseline", rows,
                lambda r: r["ratio"] <= 1.01 and
                r["extra_tlb_flushes_per_op"] <= 0,
                lambda rows: f"{rows[0]['ratio']:.3f}x, "
                f"{rows[0]['extra_tlb_flushes_per_op']:+.3f} flushes/op")
    for case, limit, what in (("same-private", 1.05, "in one domain"),
                              ("cross-private", 1.10, "across two domains")):
        rows = pick(ratios, case=case, workload="pipe", icount=1)
        add(f"pipe ping-pong {what}, every class private ({case}): "
            f"<= {limit:.2f}x", rows, lambda r: r["ratio"] <= limit,
            worst_ratio)
    rows = [r for r in pick(ratios, icount=1)
            if r["case"] in ("same-private", "cross-private") and
            r["workload"] in ("openclose", "forkexit")]
    add("open/close and fork+exit, every class private (same-private, "
        "cross-private): <= 1.02x", rows, lambda r: r["ratio"] <= 1.02,
        lambda rows: f"worst {max(rows, key=lambda r: r['ratio'])['ratio']:.3f}x "
        f"({max(rows, key=lambda r: r['ratio'])['case']}, "
        f"{where(max(rows, key=lambda r: r['ratio']))})")
    rows = pick(ratios, case="cross", workload="syscall", icount=1)
    add("null syscall in a domain: <= 1.01x", rows,
        lambda r: r["ratio"] <= 1.01, worst_ratio)

    def lowest(rows, key):
        w = min(rows, key=lambda r: r["ratio"])
        return f"{w['ratio']:.3f}x ({where(w, key)})"

    def info(rows, key):
        return f"; timed (information): {lowest(rows, key)}" if rows else ""

    for case, what in (("cross-private", "every class private"),
                       ("cross", "no class private")):
        rows = pick(stress, kernel="asi", case=case, icount=1)
        timed = pick(stress, kernel="asi", case=case, icount=0)
        if not rows and case == "cross":
            continue                    # the quick run has no such case
        add(f"stress-ng (icount) in two isolated domains, {what}: every "
            "stressor at least 0.95x baseline bogo-ops per second", rows,
            lambda r: r["ratio"] >= 0.95,
            lambda rows: f"worst {lowest(rows, 'stressor')}"
            f"{info(timed, 'stressor')}")
    rows = pick(e2e, kernel="asi", case="cross-private", e2e="redis",
                icount=1)
    timed = pick(e2e, kernel="asi", case="cross-private", e2e="redis",
                 icount=0)
    add("redis-benchmark across two domains, every class private: at least "
        "0.95x baseline requests per second (icount)", rows,
        lambda r: r["ratio"] >= 0.95,
        lambda rows: f"worst {lowest(rows, 'e2e')}{info(timed, 'e2e')}")
    return res


CASE_ORDER = ["host", "host-after", "host-beside-private", "cross", "same",
              "cross-private", "same-private"]


def case_key(case):
    return CASE_ORDER.index(case) if case in CASE_ORDER else len(CASE_ORDER)


def fmt(v, digits=3):
    return "-" if v is None else f"{v:.{digits}f}"


def rate(v):
    """A rate, with decimals only where it is small."""
    return "-" if v is None else f"{v:.0f}" if v >= 100 else f"{v:.2f}"


CLASSES = ("cred", "file", "pipe", "sock", "netns", "key", "msg")


def memory_lines(rows):
    """Direct map before and after, and every domain's asi.stat."""
    lines = ["DirectMap (kB) before and after each boot:", ""]
    for m in rows:
        if "meminfo" in m:
            maps = ", ".join(f"{k[len('DirectMap'):-3]} {v}"
                             for k, v in m.items()
                             if k.startswith("DirectMap"))
            lines.append(f"- {m['kernel']}, PTI {m['pti']}, icount "
                         f"{m['icount']}, {m['meminfo']}: {maps}")
    lines += ["", "Domains' `asi.stat` (isolated cgroups only) at the end "
              "of each case, and in the middle of each stressor with every "
              "class private (timed runs): private objects per class "
              "(count/bytes), private bytes (slab pages), pool blocks "
              "(free), pool free bytes, page tables.", "",
              "| case | PTI | icount | when | private objects | private "
              "bytes | pool blocks (free) | pool free bytes | page tables "
              "|", "|---|---|---|---|---|---|---|---|---|"]
    for m in rows:
        if "asi_stat" not in m or not m.get("domain"):
            continue
        objs = " ".join(f"{c} {m.get(c + '_objects', 0)}/"
                        f"{m.get(c + '_bytes', 0)}" for c in CLASSES
                        if m.get(c + "_objects"))
        lines.append(
            f"| {m['case']} | {m['pti']} | {m['icount']} | {m['asi_stat']} "
            f"| {objs or '-'} | {m.get('private_bytes', '-')} | "
            f"{m.get('pool_blocks', '-')} ({m.get('pool_blocks_free', '-')})"
            f" | {m.get('pool_free_bytes', '-')} | "
            f"{m.get('pagetable_bytes', '-')} |")
    return lines


def markdown(report):
    lines = [f"# asi benchmark results ({report['mode']})", ""]
    lines += ["Ratios are asi kernel / baseline kernel (same base, config, "
              "guest and run; the baseline runs every workload as host). "
              "`instr/op` and rates per guest second come from the -icount "
              "runs (1e9 guest instructions a second), `ns/op` and timed "
              "rates from the timed runs, which are noisy under TCG and "
              "given for information. Targets are judged on -icount.", ""]
    lines += ["## Targets", "", "| target | measured | met |", "|---|---|---|"]
    for t in report["targets"]:
        met = {True: "yes", False: "**no**", None: "-"}[t["met"]]
        lines.append(f"| {t['target']} | {t['value']} | {met} |")

    ratios = report["micro_ratios"]

    def ratio_of(**kw):
        rows = [r for r in ratios
                if all(r.get(k) == v for k, v in kw.items())]
        return rows[0]["ratio"] if rows else None

    lines += ["", "## With no domain, after domains, beside domains", "",
              "Host tasks' microbenchmarks, instructions per operation over "
              "the baseline's: never any domain (host), once domains came "
              "and went and the last is gone (host-after), and while two "
              "populated domains with every class private exist "
              "(host-beside-private).", "",
              "| workload | PTI | host | host-after | host-beside-private |",
              "|---|---|---|---|---|"]
    workloads = sorted({r["workload"] for r in ratios})
    for wl in workloads:
        for pti in ("on", "off"):
            vals = [ratio_of(workload=wl, pti=pti, icount=1, case=c)
                    for c in ("host", "host-after", "host-beside-private")]
            if any(v is not None for v in vals):
                lines.append(f"| {wl} | {pti} | " +
                             " | ".join(fmt(v) for v in vals) + " |")

    lines += ["", "## Microbenchmarks", "",
              "| workload | case | PTI | instr/op | ratio | ns/op | ratio "
              "| ctxt/op | TLB flushes/op (extra) | asi exits/op | exits/s |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in sorted((r for r in ratios if r["icount"] == 1),
                    key=lambda r: (r["workload"], case_key(r["case"]),
                                   r["pti"])):
        timed = [t for t in ratios if t["icount"] == 0 and
                 t["workload"] == r["workload"] and t["case"] == r["case"] and
                 t["pti"] == r["pti"]]
        t = timed[0] if timed else None
        flushes = sum(r[c + "_per_op"] for c in FLUSHES)
        lines.append(
            f"| {r['workload']} | {r['case']} | {r['pti']} | "
            f"{r['per_op']:.0f} | {r['ratio']:.3f} | "
            f"{fmt(t and t['per_op'], 0)} | {fmt(t and t['ratio'])} | "
            f"{r['ctxt_per_op']:.2f} | {flushes:.3f} "
            f"({r['extra_tlb_flushes_per_op']:+.3f}) | "
            f"{r['asi_exits_per_op']:.3f} | "
            f"{(t or r)['asi_exits_per_s']:.0f} |")
    lines += ["", "Private page allocation and free through the pool "
              "(asi only; no baseline has private memory):", ""]
    for m in sorted((m for m in report["micro"]
                     if m["workload"] == "privalloc"),
                    key=lambda m: (m["icount"], case_key(m["case"]),
                                   m["pti"])):
        kind = "instr" if m["icount"] else "ns"
        lines.append(f"- {m['case']}, PTI {m['pti']}: {m['per_op']:.0f} "
                     f"{kind}/op, {m['tlb_local_flush_all_per_op']:.3f} full "
                     f"TLB flushes/op")
    lines += ["", "PTI reference (baseline, PTI on / PTI off):", ""]
    for p in sorted(report["pti_reference"],
                    key=lambda p: (p["icount"], p["workload"])):
        kind = "instr" if p["icount"] else "ns"
        lines.append(f"- {p['workload']} ({kind}/op): {p['ratio']:.3f}x")

    def pair(rows, key, name):
        """Rows of one table keyed by name, case, PTI: icount and timed."""
        out = {}
        for r in rows:
            out.setdefault((r[key], r.get("op", ""), r["case"], r["pti"],
                            r["kernel"]), {})[r["icount"]] = r
        return sorted(out.items(), key=lambda kv: (
            kv[0][4] != "asi", kv[0][0], kv[0][1], case_key(kv[0][2]),
            kv[0][3]))

    lines += ["", "## End-to-end workloads", "",
              "redis: redis-server in A, redis-benchmark (10 clients) in B "
              "over a unix socket, both on CPU 0; host: A and B are not "
              "isolated; cross: two domains; cross-private: two domains, "
              "every class private. build: a fork/exec/pipe/file loop in "
              "one cgroup (host, or one domain: same, same-private); an "
              "operation is one iteration. Rates are operations per second "
              "(per 1e9 instructions under -icount); exits, context switches "
              "and TLB flushes per operation are of the -icount run, both "
              "cgroups together.", "",
              "| workload | case | PTI | rate (icount) | ratio | rate (timed) "
              "| ratio | exits/op | ctxt/op | TLB flushes/op |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for (e, op, case, pti, kernel), by in pair(report["e2e"], "e2e", "e2e"):
        i, t = by.get(1), by.get(0)
        c = i or t
        name = f"{e} {op}" if op and e == "redis" else e
        if kernel != "asi":
            case = f"{case} (baseline)"
        lines.append(
            f"| {name} | {case} | {pti} | {rate(i and i['median'])} | "
            f"{fmt(i and i.get('ratio'))} | {rate(t and t['median'])} | "
            f"{fmt(t and t.get('ratio'))} | {c['exits_per_op']:.3f} | "
            f"{c['ctxt_per_op']:.2f} | {c['tlb_flushes_per_op']:.3f} |")

    lines += ["", "## stress-ng", "",
              "Two instances, one in each cgroup of the case; bogo-ops per "
              "second of both together. Under -icount each instance does a "
              "fixed number of bogo-ops and its rate is over its own guest "
              "time; timed runs stress for a fixed time (median, min-max "
              "over the runs). Exits per second: both domains together.", "",
              "| stressor | case | PTI | bogo-ops/s (icount) | ratio | "
              "exits/s | bogo-ops/s (timed) | ratio | exits/s |",
              "|---|---|---|---|---|---|---|---|---|"]
    for (st, _, case, pti, kernel), by in pair(report["stress"], "stressor",
                                               "stressor"):
        if kernel != "asi":
            continue
        i, t = by.get(1), by.get(0)
        timed = "-"
        if t:
            timed = rate(t["median"])
            if t["runs"] > 1:
                timed += f" ({rate(t['min'])}-{rate(t['max'])})"
        lines.append(
            f"| {st} | {case} | {pti} | {rate(i and i['median'])} | "
            f"{fmt(i and i.get('ratio'))} | "
            f"{fmt(i and i['exits_per_s'], 0)} | {timed} | "
            f"{fmt(t and t.get('ratio'))} | "
            f"{fmt(t and t['exits_per_s'], 0)} |")
    lines += ["", "## Memory", ""] + memory_lines(report["memory"])
    lines += ["", "## Where domains left their view", "",
              "Kernel code that touched another domain's private memory "
              "during each case (icount runs; count and site, top ten).", "",
              "| case | PTI | sites |", "|---|---|---|"]
    for c in report["cross_sites"]:
        if c["icount"] == 1:
            lines.append(f"| {c['case']} | {c['pti']} | {c['sites']} |")
    return "\n".join(lines) + "\n"


def plot(report, out_dir):
    """asi / baseline cost, PTI on, -icount: instructions per operation of
    the microbenchmarks, and baseline rate / asi rate of the end-to-end
    workloads and stress-ng with every class private (above 1: slower)."""
    bars = [(f"{r['workload']}/{r['case']}", r["ratio"])
            for r in sorted((r for r in report["micro_ratios"]
                             if r["icount"] == 1 and r["pti"] == "on"),
                            key=lambda r: (r["workload"],
                                           case_key(r["case"])))]
    bars += [(f"{e['e2e']}{'-' + e['op'] if e['e2e'] == 'redis' else ''}"
              f"/{e['case']}", 1 / e["ratio"])
             for e in report["e2e"] if e["kernel"] == "asi" and
             e["icount"] == 1 and e["pti"] == "on" and e.get("ratio")]
    bars += [(f"stress-{s['stressor']}/{s['case']}", 1 / s["ratio"])
             for s in report["stress"] if s["kernel"] == "asi" and
             s["icount"] == 1 and s["pti"] == "on" and s.get("ratio") and
             s["case"] == "cross-private"]
    if not bars:
        return False
    data = os.path.join(out_dir, "ratios.dat")
    with open(data, "w") as f:
        for i, (name, ratio) in enumerate(bars):
            f.write(f"{i} \"{name}\" {ratio:.4f}\n")
    script = f"""
set terminal png size {max(1000, 22 * len(bars))},600
set output '{os.path.join(out_dir, 'results.png')}'
set title 'asi / baseline cost, QEMU -icount, PTI on: instructions per operation (microbenchmarks), baseline rate / asi rate (end-to-end, stress-ng)'
set style fill solid 0.6
set boxwidth 0.7
set yrange [0:*]
set ylabel 'ratio'
set xtics rotate by -60 font ',8'
set rmargin 12
set grid ytics
plot '{data}' using 1:3:xtic(2) with boxes notitle, 1 with lines dt 2 notitle
"""
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"benchreport: gnuplot failed: {e}", file=sys.stderr)
        return False
    return True


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    raw, out_dir, mode = argv
    try:
        if mode not in MODES:
            raise BadInput(f"MODE must be one of {', '.join(MODES)}, "
                           f"not '{mode}'")
        if os.path.exists(out_dir) and not os.path.isdir(out_dir):
            raise BadInput(f"{out_dir} exists and is not a directory")
        rows = load(raw)
        os.makedirs(out_dir, exist_ok=True)
    except (BadInput, OSError) as e:
        print(f"benchreport: {e}", file=sys.stderr)
        return 2
    table = micro_table(rows)
    ratios = micro_ratios(table)
    stress = stress_table(rows)
    e2e = e2e_table(rows)
    report = {"mode": mode, "micro": table, "micro_ratios": ratios,
              "pti_reference": pti_reference(table), "stress": stress,
              "e2e": e2e, "memory": memory_table(rows),
              "cross_sites": cross_sites_table(rows)}
    report["targets"] = targets(ratios, stress, e2e)
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump(report, f, indent=1)
    with open(os.path.join(out_dir, "results.md"), "w") as f:
        f.write(markdown(report))
    if not plot(report, out_dir):
        return 1
    if not ratios:
        print("benchreport: no asi/baseline pairs measured", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
