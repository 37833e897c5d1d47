#!/usr/bin/env python3
"""Print the cover letter of the asi kernel series.

  cover-letter.py [--results RESULTS_JSON]   the body
  cover-letter.py --subject                  the subject line

The body is what follows the Subject line of 0000-cover-letter.patch, up
to the shortlog and diffstat that git format-patch appends.  Its prose
is scripts/cover-letter.txt; the script fills in the kernel the series
applies to, the layout of the series (kernel/patches/series), and the
bench section: the targets, tables and the reasons for missed targets
from RESULTS_JSON (what `make bench` writes, build/bench/results.json),
or one line saying that there were no results.  Every line fits in 72
columns.  Exit status: 0, 2 on bad arguments or an unreadable
RESULTS_JSON.
"""

import argparse
import json
import os
import sys
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import benchreport  # noqa: E402
import series  # noqa: E402

SUBJECT = "asi: address space isolation for cgroups"
WIDTH = 72
TEMPLATE = os.path.join(HERE, "cover-letter.txt")
NO_RESULTS = ("No bench results existed when the series was exported; "
              "run `make bench`.")
MICRO_ORDER = ["syscall", "pipe", "socketpair", "openclose", "forkexit"]


class BadInput(Exception):
    pass


def wrap(text, indent="", first=None):
    """One paragraph, filled to WIDTH columns."""
    return textwrap.wrap(text, WIDTH, initial_indent=indent if first is None
                         else first, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False)


def paragraphs(*texts):
    """Paragraphs separated by blank lines."""
    out = []
    for t in texts:
        if out:
            out.append("")
        out += wrap(t)
    return out


def table(header, rows):
    """Columns two spaces apart; the first left-aligned, the rest right."""
    rows = [header] + rows
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    return ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                      for i, (c, w) in enumerate(zip(r, widths))).rstrip()
            for r in rows]


# -- the kernel and the series ------------------------------------------

def base_lines(top=TOP):
    try:
        with open(os.path.join(top, "kernel", "BASE")) as f:
            version = f.readline().strip()
    except OSError:
        version = ""
    where = (f"Debian's linux-source-6.12 ({version}), a 6.12 stable "
             "kernel," if version else "v6.12")
    return wrap(f"The series applies to {where} on x86-64.  It is posted as "
                "an RFC, to have the design reviewed before the costs "
                "described below are worked on.")


def series_steps(top=TOP):
    """The patches as exported, in order: [(subject, paths)], paths being
    the new files each brings and the files it changes."""
    try:
        steps = series.read_series(top)
    except (OSError, series.SeriesError):
        return []
    return [(st.subject, st.new_files + [t for t, _ in st.sections])
            for st in steps]


def numbers(ns):
    ns = [str(n) for n in ns]
    if len(ns) == 1:
        return f"patch {ns[0]}"
    return f"patches {', '.join(ns[:-1])} and {ns[-1]}"


def series_lines(top=TOP):
    steps = series_steps(top)
    n = len(steps)

    def where(test):
        return [i for i, (_, paths) in enumerate(steps, 1)
                if any(test(p) for p in paths)]

    if n:
        layout = (f"The {n} patches read best in order: each brings the new "
                  "files it needs together with its hooks into existing "
                  "code.")
    else:
        layout = "The patches read best in order."
    helper = where(lambda p: p == "mm/asi/test.c")
    if helper:
        layout += (f"  The CONFIG_ASI_TEST helper (mm/asi/test.c) that the "
                   f"selftests drive is in {numbers(helper)}.")
    docs = where(lambda p: p.startswith("Documentation/"))
    if docs:
        paths = sorted({p for i in docs for p in steps[i - 1][1]
                        if p.startswith("Documentation/") and
                        os.path.basename(p) != "index.rst"})
        layout += (f"  The documentation ({', '.join(paths)}) is in "
                   f"{numbers(docs)}.")
    selftests = where(lambda p: p.startswith("tools/testing/selftests/"))
    tests = ("They run in QEMU guests with 4- and 5-level paging, asi=off, "
             "KASAN with fault injection, SLUB debugging on and off, and "
             "systemd as PID 1, and check the invariants directly: a walk "
             "of the live CR3 finds no other domain's private page, private "
             "pages are absent from the direct map, released blocks are "
             "zero and back in the direct map, an enforced cross-domain "
             "read never returns the data, and a real tenant's objects of "
             "every class sit in its private memory.  An interface fuzzer, "
             "trinity in two rootless containers and stress-ng run beside "
             "them, and a run fails on any kernel report (lockdep, KASAN, "
             "SLUB, WARN).")
    if selftests:
        tests = f"The selftests are in {numbers(selftests)}.  " + tests
    else:
        tests = ("The selftests are not part of this posting: they live in "
                 "the asi tree (selftests/, run by `make check`).  " + tests)
    return paragraphs(layout, tests,
                      "The asi tree's docs/ also has the threat model and "
                      "every bench table.")


# -- the bench section ---------------------------------------------------

def load_report(path):
    try:
        with open(path) as f:
            report = json.load(f)
    except OSError as e:
        raise BadInput(f"cannot read {path}: {e.strerror}")
    except json.JSONDecodeError as e:
        raise BadInput(f"{path} is not JSON: {e}")
    need = ("micro_ratios", "stress", "e2e")
    if not isinstance(report, dict) or any(
            not isinstance(report.get(k), list) for k in need):
        raise BadInput(f"{path} is not a benchreport.py results.json "
                       f"(it needs {', '.join(need)})")
    return report


def report_targets(report):
    """The verdicts the run reported, or, from a results.json that has
    none, benchreport's verdicts on its tables."""
    if isinstance(report.get("targets"), list):
        return report["targets"]
    return benchreport.targets(report["micro_ratios"], report["stress"],
                               report["e2e"])


def pick(rows, **kw):
    return [r for r in rows if all(r.get(k) == v for k, v in kw.items())]


def on_off(rows, key, **kw):
    """'PTI on/PTI off' of key in the icount rows that match kw."""
    vals = []
    for pti in ("on", "off"):
        r = [r for r in pick(rows, pti=pti, icount=1, **kw) if key in r]
        vals.append(r[0][key] if r else None)
    return vals


def pair(vals, digits=3):
    if all(v is None for v in vals):
        return "-"
    return "/".join(benchreport.fmt(v, digits) for v in vals)


def most(vals, digits):
    vals = [v for v in vals if v is not None]
    return benchreport.fmt(max(vals), digits) if vals else "-"


def micro_lines(report):
    ratios = report["micro_ratios"]
    names = sorted({r["workload"] for r in ratios if r.get("icount") == 1},
                   key=lambda w: (MICRO_ORDER.index(w) if w in MICRO_ORDER
                                  else len(MICRO_ORDER), w))
    if not names:
        return []
    cases = ("host", "cross", "cross-private", "same-private")
    rows = [[w] + [pair(on_off(ratios, "ratio", workload=w, case=c))
                   for c in cases] +
            [most(on_off(ratios, "asi_exits_per_op", workload=w,
                         case="cross-private"), 2)]
            for w in names]
    return (wrap("Microbenchmarks, instructions per operation, asi / "
                 "baseline, PTI on/off (above 1: slower); exits per "
                 "operation across two domains with every class private "
                 "(the more of PTI on and off):")
            + [""] + table(["", "host", "cross", "cross-priv", "same-priv",
                            "exits/op"], rows))


def e2e_lines(report):
    e2e = [e for e in report["e2e"] if e.get("kernel") == "asi"]
    keys = sorted({(e["e2e"], e.get("op", "")) for e in e2e
                   if e.get("icount") == 1})
    if not keys:
        return []
    rows = []
    for name, op in keys:
        mine = pick(e2e, e2e=name, op=op)
        cells = [f"{name} {op}" if op and name == "redis" else name]
        for alts in (("host",), ("cross", "same"),
                     ("cross-private", "same-private")):
            vals = [None, None]
            for c in alts:
                v = on_off(mine, "ratio", case=c)
                if any(x is not None for x in v):
                    vals = v
                    break
            cells.append(pair(vals))
        priv = [e for e in mine if e["case"].endswith("-private")]
        cells.append(pair(on_off(priv, "exits_per_op"), 2))
        rows.append(cells)
    return (wrap("End-to-end, operations per 10^9 instructions, asi / "
                 "baseline, PTI on/off (below 1: slower): redis-benchmark "
                 "in one cgroup against redis-server in another, and a "
                 "build-like loop in one cgroup:") + [""] +
            table(["", "host", "cross/same", "private", "exits/op"], rows))


def stress_lines(report):
    stress = [s for s in report["stress"] if s.get("kernel") == "asi"]
    names = sorted({s["stressor"] for s in stress if s.get("icount") == 1})
    if not names:
        return []
    rows = [[n] + [pair(on_off(stress, "ratio", stressor=n, case=c))
                   for c in ("host", "cross", "cross-private")] +
            [pair(on_off(stress, "exits_per_s", stressor=n,
                         case="cross-private"), 0)]
            for n in names]
    return (wrap("stress-ng, two instances in two cgroups, bogo-ops per "
                 "10^9 instructions, asi / baseline, PTI on/off (below 1: "
                 "slower); exits per second with every class private:") +
            [""] + table(["", "host", "cross", "cross-priv", "exits/s"],
                         rows))


def target_lines(targets):
    out = []
    for t in targets:
        met = {True: "met", False: "MISSED"}.get(t.get("met"), "n/a")
        out += wrap(t["target"], " " * 9, f"  {met:<7}")
        out += wrap(f"measured: {t['value']}", " " * 9)
    return out


def exit_cost(report):
    """Exits per round trip of the cross-domain private pipe ping-pong, and
    the instructions each adds to the baseline's round trip."""
    rows = [r for r in pick(report["micro_ratios"], workload="pipe",
                            case="cross-private", icount=1)
            if r.get("asi_exits_per_op") and "baseline_per_op" in r]
    if not rows:
        return None, None
    r = max(rows, key=lambda r: r["asi_exits_per_op"])
    exits = r["asi_exits_per_op"]
    return exits, (r["per_op"] - r["baseline_per_op"]) / exits


def low_stressors(report, limit=0.95):
    low = {}
    for s in pick(report["stress"], kernel="asi", case="cross-private",
                  icount=1):
        if s.get("ratio") is not None and s["ratio"] < limit:
            low[s["stressor"]] = min(s["ratio"], low.get(s["stressor"], 9))
    return sorted(low.items(), key=lambda kv: kv[1])


def host_reason(report):
    """Host tasks (no domain, after domains, beside domains)."""
    hosts = ("host", "host-after", "host-beside-private")
    ratios = [r for r in report["micro_ratios"]
              if r.get("icount") == 1 and r.get("case") in hosts]
    cheap = [abs(r["ratio"] - 1) for r in ratios
             if r["workload"] in ("syscall", "pipe", "socketpair")]
    text = ("Host tasks: with no domain every hook is a static branch "
            "that is off")
    if cheap:
        text += (f"; null syscall, pipe and socketpair stay within "
                 f"{max(cheap):.1%} of the baseline")
    return text + (
        ".  open/close is about as far above it in a kernel that never "
        "had a domain as in one whose domains are gone, so it is no hook "
        "left on; the two kernels' configurations differ only by "
        "CONFIG_ASI_TEST and the fault-injection framework it selects, "
        "and the residue is not explained yet.  fork+exit varies by 1-2% "
        "from boot to boot of the same kernel, more than its target.  "
        "Beside private domains, each allocation from a class's cache "
        "also tests whether to redirect it.")


def cross_reason(report):
    """Cross-domain ping-pongs with no class private."""
    rows = sorted((r for r in pick(report["micro_ratios"], case="cross",
                                   icount=1)
                   if r["workload"] in ("pipe", "socketpair")),
                  key=lambda r: (r["workload"], r["pti"] != "on"))
    over, exits = [], 0
    for r in rows:
        if r["ratio"] <= 1.01:
            continue
        exits = max(exits, r.get("asi_exits_per_op", 0))
        host = pick(report["micro_ratios"], case="host", icount=1,
                    workload=r["workload"], pti=r["pti"])
        beside = f"; host tasks {host[0]['ratio']:.4f}x" if host else ""
        over.append(f"{r['workload']} with PTI {r['pti']} "
                    f"({r['ratio']:.4f}x{beside})")
    flushes = [r for r in rows if r.get("extra_tlb_flushes_per_op", 0) > 0]
    text = ("Cross-domain ping-pongs with no class private: switching "
            "views adds no code to the switch path, since the view is part "
            "of the mm's page tables.")
    found = []
    if over:
        found.append(f"over 1.01x are {' and '.join(over)}"
                     + (", with no exit" if not exits else ""))
    if flushes:
        counts = sorted({max(round(r["extra_tlb_flushes_per_op"] * r["ops"]),
                             1) for r in flushes})
        runs = sorted({f"{r['ops']:,.0f}" for r in flushes})
        found.append(f"{len(flushes)} of the {len(rows)} runs had "
                     f"{' or '.join(map(str, counts))} TLB flush"
                     f"{'es' if counts[-1] > 1 else ''} more than the "
                     f"baseline in {' or '.join(runs)} round trips")
    if found:
        text += ("  " + "; ".join(found)[0].upper() + "; ".join(found)[1:]
                 + (": neither is" if len(found) > 1 else ", not")
                 + " attributed yet.")
    return text


def why_missed(report, targets):
    """The known reason of each missed target, once per group of
    targets, only for those the run missed."""
    missed = [t["target"] for t in targets if t.get("met") is False]

    def any_missed(*prefixes):
        return any(m.startswith(p) for m in missed for p in prefixes)

    out = []
    if any_missed("No domain alive", "Host tasks while domains"):
        out.append(host_reason(report))
    if any_missed("cross-domain pipe ping-pong, no class",
                  "cross-domain socketpair ping-pong, no class"):
        out.append(cross_reason(report))
    if any_missed("pipe ping-pong across two domains"):
        exits, cost = exit_cost(report)
        if exits and cost and cost >= 1000:
            how = (f"{exits:.0f} exits per round trip, each adding about "
                   f"{round(cost, -3):,.0f} instructions")
        elif exits:
            how = f"{exits:.0f} exits per round trip"
        else:
            how = "an exit per read"
        out.append(
            "Private pipes across domains: the data stays in the writer's "
            "private memory (the reader is unknown when the data is "
            "written, and ordinary memory would expose it to every "
            "tenant), so a reader in another domain borrows the page for "
            f"each read: {how} (QEMU counts the 4 KiB copy of the "
            "page-table root as 4,096 instructions).  Two domains that "
            "enforce cannot read each other's private pipes at all.")
    if any_missed("open/close and fork+exit, every class private"):
        out.append(
            "open/close and fork+exit with every class private pay per "
            "object: a test per class allocation and a redirected "
            "allocation from a clone cache (a file and a cred for "
            "open/close).")
    if any_missed("stress-ng (icount) in two isolated domains, every"):
        low = low_stressors(report)
        text = ("stress-ng with every class private: "
                + ", ".join(f"{n} {r:.2f}x" for n, r in low) + ".")
        if any(n in ("msg", "mq", "switch-mq") for n, _ in low):
            text += ("  Message queues pay per message, not per exit: each "
                     "message is a redirected allocation from a private "
                     "msg_msg clone, and each copy asks whom the data "
                     "belongs to (an RCU read-side section and a block "
                     "lookup) even when the reader's domain does not "
                     "enforce; lockdep, on in both kernels, makes RCU "
                     "sections expensive.")
        out.append(text)
    if any_missed("redis-benchmark across two domains"):
        rows = pick(report["e2e"], kernel="asi", e2e="redis",
                    case="cross-private", icount=1)
        exits = max((r.get("exits_per_op", 0) for r in rows), default=0)
        plain = [r["ratio"] for r in pick(report["e2e"], kernel="asi",
                                          e2e="redis", case="cross",
                                          icount=1) if "ratio" in r]
        text = (f"redis across two private domains: {exits:.1f} exits per "
                "request.  The server touches the client's end of the unix "
                "connection on every request (unix_write_space() from "
                "sock_wfree(), maybe_add_creds(), the peer's lock and "
                "flags), which is the client's private object by design.")
        if plain:
            span = f"{min(plain):.2f}"
            if f"{max(plain):.2f}" != span:
                span += f"-{max(plain):.2f}"
            text += f"  With no class private redis runs at {span}x."
        out.append(text)
    if not out:
        return []
    lines = ["Why the missed targets are missed:", ""]
    for n, text in enumerate(out):
        if n:
            lines.append("")
        lines += wrap(text, "  ", "- ")
    return lines


def bench_lines(path):
    """The bench section from results.json, or the one line saying that
    there were no results."""
    if not path or not os.path.exists(path):
        return [NO_RESULTS]
    report = load_report(path)
    targets = report_targets(report)
    mode = report.get("mode")
    run = {"full": "make bench", "quick": "make bench-quick"}.get(
        mode, "make bench")
    pti = [p["ratio"] for p in report.get("pti_reference", [])
           if p.get("icount") == 1 and "ratio" in p]
    intro = (f"From `{run}`: the asi kernel against a baseline built from "
             "the same base and configuration without the series, both "
             "under QEMU TCG (2 vCPUs, 4-level paging, lockdep on), with "
             "PTI on and off.  Under -icount a nanosecond is one guest "
             "instruction, so the figures are instructions per operation, "
             "or rates per 10^9 instructions, far steadier than times under "
             "TCG; the targets are judged on them.")
    if pti and max(pti) > 1:
        intro += (f"  For scale, PTI costs the baseline up to "
                  f"{max(pti) - 1:.1%} in these terms.")
    out = paragraphs(intro)
    if targets:
        out += ["", "Targets:", ""] + target_lines(targets)
    for part in (micro_lines(report), e2e_lines(report),
                 stress_lines(report), why_missed(report, targets)):
        if part:
            out += [""] + part
    return out


# -- the letter ------------------------------------------------------------

def body(results=None, top=TOP, template=TEMPLATE):
    fill = {"@BASE@": lambda: base_lines(top),
            "@BENCH@": lambda: bench_lines(results),
            "@SERIES@": lambda: series_lines(top)}
    out = []
    with open(template) as f:
        for line in f.read().splitlines():
            if line.startswith("#"):
                continue
            out += fill[line.strip()]() if line.strip() in fill else [line]
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out) + "\n"


def main(argv):
    ap = argparse.ArgumentParser(
        prog="cover-letter.py",
        description="Print the asi series' cover letter body, or with "
        "--subject its subject line.")
    ap.add_argument("--results", metavar="RESULTS_JSON",
                    help="bench results (build/bench/results.json); "
                    "without it, or if it does not exist, the letter says "
                    "there were none")
    ap.add_argument("--subject", action="store_true",
                    help="print only the subject line")
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        return 0 if e.code == 0 else 2
    if args.subject:
        sys.stdout.write(SUBJECT + "\n")
        return 0
    try:
        text = body(args.results)
    except (BadInput, OSError) as e:
        print(f"cover-letter: {e}", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
