#!/usr/bin/env python3
"""Judge a guest run from its logs.

  guestlog.py kernel CONSOLE_LOG
      List kernel reports (WARN, BUG, oops, lockdep, SLUB, stalls, ...)
      found in the serial console log; exit 1 if any was not declared
      expected by the test that provoked it.

  guestlog.py summary RESULTS_LOG CONSOLE_LOG [--finished] [--add P F S]
      (each LOG may be a comma-separated list, one per boot)
      Count the selftest results (kselftest TAP) and the unexpected
      kernel reports, print them, and end with one line
      "N passed, N failed, N skipped" (plus the counts given with --add,
      from the host-side tests); exit 1 on any failure.

A test that provokes a kernel report on purpose declares it by writing
"asi-selftest: expect-begin TAG" and "asi-selftest: expect-end TAG" to
/dev/kmsg around the provoking code; reports inside such a window are
counted as expected.  The test itself checks that the report happened.
"""

import re
import sys

# Headlines of the reports a healthy kernel never prints.  Each report is
# counted once, by its first line.
REPORT_PATTERNS = [
    (r"WARNING: CPU: \d+ PID: \d+", "WARN"),
    (r"WARNING: (possible|inconsistent|suspicious|bad|lock|held|nested|"
     r"Nested|circular)", "lockdep"),
    (r"DEBUG_LOCKS_WARN_ON", "lockdep"),
    (r"INFO: (possible|trying to register non-static key|"
     r"lockdep is turned off)", "lockdep"),
    (r"kernel BUG at ", "BUG"),
    (r"BUG: ", "BUG"),
    (r"BUG \S+ \((Not t|T)ainted\): ", "SLUB"),
    (r"Oops: ", "oops"),
    (r"general protection fault", "oops"),
    (r"Kernel panic - not syncing", "panic"),
    (r"UBSAN: ", "UBSAN"),
    (r"rcu: INFO: \S+ detected (expedited )?stalls", "RCU stall"),
    (r"INFO: task \S+ blocked for more than", "hung task"),
    (r"(list_add|list_del) corruption", "list corruption"),
    (r"kmemleak: \d+ new suspected memory leaks", "kmemleak"),
]
_REPORT_RE = [(re.compile(p), kind) for p, kind in REPORT_PATTERNS]
_TIMESTAMP = re.compile(r"^\s*(\[\s*\d+\.\d+\]\s*)?")
_EXPECT = re.compile(r"asi-selftest: expect-(begin|end) (\S+)")
_TEST_MARK = re.compile(r"asi-selftest: (start|end) (\S+)")


class Report:
    def __init__(self, lineno, kind, text, expected, test):
        self.lineno = lineno
        self.kind = kind
        self.text = text
        self.expected = expected
        self.test = test

    def __str__(self):
        where = f" during {self.test}" if self.test else ""
        tag = " (expected)" if self.expected else ""
        return f"line {self.lineno}: {self.kind}{where}{tag}: {self.text}"


def kernel_reports(lines):
    """Return the kernel reports found in console log lines."""
    reports = []
    expecting = set()
    test = None
    for lineno, raw in enumerate(lines, 1):
        line = _TIMESTAMP.sub("", raw.rstrip("\r\n"), count=1)
        m = _EXPECT.search(line)
        if m:
            if m.group(1) == "begin":
                expecting.add(m.group(2))
            else:
                expecting.discard(m.group(2))
            continue
        m = _TEST_MARK.search(line)
        if m:
            test = m.group(2) if m.group(1) == "start" else None
            continue
        for regex, kind in _REPORT_RE:
            if regex.search(line):
                reports.append(Report(lineno, kind, line.strip(),
                                      bool(expecting), test))
                break
    return reports


_TAP_RESULT = re.compile(r"^(not ok|ok)\s+\d+\s*(.*?)\s*$")


def tap_counts(lines):
    """Count test cases in the runner's TAP output.

    The cases of each test program are the indented ("# ok N ...") lines;
    a top-level "not ok" for a program whose own cases did not fail (a
    crash, a timeout, an early exit) counts as one more failure.
    Returns (passed, failed, skipped, failures) where failures names them.
    """
    passed = failed = skipped = 0
    failures = []
    program_failed = False
    for raw in lines:
        line = raw.rstrip("\r\n")
        nested = line.startswith("# ")
        body = line[2:] if nested else line
        m = _TAP_RESULT.match(body)
        if not m:
            continue
        ok = m.group(1) == "ok"
        desc = m.group(2)
        if nested:
            if "# SKIP" in desc:
                skipped += 1
            elif ok:
                passed += 1
            else:
                failed += 1
                failures.append(desc)
                program_failed = True
        else:
            if not ok and not program_failed:
                failed += 1
                failures.append(desc)
            program_failed = False
    return passed, failed, skipped, failures


def _read(paths):
    """Lines of one log, or of several given as a comma-separated list."""
    lines = []
    for path in paths.split(","):
        try:
            with open(path, errors="replace") as f:
                lines += f.readlines()
        except FileNotFoundError:
            pass
    return lines


def main(argv):
    if len(argv) >= 2 and argv[0] == "kernel":
        reports = kernel_reports(_read(argv[1]))
        for r in reports:
            print(r)
        return 1 if any(not r.expected for r in reports) else 0

    if len(argv) >= 3 and argv[0] == "summary":
        finished = "--finished" in argv[3:]
        passed, failed, skipped, failures = tap_counts(_read(argv[1]))
        if "--add" in argv[3:]:
            i = argv.index("--add")
            host = [int(n) for n in argv[i + 1:i + 4]]
        else:
            host = [0, 0, 0]
        for name in failures:
            print(f"FAIL: {name}")
        reports = kernel_reports(_read(argv[2]))
        bad = [r for r in reports if not r.expected]
        for r in reports:
            print(f"kernel: {r}")
        if bad:
            print(f"FAIL: kernel log has {len(bad)} unexpected report(s); "
                  f"see {argv[2]}")
            failed += len(bad)
        if not finished:
            print("FAIL: the guest did not finish the run")
            failed += 1
        if passed + failed + skipped == 0:
            print("FAIL: no test ran in the guest")
            failed += 1
        passed += host[0]
        failed += host[1]
        skipped += host[2]
        print(f"{passed} passed, {failed} failed, {skipped} skipped")
        return 1 if failed else 0

    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
