#!/usr/bin/env python3
"""Host-side unit tests of scripts/cover-letter.py: the cover letter a
reviewer reads must carry the bench figures exactly as measured, say so
when there are none, and fit in 72 columns."""

import contextlib
import importlib.util
import io
import json
import os
import re
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(HERE, "..")
sys.path.insert(0, SCRIPTS)
import benchreport  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "cover_letter", os.path.join(SCRIPTS, "cover-letter.py"))
cover_letter = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cover_letter)

REAL_RESULTS = os.path.join(SCRIPTS, "..", "build", "bench", "results.json")


def micro(kernel, case, workload, ns, pti="on", ops=100, **kw):
    row = {"kernel": kernel, "pti": pti, "icount": 1, "case": case,
           "workload": workload, "ops": ops, "ns": ns}
    row.update(kw)
    return row


def redis(kernel, case, rps, pti="on", **kw):
    row = {"kernel": kernel, "pti": pti, "icount": 1, "case": case,
           "e2e": "redis", "op": "GET", "ops": 1000, "ns": 10 ** 9,
           "rps": rps}
    row.update(kw)
    return row


def stress(kernel, case, ops, stressor="msg", pti="on"):
    return {"kernel": kernel, "pti": pti, "icount": 1, "case": case,
            "stressor": stressor, "repeat": 0, "seconds": 1,
            "bogo_ops": ops}


def rows(redis_rps=700):
    """A small run: 50,000 instructions per baseline pipe round trip."""
    out = []
    for pti in ("on", "off"):
        out += [micro("baseline", "host", "pipe", 5000000, pti),
                micro("baseline", "host", "syscall", 100000, pti),
                redis("baseline", "host", 1000, pti),
                stress("baseline", "host", 100, pti=pti)]
    out += [micro("asi", "host", "pipe", 5015000),
            micro("asi", "host", "pipe", 5020000, "off"),
            micro("asi", "cross", "pipe", 5100000),          # 1.020x
            micro("asi", "cross", "pipe", 5025000, "off"),
            micro("asi", "cross-private", "pipe", 7800000, asi_exits=200),
            micro("asi", "cross-private", "pipe", 7000000, "off",
                  asi_exits=200),
            micro("asi", "cross", "syscall", 100400),        # 1.004x
            redis("asi", "cross", 990),
            redis("asi", "cross-private", redis_rps, asi_exits=4000),
            stress("asi", "cross-private", 86)]
    return out


def report(raw):
    table = benchreport.micro_table(raw)
    ratios = benchreport.micro_ratios(table)
    st = benchreport.stress_table(raw)
    e2e = benchreport.e2e_table(raw)
    return {"mode": "full", "micro": table, "micro_ratios": ratios,
            "pti_reference": benchreport.pti_reference(table),
            "stress": st, "e2e": e2e, "memory": [], "cross_sites": [],
            "targets": benchreport.targets(ratios, st, e2e)}


class Letter(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def results(self, rep, name="results.json"):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            json.dump(rep, f)
        return path

    def run_main(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = cover_letter.main(list(argv))
        return rc, out.getvalue(), err.getvalue()

    def letter(self, *argv):
        rc, out, err = self.run_main(*argv)
        self.assertEqual(rc, 0, err)
        return out

    def row(self, text, name):
        lines = [line for line in text.splitlines()
                 if line.startswith(name + " ")]
        self.assertEqual(len(lines), 1, f"one table row for {name}")
        return lines[0].split()

    def check_form(self, text):
        for n, line in enumerate(text.splitlines(), 1):
            self.assertLessEqual(len(line), 72, f"line {n}: {line!r}")
            self.assertEqual(line, line.rstrip(), f"line {n} trails blanks")
            self.assertNotIn("\t", line, f"line {n} has a tab")
        self.assertIsNone(re.search(r"@[A-Z]+@", text), "a placeholder left")
        self.assertTrue(text.endswith("\n") and not text.endswith("\n\n"))

    def test_table_has_the_figures(self):
        text = self.letter("--results", self.results(report(rows())))
        self.assertNotIn(cover_letter.NO_RESULTS, text)
        # host, cross, cross-private, same-private (none), exits/op
        self.assertEqual(self.row(text, "pipe"),
                         ["pipe", "1.003/1.004", "1.020/1.005",
                          "1.560/1.400", "-", "2.00"])
        self.assertEqual(self.row(text, "syscall")[2], "1.004/-")
        self.assertEqual(self.row(text, "msg"),
                         ["msg", "-", "-", "0.860/-", "0/-"])
        self.assertEqual(self.row(text, "redis"),
                         ["redis", "GET", "-", "0.990/-", "0.700/-",
                          "4.00/-"])

    def test_targets_met_and_missed(self):
        text = self.letter("--results", self.results(report(rows())))
        self.assertIn("  MISSED cross-domain pipe ping-pong, no class "
                      "private (PTI on)", text)
        self.assertIn("  met    null syscall in a domain: <= 1.01x", text)
        self.assertIn("measured: worst 1.004x (syscall, PTI on)", text)

    def test_reasons_only_for_missed_targets(self):
        text = " ".join(self.letter("--results",
                                    self.results(report(rows()))).split())
        self.assertIn("2 exits per round trip, each adding about 14,000 "
                      "instructions", text)
        self.assertIn("redis across two private domains: 4.0 exits per",
                      text)
        self.assertIn("msg 0.86x", text)
        met = self.letter("--results",
                          self.results(report(rows(redis_rps=960))))
        self.assertNotIn("exits per request", met)
        self.assertNotIn("Host tasks:", met)     # the host targets: n/a

    def test_targets_recomputed_when_the_file_has_none(self):
        rep = report(rows())
        with_targets = self.letter("--results", self.results(rep))
        del rep["targets"]
        self.assertEqual(self.letter("--results", self.results(rep)),
                         with_targets)

    def test_without_results_the_fallback_line(self):
        for argv in ((), ("--results",
                          os.path.join(self.tmp.name, "absent.json"))):
            text = self.letter(*argv)
            lines = text.splitlines()
            self.assertEqual(lines.count(cover_letter.NO_RESULTS), 1)
            self.assertIn("make bench", cover_letter.NO_RESULTS)
            self.assertNotIn("Targets:", text)
            self.assertNotIn("Why the missed targets", text)
            self.check_form(text)

    def test_no_line_over_72_columns(self):
        self.check_form(self.letter("--results",
                                    self.results(report(rows()))))

    @unittest.skipUnless(os.path.exists(REAL_RESULTS),
                         "no build/bench/results.json here")
    def test_no_line_over_72_columns_with_the_last_bench(self):
        self.check_form(self.letter("--results", REAL_RESULTS))

    def test_subject_is_stable(self):
        rc, out, _ = self.run_main("--subject")
        self.assertEqual((rc, out),
                         (0, "asi: address space isolation for cgroups\n"))
        rc, again, _ = self.run_main("--subject", "--results",
                                     self.results(report(rows())))
        self.assertEqual(again, out)
        self.assertLessEqual(len(out.rstrip("\n")), 72)

    def test_bad_results_fail_cleanly(self):
        bad = os.path.join(self.tmp.name, "bad.json")
        with open(bad, "w") as f:
            f.write("{")
        rc, out, err = self.run_main("--results", bad)
        self.assertEqual((rc, out), (2, ""))
        self.assertIn("not JSON", err)
        rc, out, err = self.run_main("--results", self.results([1, 2]))
        self.assertEqual((rc, out), (2, ""))
        self.assertEqual(self.run_main("--bogus")[0], 2)


class Series(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.top = self.tmp.name
        os.makedirs(os.path.join(self.top, "kernel", "patches"))
        self.write("kernel/BASE", "6.12.1-1\n")

    def write(self, path, text):
        path = os.path.join(self.top, path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)

    def patch(self, name, *targets):
        self.write("kernel/patches/" + name,
                   f"Subject: [PATCH] {name}\n\nWhy.\n\n---\n" +
                   "".join(f"--- a/{t}\n+++ b/{t}\n@@ -1 +1 @@\n-a\n+b\n"
                           for t in targets))

    def text(self):
        return " ".join("\n".join(cover_letter.series_lines(self.top) +
                                   cover_letter.base_lines(self.top)).split())

    def test_one_patch_a_step(self):
        self.write("kernel/mm/asi/test.c", "")
        self.write("kernel/Documentation/mm/asi.rst", "")
        self.patch("0001-a.patch", "mm/slub.c")
        self.patch("0002-test.patch", "mm/asi/Makefile")
        self.patch("0003-docs.patch", "Documentation/mm/index.rst")
        self.write("kernel/patches/series",
                   "# comment\n0001-a.patch mm/asi/pool.c\n\n"
                   "0002-test.patch  mm/asi/test.c  # the helper\n"
                   "0003-docs.patch Documentation/mm/asi.rst\n")
        text = self.text()
        self.assertIn("The 3 patches read best in order", text)
        self.assertIn("(mm/asi/test.c) that the selftests drive is in "
                      "patch 2.", text)
        self.assertIn("The documentation (Documentation/mm/asi.rst) is in "
                      "patch 3.", text)
        self.assertIn("The selftests are not part of this posting", text)
        self.assertIn("(6.12.1-1)", text)

    def test_selftests_in_the_series(self):
        self.patch("0001-a.patch", "mm/slub.c")
        self.patch("0002-tests.patch",
                   "tools/testing/selftests/cgroup/Makefile")
        self.write("kernel/patches/series", "0001-a.patch mm/asi/pool.c\n"
                   "0002-tests.patch tools/testing/selftests/cgroup/t.c\n")
        self.assertIn("The selftests are in patch 2.", self.text())


if __name__ == "__main__":
    unittest.main()
