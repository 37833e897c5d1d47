#!/usr/bin/env python3
"""Host-side unit tests of scripts/benchreport.py: the ratios and the
target verdicts a reviewer reads must come out of the measurements
exactly as documented."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import benchreport  # noqa: E402


def micro(kernel, case, workload, ns, pti="on", icount=1, ops=100, **kw):
    row = {"kernel": kernel, "pti": pti, "icount": icount, "case": case,
           "workload": workload, "ops": ops, "ns": ns}
    row.update(kw)
    return row


class Ratios(unittest.TestCase):
    def test_ratio_is_against_baseline_host_same_pti_and_kind(self):
        rows = [micro("baseline", "host", "pipe", 1000),
                micro("baseline", "host", "pipe", 5000, pti="off"),
                micro("baseline", "host", "pipe", 9000, icount=0),
                micro("asi", "cross", "pipe", 1010)]
        ratios = benchreport.micro_ratios(benchreport.micro_table(rows))
        self.assertEqual(len(ratios), 1)
        self.assertAlmostEqual(ratios[0]["ratio"], 1.01)

    def test_extra_tlb_flushes_are_per_operation_differences(self):
        rows = [micro("baseline", "host", "pipe", 1000,
                      tlb_local_flush_all=10),
                micro("asi", "cross", "pipe", 1000, tlb_local_flush_all=30)]
        r = benchreport.micro_ratios(benchreport.micro_table(rows))[0]
        self.assertAlmostEqual(r["extra_tlb_flushes_per_op"], 0.2)

    def test_no_baseline_no_ratio(self):
        rows = [micro("asi", "cross", "privalloc", 1000)]
        self.assertEqual(
            benchreport.micro_ratios(benchreport.micro_table(rows)), [])


class Targets(unittest.TestCase):
    def verdicts(self, rows):
        table = benchreport.micro_table(rows)
        ratios = benchreport.micro_ratios(table)
        stress = benchreport.stress_table(rows)
        e2e = benchreport.e2e_table(rows)
        return {t["target"].split(":")[0]: t["met"]
                for t in benchreport.targets(ratios, stress, e2e)}

    PIPE = "cross-domain pipe ping-pong, no class private (PTI on)"
    HOST = "No domain alive, none ever created (host)"

    def test_pipe_target_met_and_missed(self):
        base = micro("baseline", "host", "pipe", 1000)
        met = self.verdicts([base, micro("asi", "cross", "pipe", 1009)])
        self.assertTrue(met[self.PIPE])
        missed = self.verdicts([base, micro("asi", "cross", "pipe", 1020)])
        self.assertFalse(missed[self.PIPE])
        flush = self.verdicts([base, micro("asi", "cross", "pipe", 1000,
                                           tlb_local_flush_all=1)])
        self.assertFalse(flush[self.PIPE])

    def test_host_target_uses_worst_workload(self):
        rows = [micro("baseline", "host", "pipe", 1000),
                micro("baseline", "host", "syscall", 1000),
                micro("asi", "host", "pipe", 1000),
                micro("asi", "host", "syscall", 1020)]
        self.assertFalse(self.verdicts(rows)[self.HOST])
        rows[-1] = micro("asi", "host", "syscall", 1004)
        self.assertTrue(self.verdicts(rows)[self.HOST])

    def test_unmeasured_target_is_neither_met_nor_missed(self):
        rows = [micro("baseline", "host", "pipe", 1000),
                micro("asi", "cross", "pipe", 1000)]
        self.assertIsNone(self.verdicts(rows)[self.HOST])

    def test_redis_target_on_icount_rates(self):
        rows = [{"kernel": k, "pti": "on", "icount": 1, "case": c,
                 "e2e": "redis", "op": "GET", "ops": 1000, "ns": 10 ** 9,
                 "rps": rps}
                for k, c, rps in (("baseline", "host", 1000),
                                  ("asi", "cross-private", 940))]
        key = ("redis-benchmark across two domains, every class private")
        self.assertFalse(self.verdicts(rows)[key])
        rows[1]["rps"] = 960
        self.assertTrue(self.verdicts(rows)[key])

    def test_stress_ratio_uses_medians(self):
        rows = []
        for i, ops in enumerate([90, 100, 110]):
            rows.append({"kernel": "baseline", "pti": "on", "icount": 0,
                         "case": "host", "stressor": "pipe", "repeat": i,
                         "seconds": 1, "bogo_ops": ops})
        for i, ops in enumerate([1, 96, 200]):
            rows.append({"kernel": "asi", "pti": "on", "icount": 0,
                         "case": "cross", "stressor": "pipe", "repeat": i,
                         "seconds": 1, "bogo_ops": ops})
        s = [s for s in benchreport.stress_table(rows)
             if s["kernel"] == "asi"][0]
        self.assertEqual((s["min"], s["median"], s["max"]), (1, 96, 200))
        self.assertAlmostEqual(s["ratio"], 0.96)

    def test_stress_exits_per_second(self):
        rows = [{"kernel": "asi", "pti": "on", "icount": 0,
                 "case": "cross-private", "stressor": "sock", "repeat": i,
                 "seconds": 5, "bogo_ops": 10, "exits": e}
                for i, e in enumerate([50, 500, 100])]
        s = benchreport.stress_table(rows)[0]
        self.assertAlmostEqual(s["exits_per_s"], 20)

    def test_every_class_private_target(self):
        rows = []
        for kernel, case, ops in (("baseline", "host", 100),
                                  ("asi", "cross-private", 94)):
            rows.append({"kernel": kernel, "pti": "on", "icount": 1,
                         "case": case, "stressor": "pipe", "repeat": 0,
                         "seconds": 5, "bogo_ops": ops})
        res = benchreport.targets([], benchreport.stress_table(rows), [])
        t = [t for t in res if "every class private" in t["target"]][0]
        self.assertFalse(t["met"])


if __name__ == "__main__":
    unittest.main()
