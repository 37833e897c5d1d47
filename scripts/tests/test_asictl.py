"""asictl on the build host, which has no asi: the command line itself.

The commands proper run against the real controller in the guest
(selftests/test_asictl.sh); here: help, version, usage errors and the
refusal on a kernel without asi, each with its exit status.
"""
import os
import subprocess
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class AsictlCommandLine(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        subprocess.run(["make", "-s", "-C", os.path.join(TOP, "cgroupfs-tools", "asictl"),
                        "OUT=" + cls.tmp.name], check=True)
        cls.asictl = os.path.join(cls.tmp.name, "asictl")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def run_asictl(self, *args):
        return subprocess.run([self.asictl, *args], capture_output=True, text=True)

    def test_help_on_stdout(self):
        for opt in ("-h", "--help"):
            r = self.run_asictl(opt)
            self.assertEqual(r.returncode, 0)
            self.assertTrue(r.stdout.startswith("Usage:"))
            self.assertEqual(r.stderr, "")

    def test_version(self):
        r = self.run_asictl("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^asictl \S+\n$")

    def test_usage_errors_exit_2(self):
        for args, says in ((["--bogus"], "unrecognized option"),
                           (["bogus"], "unknown command 'bogus'"),
                           ([], "no command given"),
                           (["run"], "no command given"),
                           (["run", "--name", "a/b", "--", "true"], "not a cgroup name"),
                           (["show"], "expected one cgroup"),
                           (["list", "extra"], "unexpected argument")):
            with self.subTest(args=args):
                r = self.run_asictl(*args)
                self.assertEqual(r.returncode, 2)
                self.assertIn(says, r.stderr)
                self.assertIn("Try 'asictl --help'", r.stderr)

    def test_no_asi_exits_1_and_says_why(self):
        for args, code in ((["list"], 1), (["show", "x"], 1), (["watch"], 1),
                           (["run", "--", "true"], 125)):
            with self.subTest(args=args):
                r = self.run_asictl(*args)
                self.assertEqual(r.returncode, code)
                self.assertRegex(r.stderr, "no asi controller|no cgroup2 file system")


if __name__ == "__main__":
    unittest.main()
