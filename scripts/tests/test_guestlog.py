#!/usr/bin/env python3
"""Host-side unit tests of scripts/guestlog.py: it is what decides whether
a guest run passed, so it must catch every kind of kernel report and count
TAP results the way the runner writes them."""

import os
import contextlib
import io
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import guestlog  # noqa: E402

# Headlines as the 6.12 kernel prints them.
WARN = "[   12.345678] WARNING: CPU: 1 PID: 77 at mm/slub.c:1234 foo+0x1/0x2"
LOCKDEP = "[    3.000001] WARNING: possible circular locking dependency detected"
SLUB = "[    5.1] BUG kmalloc-64 (Not tainted): Poison overwritten"
OOPS = "[    7.2] Oops: general protection fault, probably for non-canonical"
NULLDEREF = "[    7.1] BUG: kernel NULL pointer dereference, address: 0000000000000008"
STALL = "[   70.0] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:"
HUNG = "[  200.0] INFO: task kworker/0:1:12 blocked for more than 61 seconds."
CLEAN = [
    "[    0.000000] Linux version 6.12.117 (asi@asi)",
    "[    0.1] Spectre V2 : Mitigation: Retpolines",
    "[    1.0] BUG_ON counters: none",   # no "BUG: " headline
    "ok 1 test_something",
]


class KernelReports(unittest.TestCase):
    def kinds(self, lines):
        return [r.kind for r in guestlog.kernel_reports(lines)]

    def test_clean_log_has_no_reports(self):
        self.assertEqual(self.kinds(CLEAN), [])

    def test_each_report_kind_is_found(self):
        self.assertEqual(self.kinds([WARN]), ["WARN"])
        self.assertEqual(self.kinds([LOCKDEP]), ["lockdep"])
        self.assertEqual(self.kinds([SLUB]), ["SLUB"])
        self.assertEqual(self.kinds([OOPS]), ["oops"])
        self.assertEqual(self.kinds([NULLDEREF]), ["BUG"])
        self.assertEqual(self.kinds([STALL]), ["RCU stall"])
        self.assertEqual(self.kinds([HUNG]), ["hung task"])

    def test_report_is_attributed_to_running_test(self):
        lines = ["[ 1.0] asi-selftest: start test_a", WARN,
                 "[ 2.0] asi-selftest: end test_a rc=0", LOCKDEP]
        reports = guestlog.kernel_reports(lines)
        self.assertEqual(reports[0].test, "test_a")
        self.assertIsNone(reports[1].test)

    def test_declared_report_is_expected_only_inside_window(self):
        lines = ["[ 1.0] asi-selftest: expect-begin oops1", OOPS,
                 "[ 1.5] asi-selftest: expect-end oops1", OOPS]
        reports = guestlog.kernel_reports(lines)
        self.assertEqual([r.expected for r in reports], [True, False])

    def test_kernel_subcommand_fails_on_unexpected(self):
        with contextlib.redirect_stdout(io.StringIO()):
            path = self.write_tmp([WARN])
            self.assertEqual(guestlog.main(["kernel", path]), 1)
            path = self.write_tmp(CLEAN)
            self.assertEqual(guestlog.main(["kernel", path]), 0)

    def write_tmp(self, lines):
        fd, path = tempfile.mkstemp()
        with os.fdopen(fd, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.addCleanup(os.unlink, path)
        return path


class ReadLogs(unittest.TestCase):
    def test_comma_separated_logs_are_concatenated(self):
        paths = []
        for lines in (["a\n"], ["b\n"]):
            fd, path = tempfile.mkstemp()
            with os.fdopen(fd, "w") as f:
                f.writelines(lines)
            self.addCleanup(os.unlink, path)
            paths.append(path)
        self.assertEqual(guestlog._read(",".join(paths)), ["a\n", "b\n"])

    def test_missing_log_reads_empty(self):
        self.assertEqual(guestlog._read("/nonexistent/log"), [])


class TapCounts(unittest.TestCase):
    def test_nested_cases_are_counted(self):
        lines = ["TAP version 13", "1..1", "# selftest: asi: test_x",
                 "# ok 1 a", "# not ok 2 b", "# ok 3 c # SKIP no pool",
                 "not ok 1 selftests: asi: test_x # exit=1"]
        self.assertEqual(guestlog.tap_counts(lines)[:3], (1, 1, 1))

    def test_program_crash_without_failed_case_counts_once(self):
        lines = ["# ok 1 a", "not ok 1 selftests: asi: test_x # exit=139",
                 "# ok 1 b", "ok 2 selftests: asi: test_y"]
        passed, failed, skipped, failures = guestlog.tap_counts(lines)
        self.assertEqual((passed, failed, skipped), (2, 1, 0))
        self.assertTrue(failures[0].startswith("selftests: asi: test_x"))

    def test_carriage_returns_from_serial_are_ignored(self):
        self.assertEqual(guestlog.tap_counts(["# ok 1 a\r\n"])[:3], (1, 0, 0))


class Summary(unittest.TestCase):
    def run_summary(self, results, console, finished=True):
        paths = []
        for lines in (results, console):
            fd, path = tempfile.mkstemp()
            with os.fdopen(fd, "w") as f:
                f.write("\n".join(lines) + "\n")
            paths.append(path)
        args = ["summary"] + paths + (["--finished"] if finished else [])
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                return guestlog.main(args)
        finally:
            for p in paths:
                os.unlink(p)

    def test_all_good(self):
        self.assertEqual(self.run_summary(["# ok 1 a"], CLEAN), 0)

    def test_kernel_warning_fails_a_green_run(self):
        self.assertEqual(self.run_summary(["# ok 1 a"], [WARN]), 1)

    def test_unfinished_guest_fails(self):
        self.assertEqual(self.run_summary(["# ok 1 a"], CLEAN, False), 1)

    def test_no_test_is_a_failure(self):
        self.assertEqual(self.run_summary([], CLEAN), 1)


if __name__ == "__main__":
    unittest.main()
