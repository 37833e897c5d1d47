#!/usr/bin/env python3
"""Host-side unit tests of scripts/guestlog.py: it is what decides whether
a guest run passed, so it must catch every kind of kernel report and count
TAP results the way the runner writes them."""

import os
import contextlib
import io
import shutil
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

# The runner's output.  test_x passes a case and skips one; test_z
# passes, test_y skips as a whole (exit 4).
CASE_SKIP = ["# selftest: asi: test_x", "# 1..2", "# ok 1 a",
             "# ok 2 b # SKIP", "ok 1 selftests: asi: test_x"]
PROGRAM_SKIP = ["# selftest: asi: test_z", "# 1..1", "# ok 1 c",
                "ok 1 selftests: asi: test_z",
                "# selftest: asi: test_y", "# TAP version 13",
                "# 1..0 # SKIP asi controller isn't available",
                "ok 2 selftests: asi: test_y # SKIP"]


def cmdline(params):
    """A console log whose kernel command line ends with @params."""
    return ["[    0.000000] Linux version 6.12.117 (asi@asi)",
            "[    0.000000] Command line: console=ttyS0,115200 panic=-1 "
            "asi_guest=check " + params] + CLEAN


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
        tap = guestlog.tap_counts(lines)
        self.assertEqual(tap[:3], (2, 1, 0))
        self.assertTrue(tap.failures[0].startswith("selftests: asi: test_x"))

    def test_carriage_returns_from_serial_are_ignored(self):
        self.assertEqual(guestlog.tap_counts(["# ok 1 a\r\n"])[:3], (1, 0, 0))

    def test_program_skipped_as_a_whole_counts_once(self):
        # ksft_exit_skip() before the plan, then the runner's exit-4 line.
        tap = guestlog.tap_counts(PROGRAM_SKIP)
        self.assertEqual(tap[:3], (1, 0, 1))
        self.assertEqual(tap.skips, [(
            "test_y",
            "selftests: asi: test_y # SKIP asi controller isn't available")])

    def test_skip_after_the_plan_is_not_counted_twice(self):
        # ksft_exit_skip() after the plan prints a skipped case itself.
        lines = ["# selftest: asi: test_x", "# 1..3",
                 "# ok 1 # SKIP no helper",
                 "ok 1 selftests: asi: test_x # SKIP"]
        tap = guestlog.tap_counts(lines)
        self.assertEqual(tap[:3], (0, 0, 1))
        self.assertEqual(tap.skips, [("test_x", "test_x: # SKIP no helper")])

    def test_skipped_case_is_named_with_its_program(self):
        tap = guestlog.tap_counts(CASE_SKIP)
        self.assertEqual(tap[:3], (1, 0, 1))
        self.assertEqual(tap.skips, [("test_x", "test_x: b # SKIP")])


class ExpectedSkips(unittest.TestCase):
    def test_no_parameter_allows_any_skip(self):
        self.assertIsNone(guestlog.expected_skips(cmdline("")))
        self.assertIsNone(guestlog.expected_skips(CLEAN))

    def test_none_allows_no_skip(self):
        self.assertEqual(guestlog.expected_skips(
            cmdline("asi_expect_skips=none")), set())

    def test_listed_tests(self):
        self.assertEqual(guestlog.expected_skips(
            cmdline("asi_expect_skips=test_a,test_b.sh asi_selftests=x")),
            {"test_a", "test_b.sh"})

    def test_last_parameter_counts(self):
        self.assertEqual(guestlog.expected_skips(
            cmdline("asi_expect_skips=test_a asi_expect_skips=none")), set())

    def test_similar_parameter_is_not_taken(self):
        self.assertIsNone(guestlog.expected_skips(
            cmdline("no_asi_expect_skips=none")))


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

    def run_boots(self, boots):
        """Judge boots {name: (results, console)} as run_boots does, with
        their logs in NAME/results.log and NAME/console.log; return the
        status and the output."""
        top = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, top)
        paths = {"results": [], "console": []}
        for name, logs in boots.items():
            os.mkdir(os.path.join(top, name))
            for kind, lines in zip(("results", "console"), logs):
                path = os.path.join(top, name, kind + ".log")
                with open(path, "w") as f:
                    f.write("\n".join(lines) + "\n")
                paths[kind].append(path)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            status = guestlog.main(["summary", ",".join(paths["results"]),
                                    ",".join(paths["console"]), "--finished"])
        return status, out.getvalue()

    def test_all_good(self):
        self.assertEqual(self.run_summary(["# ok 1 a"], CLEAN), 0)

    def test_kernel_warning_fails_a_green_run(self):
        self.assertEqual(self.run_summary(["# ok 1 a"], [WARN]), 1)

    def test_unfinished_guest_fails(self):
        self.assertEqual(self.run_summary(["# ok 1 a"], CLEAN, False), 1)

    def test_no_test_is_a_failure(self):
        self.assertEqual(self.run_summary([], CLEAN), 1)

    def test_skips_pass_where_the_boot_does_not_say(self):
        status, out = self.run_boots({"adhoc": (PROGRAM_SKIP, cmdline(""))})
        self.assertEqual(status, 0)
        self.assertTrue(out.endswith("1 passed, 0 failed, 1 skipped\n"))

    def test_skip_fails_a_boot_that_expects_none(self):
        status, out = self.run_boots(
            {"main": (PROGRAM_SKIP, cmdline("asi_expect_skips=none"))})
        self.assertEqual(status, 1)
        self.assertIn("FAIL: unexpected skip in boot main: selftests: asi: "
                      "test_y # SKIP asi controller isn't available", out)
        self.assertTrue(out.endswith("1 passed, 1 failed, 0 skipped\n"))

    def test_skipped_case_fails_a_boot_that_expects_none(self):
        status, out = self.run_boots(
            {"main": (CASE_SKIP, cmdline("asi_expect_skips=test_y"))})
        self.assertEqual(status, 1)
        self.assertIn("FAIL: unexpected skip in boot main: test_x: b", out)

    def test_expected_skip_passes(self):
        status, out = self.run_boots(
            {"main": (PROGRAM_SKIP, cmdline("asi_expect_skips=a,test_y"))})
        self.assertEqual(status, 0)
        self.assertTrue(out.endswith("1 passed, 0 failed, 1 skipped\n"))

    def test_expected_skips_are_per_boot(self):
        status, out = self.run_boots({
            "main": (PROGRAM_SKIP, cmdline("asi_expect_skips=test_y")),
            "other": (PROGRAM_SKIP, cmdline("asi_expect_skips=none"))})
        self.assertEqual(status, 1)
        self.assertIn("unexpected skip in boot other: ", out)
        self.assertNotIn("unexpected skip in boot main: ", out)
        self.assertTrue(out.endswith("2 passed, 1 failed, 1 skipped\n"))


if __name__ == "__main__":
    unittest.main()
