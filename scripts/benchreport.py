#!/usr/bin/env python3
"""Turn the guest's BENCH lines into results.json, results.md and a plot.

  benchreport.py RAW_JSONL OUT_DIR MODE

Every figure of the asi kernel is divided by the baseline kernel's figure
for the same workload, the same PTI setting and the same kind of run
(timed, or -icount where a nanosecond is one guest instruction), measured
in the same `make bench` run.  The report also checks the targets of
docs/performance.md.
"""

import json
import os
import statistics
import subprocess
import sys

COUNTERS = ["ctxt", "tlb_local_flush_all", "tlb_local_flush_one",
            "tlb_remote_flush", "tlb_remote_flush_received", "asi_exits"]


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                print(f"benchreport: skipping malformed line: {line[:80]}",
                      file=sys.stderr)
    return rows


def micro_table(rows):
    """Per-operation figures of every microbenchmark run."""
    out = []
    for r in rows:
        if "workload" not in r or "ops" not in r:
            continue
        ops = r["ops"]
        m = {k: r[k] for k in ("kernel", "pti", "icount", "case", "workload")}
        m["ops"] = ops
        m["per_op"] = r["ns"] / ops          # ns, or instructions (icount)
        for c in COUNTERS:
            m[c + "_per_op"] = r.get(c, 0) / ops
        m["asi_exits_per_s"] = (r.get("asi_exits", 0) / (r["ns"] / 1e9)
                                if r["ns"] else 0)
        out.append(m)
    return out


def baseline_of(table, m):
    for b in table:
        if (b["kernel"] == "baseline" and b["case"] == "host" and
                b["workload"] == m["workload"] and b["pti"] == m["pti"] and
                b["icount"] == m["icount"]):
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
            m[c + "_per_op"] - b[c + "_per_op"]
            for c in ("tlb_local_flush_all", "tlb_local_flush_one",
                      "tlb_remote_flush"))
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


def stress_table(rows):
    groups = {}
    for r in rows:
        if "stressor" not in r:
            continue
        key = (r["kernel"], r["pti"], r["case"], r["stressor"])
        groups.setdefault(key, []).append(r)
    out = []
    for (kernel, pti, case, stressor), runs in sorted(groups.items()):
        vals = [r["bogo_ops"] for r in runs]
        # Domain exits per second of stressing, median over the runs.
        eps = [r.get("exits", 0) / r["seconds"] for r in runs
               if r.get("seconds")]
        out.append({"kernel": kernel, "pti": pti, "case": case,
                    "stressor": stressor, "min": min(vals),
                    "median": statistics.median(vals), "max": max(vals),
                    "runs": len(vals),
                    "exits_per_s": statistics.median(eps) if eps else 0})
    for s in out:
        base = [b for b in out if b["kernel"] == "baseline" and
                b["case"] == "host" and b["pti"] == s["pti"] and
                b["stressor"] == s["stressor"]]
        if base and base[0]["median"]:
            s["ratio"] = s["median"] / base[0]["median"]
    return out


def memory_table(rows):
    return [r for r in rows if "meminfo" in r or "asi_stat" in r]


def targets(ratios, stress):
    def pick(**kw):
        return [r for r in ratios
                if all(r.get(k) == v for k, v in kw.items())]

    res = []
    host = pick(case="host", icount=1)
    worst = max((abs(r["ratio"] - 1) for r in host), default=None)
    res.append({
        "target": "no isolated group: every figure within 1% of baseline "
                  "(instructions per operation)",
        "value": None if worst is None else f"worst {worst:+.2%}",
        "met": worst is not None and worst <= 0.01})
    for pti in ("on", "off"):
        pp = pick(case="cross", workload="pipe", icount=1, pti=pti)
        if pp:
            r = pp[0]
            res.append({
                "target": f"cross-domain pipe ping-pong (PTI {pti}): "
                          "<= 1.02x baseline instructions per round trip, "
                          "no extra TLB flush",
                "value": f"{r['ratio']:.3f}x, "
                         f"{r['extra_tlb_flushes_per_op']:+.3f} flushes/op",
                "met": r["ratio"] <= 1.02 and
                       r["extra_tlb_flushes_per_op"] <= 0})
        sc = pick(case="cross", workload="syscall", icount=1, pti=pti)
        if sc:
            res.append({
                "target": f"null syscall in a domain (PTI {pti}): <= 1.01x",
                "value": f"{sc[0]['ratio']:.3f}x",
                "met": sc[0]["ratio"] <= 1.01})
    for case, what in (("cross-private", "every class private"),
                       ("cross", "no class private")):
        cross = [s for s in stress if s["kernel"] == "asi" and
                 s["case"] == case and "ratio" in s]
        if cross:
            worst = min(cross, key=lambda s: s["ratio"])
            res.append({
                "target": f"stress-ng in two isolated domains, {what}: "
                          "bogo-ops >= 0.95x baseline",
                "value": f"worst {worst['ratio']:.3f}x ({worst['stressor']}, "
                         f"PTI {worst['pti']})",
                "met": worst["ratio"] >= 0.95})
    return res


def markdown(report):
    lines = [f"# asi benchmark results ({report['mode']})", ""]
    lines += ["Ratios are asi kernel / baseline kernel (same base, config, "
              "guest and run; baseline has no isolated group). `instr/op` "
              "comes from the -icount runs, `ns/op` from the timed runs.", ""]
    lines += ["## Targets", "", "| target | measured | met |", "|---|---|---|"]
    for t in report["targets"]:
        lines.append(f"| {t['target']} | {t['value']} | "
                     f"{'yes' if t['met'] else 'no'} |")
    lines += ["", "## Microbenchmarks", "",
              "| workload | case | PTI | instr/op | ratio | ns/op | ratio "
              "| ctxt/op | TLB flushes/op (extra) | asi exits/op | exits/s |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    ratios = report["micro_ratios"]
    for r in sorted((r for r in ratios if r["icount"] == 1),
                    key=lambda r: (r["workload"], r["case"], r["pti"])):
        timed = [t for t in ratios if t["icount"] == 0 and
                 t["workload"] == r["workload"] and t["case"] == r["case"] and
                 t["pti"] == r["pti"]]
        t = timed[0] if timed else None
        flushes = sum(r[c + "_per_op"] for c in
                      ("tlb_local_flush_all", "tlb_local_flush_one",
                       "tlb_remote_flush"))
        lines.append(
            f"| {r['workload']} | {r['case']} | {r['pti']} | "
            f"{r['per_op']:.0f} | {r['ratio']:.3f} | "
            f"{t['per_op']:.0f} | {t['ratio']:.3f} | " if t else
            f"| {r['workload']} | {r['case']} | {r['pti']} | "
            f"{r['per_op']:.0f} | {r['ratio']:.3f} | - | - | ")
        lines[-1] += (f"{r['ctxt_per_op']:.2f} | {flushes:.3f} "
                      f"({r['extra_tlb_flushes_per_op']:+.3f}) | "
                      f"{r['asi_exits_per_op']:.3f} | "
                      f"{(t or r)['asi_exits_per_s']:.0f} |")
    lines += ["", "Private page allocation and free through the pool "
              "(asi only; no baseline has private memory):", ""]
    for m in sorted((m for m in report["micro"]
                     if m["workload"] == "privalloc"),
                    key=lambda m: (m["icount"], m["case"], m["pti"])):
        kind = "instr" if m["icount"] else "ns"
        lines.append(f"- {m['case']}, PTI {m['pti']}: {m['per_op']:.0f} "
                     f"{kind}/op, {m['tlb_local_flush_all_per_op']:.3f} full "
                     f"TLB flushes/op")
    lines += ["", "PTI reference (baseline, PTI on / PTI off):", ""]
    for p in sorted(report["pti_reference"],
                    key=lambda p: (p["icount"], p["workload"])):
        kind = "instr" if p["icount"] else "ns"
        lines.append(f"- {p['workload']} ({kind}/op): {p['ratio']:.3f}x")
    lines += ["", "## stress-ng (bogo-ops, two instances)", "",
              "| stressor | case | PTI | min | median | max | runs | "
              "ratio (median) | exits/s |",
              "|---|---|---|---|---|---|---|---|---|"]
    for s in report["stress"]:
        if s["kernel"] != "asi":
            continue
        ratio = f"{s['ratio']:.3f}" if "ratio" in s else "-"
        lines.append(f"| {s['stressor']} | {s['case']} | {s['pti']} | "
                     f"{s['min']} | {s['median']} | {s['max']} | "
                     f"{s['runs']} | {ratio} | {s['exits_per_s']:.0f} |")
    lines += ["", "## Memory", ""]
    for m in report["memory"]:
        fields = ", ".join(f"{k}={v}" for k, v in m.items()
                           if k not in ("kernel", "icount"))
        lines.append(f"- {m['kernel']} (icount {m['icount']}): {fields}")
    return "\n".join(lines) + "\n"


def plot(report, out_dir):
    rows = sorted((r for r in report["micro_ratios"]
                   if r["icount"] == 1 and r["pti"] == "on"),
                  key=lambda r: (r["workload"], r["case"]))
    if not rows:
        return False
    data = os.path.join(out_dir, "ratios.dat")
    with open(data, "w") as f:
        for i, r in enumerate(rows):
            f.write(f"{i} \"{r['workload']}/{r['case']}\" {r['ratio']:.4f}\n")
    script = f"""
set terminal png size 1000,500
set output '{os.path.join(out_dir, 'results.png')}'
set title 'asi / baseline, instructions per operation (QEMU -icount, PTI on)'
set style fill solid 0.6
set boxwidth 0.7
set yrange [0:*]
set ylabel 'ratio'
set xtics rotate by -45
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
    rows = load(raw)
    table = micro_table(rows)
    ratios = micro_ratios(table)
    stress = stress_table(rows)
    report = {"mode": mode, "micro": table, "micro_ratios": ratios,
              "pti_reference": pti_reference(table), "stress": stress,
              "memory": memory_table(rows)}
    report["targets"] = targets(ratios, stress)
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
