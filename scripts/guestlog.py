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
      from the host-side tests); exit 1 on any failure.  The Nth
      RESULTS_LOG and the Nth CONSOLE_LOG are one boot's.

A test that provokes a kernel report on purpose declares it by writing
"asi-selftest: expect-begin TAG" and "asi-selftest: expect-end TAG" to
/dev/kmsg around the provoking code; reports inside such a window are
counted as expected.  The test itself checks that the report happened.

A skip (a test program skipping as a whole, or one of its cases) counts
as skipped, unless the boot lists the tests that may skip in it with
"asi_expect_skips=TEST,..." or "asi_expect_skips=none" on its kernel
command line (read from its console log): then a skip of a test not
listed counts as a failure.  make check lists them for every boot: its
kernels have the asi controller and the test helper that the selftests
skip without, so a skip there would hide a broken kernel.
"""

import collections
import os
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
_TAP_SKIP_ALL = re.compile(r"^1\.\.0\s*# SKIP\s*(.*?)\s*$")
# "# selftest: asi: NAME" starts a program's output, "ok N selftests:
# asi: NAME" ends it.
_PROGRAM = re.compile(r"^selftests?: \S+: (\S+)")

Tap = collections.namedtuple("Tap", "passed failed skipped failures skips")


def tap_counts(lines):
    """Count test cases in the runner's TAP output.

    The cases of each test program are the indented ("# ok N ...") lines;
    a top-level "not ok" for a program whose own cases did not fail (a
    crash, a timeout, an early exit) counts as one more failure, and a
    top-level "ok ... # SKIP" (exit 4: the program skipped as a whole,
    "1..0 # SKIP reason") as one skipped case unless the program already
    reported one.  Returns a Tap: the counts, failures naming the failed
    cases, and skips the skipped ones as (program, description).
    """
    passed = failed = skipped = 0
    failures = []
    skips = []
    program = skip_all = None
    program_failed = program_skipped = False
    for raw in lines:
        line = raw.rstrip("\r\n")
        nested = line.startswith("# ")
        body = line[2:] if nested else line
        if nested:
            m = _PROGRAM.match(body)
            if m:
                program = m.group(1)
                continue
            m = _TAP_SKIP_ALL.match(body)
            if m:
                skip_all = m.group(1)
                continue
        m = _TAP_RESULT.match(body)
        if not m:
            continue
        ok = m.group(1) == "ok"
        desc = m.group(2)
        if nested:
            if "# SKIP" in desc:
                skipped += 1
                skips.append((program, f"{program}: {desc}" if program
                              else desc))
                program_skipped = True
            elif ok:
                passed += 1
            else:
                failed += 1
                failures.append(desc)
                program_failed = True
        else:
            m = _PROGRAM.match(desc)
            name = m.group(1) if m else program
            if not ok and not program_failed:
                failed += 1
                failures.append(desc)
            elif ok and "# SKIP" in desc and not program_skipped:
                skipped += 1
                skips.append((name, f"{desc} {skip_all}" if skip_all
                              else desc))
            program = skip_all = None
            program_failed = program_skipped = False
    return Tap(passed, failed, skipped, failures, skips)


_EXPECT_SKIPS = re.compile(r"(?:^|\s)asi_expect_skips=(\S*)")


def expected_skips(console_lines):
    """The tests a boot allows to skip, from "asi_expect_skips=" on its
    kernel command line (the last one counts): a set of test program
    names, empty for "none"; or None where the boot does not say, and
    any test may skip."""
    for raw in console_lines:
        _, sep, cmdline = raw.partition("Command line:")
        if not sep:
            continue
        values = _EXPECT_SKIPS.findall(cmdline)
        if not values:
            return None
        return {t for t in values[-1].split(",") if t and t != "none"}
    return None


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
        passed = failed = skipped = 0
        failures = []
        bad_skips = []
        results = argv[1].split(",")
        consoles = argv[2].split(",")
        consoles += [""] * (len(results) - len(consoles))
        for path, console in zip(results, consoles):
            tap = tap_counts(_read(path))
            passed += tap.passed
            failed += tap.failed
            skipped += tap.skipped
            failures += tap.failures
            allowed = expected_skips(_read(console))
            if allowed is None:
                continue
            boot = os.path.basename(os.path.dirname(path)) or path
            bad_skips += [f"{boot}: {desc}" for program, desc in tap.skips
                          if program not in allowed]
        if "--add" in argv[3:]:
            i = argv.index("--add")
            host = [int(n) for n in argv[i + 1:i + 4]]
        else:
            host = [0, 0, 0]
        for name in failures:
            print(f"FAIL: {name}")
        for name in bad_skips:
            print(f"FAIL: unexpected skip in boot {name}")
        skipped -= len(bad_skips)
        failed += len(bad_skips)
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
