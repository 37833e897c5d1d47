#!/usr/bin/env python3
"""Host-side unit tests of scripts/series.py: the series' steps must be
consistent with the new files under kernel/, and an edit under kernel/
that a later step's diff no longer matches must stop every command,
naming that step."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "scripts"))
import series  # noqa: E402


def copy_project(dest):
    """The parts of the project series.py reads, in a scratch TOP."""
    shutil.copytree(os.path.join(TOP, "kernel"), os.path.join(dest, "kernel"))
    shutil.copy(os.path.join(TOP, "Kconfig"), dest)
    os.makedirs(os.path.join(dest, "scripts"))
    shutil.copy(os.path.join(TOP, "scripts", "series.py"),
                os.path.join(dest, "scripts"))


def run_steps(top):
    return subprocess.run([sys.executable,
                           os.path.join(top, "scripts", "series.py"), "steps"],
                          capture_output=True, text=True)


class TheSeries(unittest.TestCase):
    def setUp(self):
        self.steps = series.read_series()
        self.states, self.created = series.new_file_states(self.steps)

    def test_every_new_file_is_brought_by_one_step(self):
        self.assertEqual(set(self.created), set(series.mirror_files()))

    def test_the_last_step_leaves_the_files_under_kernel(self):
        for path, src in series.mirror_files().items():
            with open(src) as f:
                self.assertEqual(self.states[len(self.steps)][path], f.read(),
                                 path)

    def test_a_new_file_exists_from_its_step_on(self):
        for path, step in self.created.items():
            self.assertNotIn(path, self.states[step - 1])
            self.assertIn(path, self.states[step])

    def test_every_step_has_a_subject_and_a_message(self):
        for s in self.steps:
            self.assertTrue(s.subject, s.name)
            self.assertGreater(len(s.body.split()), 10, s.name)
            self.assertLessEqual(len(s.subject), 75, s.name)

    def test_steps_change_new_files_only_after_bringing_them(self):
        for s in self.steps:
            for target, _ in s.sections:
                if target in self.created:
                    self.assertLess(self.created[target], s.number,
                                    f"{s.name} {target}")


class Drift(unittest.TestCase):
    def test_an_edit_under_a_later_steps_change_names_that_step(self):
        steps = series.read_series()
        states, created = series.new_file_states(steps)
        # A line that the last step changing a new file adds to it: no
        # later step's change can hold it as context.
        for s in reversed(steps):
            for target, diff in s.sections:
                if target not in created:
                    continue
                added = [ln[1:] for ln in diff.splitlines()
                         if ln.startswith("+") and not ln.startswith("+++")
                         and ln[1:].strip()]
                if added:
                    break
            else:
                continue
            break
        else:
            self.skipTest("no step changes a new file")
        with tempfile.TemporaryDirectory() as top:
            copy_project(top)
            self.assertEqual(run_steps(top).returncode, 0)
            src = series.mirror_files()[target]
            path = os.path.join(top, os.path.relpath(src, TOP))
            with open(path) as f:
                text = f.read()
            self.assertIn(added[0] + "\n", text)
            with open(path, "w") as f:
                f.write(text.replace(added[0] + "\n",
                                     added[0] + " /* drifted */\n", 1))
            res = run_steps(top)
            self.assertNotEqual(res.returncode, 0)
            self.assertIn(s.name, res.stderr)
            self.assertIn(target, res.stderr)

    def test_a_file_no_step_brings_is_refused(self):
        with tempfile.TemporaryDirectory() as top:
            copy_project(top)
            with open(os.path.join(top, "kernel", "mm", "asi", "new.c"),
                      "w") as f:
                f.write("// SPDX-License-Identifier: GPL-2.0\n")
            res = run_steps(top)
            self.assertNotEqual(res.returncode, 0)
            self.assertIn("no step brings mm/asi/new.c", res.stderr)


if __name__ == "__main__":
    unittest.main()
