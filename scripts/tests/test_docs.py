#!/usr/bin/env python3
"""Host-side checks that the kernel series' documentation matches its code.

The cgroup interface of the controller is documented in one place, the
"ASI" section that the series adds to
Documentation/admin-guide/cgroup-v2.rst, and the mechanism in
kernel/Documentation/mm/asi.rst.  These tests read the sources and fail
when the documentation misses an interface file, an object class or a key
of asi.stat or asi.events, when the lock order in asi.rst differs from the
one in mm/asi/internal.h, or when the MAINTAINERS entry that the series
adds does not cover exactly the new files of the series.

The patches are found through kernel/patches/series, whatever their
names.  With the pristine base in build/src/base, the documentation is
read as the series leaves it; without it, as far as the series' hunks
show it."""

import fnmatch
import os
import re
import shutil
import sys
import unittest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KERNEL = os.path.join(TOP, "kernel")
PATCHES = os.path.join(KERNEL, "patches")
CGROUP_C = os.path.join(KERNEL, "kernel", "cgroup", "asi.c")
OBJECTS_C = os.path.join(KERNEL, "mm", "asi", "objects.c")
INTERNAL_H = os.path.join(KERNEL, "mm", "asi", "internal.h")
MM_DOC = os.path.join(KERNEL, "Documentation", "mm", "asi.rst")
CGROUP_RST = "Documentation/admin-guide/cgroup-v2.rst"
# Base files the series' documentation changes.
DOC_TARGETS = (CGROUP_RST, "Documentation/mm/index.rst", "MAINTAINERS",
               "Documentation/admin-guide/kernel-parameters.txt")
BASE_SRC = os.path.join(os.environ.get("BUILD", os.path.join(TOP, "build")),
                        "src", "base")

sys.path.insert(0, os.path.join(TOP, "scripts"))
import series  # noqa: E402



def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# --- C sources ---------------------------------------------------------

_C_TOKENS = re.compile(
    r'"(?:[^"\\\n]|\\.)*"'          # string literal
    r"|'(?:[^'\\\n]|\\.)*'"         # character literal
    r"|/\*.*?\*/"                   # block comment
    r"|//[^\n]*",                   # line comment
    re.S)


def strip_comments(src):
    """@src without its comments; literals are kept as they are."""
    def repl(m):
        tok = m.group(0)
        if tok.startswith("/*"):
            return " " + "\n" * tok.count("\n")
        if tok.startswith("//"):
            return " "
        return tok
    return _C_TOKENS.sub(repl, src)


def _match_brace(src, open_idx):
    """Index just past the brace that closes the one at @open_idx."""
    depth = 0
    i = open_idx
    while i < len(src):
        m = _C_TOKENS.match(src, i)
        if m:
            i = m.end()
            continue
        c = src[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced braces")


def function_bodies(src):
    """{name: body} of the function definitions in comment-free @src."""
    bodies = {}
    for m in re.finditer(r"^[A-Za-z_][^;{}()]*?\b([A-Za-z_]\w*)\s*"
                         r"\(([^;{}]*?)\)\s*\{", src, re.M):
        name = m.group(1)
        if name in ("if", "for", "while", "switch"):
            continue
        end = _match_brace(src, m.end() - 1)
        bodies[name] = src[m.end():end - 1]
    return bodies


def initializers(src):
    """{name: initializer} of the array initializers in comment-free @src."""
    inits = {}
    for m in re.finditer(r"\b([A-Za-z_]\w*)\s*\[[^\]]*\]\s*=\s*\{", src):
        end = _match_brace(src, m.end() - 1)
        inits[m.group(1)] = src[m.end():end - 1]
    return inits


def _unescape(lit):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(
        m.group(1), m.group(1)), lit)


def string_literals(code):
    """The string literals of @code, adjacent ones joined, unescaped."""
    out = []
    for m in re.finditer(r'"(?:[^"\\\n]|\\.)*"(?:\s*"(?:[^"\\\n]|\\.)*")*',
                         code):
        parts = re.findall(r'"((?:[^"\\\n]|\\.)*)"', m.group(0))
        out.append(_unescape("".join(parts)))
    return out


def reachable_code(src, name):
    """The body of @name, with the bodies of the functions of the same file
    it calls and the array initializers it names, transitively."""
    bodies = function_bodies(src)
    inits = initializers(src)
    if name not in bodies:
        raise LookupError(f"no function {name}()")
    seen, todo, code = set(), [name], []
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        text = bodies.get(n, inits.get(n, ""))
        code.append(text)
        # Identifiers outside literals.
        bare = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', text)
        for ident in set(re.findall(r"\b[A-Za-z_]\w*\b", bare)):
            if ident in bodies or ident in inits:
                todo.append(ident)
    return "\n".join(code)


def printed_keys(src, name):
    """Keys of the flat-keyed file that function @name prints: the first
    word of each line of its format strings that is followed by a value.
    A key built from a format ("%s_objects") is returned as it is."""
    keys = []
    for lit in string_literals(reachable_code(src, name)):
        for piece in lit.split("\n"):
            m = re.match(r"([A-Za-z%][\w%]*)\s+\S*", piece)
            if m and re.search(r"[A-Za-z]{2}", m.group(1).replace("%s", "")):
                if m.group(1) not in keys:
                    keys.append(m.group(1))
    return keys


def cftype_names(src):
    """The .name of every entry of the struct cftype arrays of @src."""
    names = []
    for m in re.finditer(r"struct\s+cftype\s+\w+\s*\[\s*\]\s*=\s*\{", src):
        body = src[m.end():_match_brace(src, m.end() - 1)]
        names += re.findall(r'\.name\s*=\s*"([^"]+)"', body)
    return names


def class_names():
    """The user-visible object classes: the asi_class_names[] table."""
    paths = [OBJECTS_C]
    for root, _, files in os.walk(KERNEL):
        paths += [os.path.join(root, f) for f in files
                  if f.endswith((".c", ".h"))]
    for path in paths:
        src = strip_comments(read(path))
        init = initializers(src).get("asi_class_names")
        if init is not None:
            return re.findall(r'=\s*"([^"]+)"', init) or \
                string_literals(init)
    raise LookupError("no asi_class_names[] table under kernel/")


# --- patches -----------------------------------------------------------

def diff_hunks(diff):
    """[(old_start, old_count, new_start, new_count, lines)] of the diff of
    one file, @diff."""
    hunks = []
    lines = diff.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("@@"):
            m = re.match(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", line)
            hunk = [int(m.group(1)), int(m.group(2) or 1),
                    int(m.group(3)), int(m.group(4) or 1), []]
            old, new = hunk[1], hunk[3]
            i += 1
            while i < len(lines) and (old or new or
                                      lines[i].startswith("\\")):
                body = lines[i]
                tag = body[:1]
                if tag == " " or body == "":
                    old -= 1
                    new -= 1
                elif tag == "-":
                    old -= 1
                elif tag == "+":
                    new -= 1
                elif tag != "\\":
                    break
                hunk[4].append(body if body else " ")
                i += 1
            if old or new:
                raise ValueError(f"a hunk of {line} has wrong line counts")
            hunks.append(tuple(hunk))
            continue
        i += 1
    return hunks


def series_diffs(target):
    """[(patch name, diff)] of the steps of the series that change
    @target, in order (scripts/series.py reads them)."""
    return [(st.name, diff) for st in series.read_series()
            for t, diff in st.sections if t == target]


def apply_to_base(target, steps):
    """The lines of base file @target after @steps, applied with patch(1)
    as the series tooling does; None without a base tree."""
    base = os.path.join(BASE_SRC, target)
    if not os.path.isfile(base) or not shutil.which("patch"):
        return None
    text = read(base)
    for name, diff in steps:
        try:
            text = series.apply_to_text(target, text, diff, False,
                                        f"{name} does not apply to {target} "
                                        "of the base")
        except series.SeriesError as e:
            raise AssertionError(str(e)) from None
    return text.split("\n")


def apply_sparse(steps):
    """The lines of a file after @steps, as far as the hunks tell: lines no
    hunk shows are None.  Each hunk must apply where its header says."""
    size = 10
    for _, hunks in steps:
        for a, b, c, d, body in hunks:
            size = max(size, a + b, c + d) + len(body)
    lines = [None] * size
    for name, hunks in steps:
        shift = 0
        for a, b, c, d, body in hunks:
            old = [l[1:] for l in body if l[:1] in " -"]
            new = [l[1:] for l in body if l[:1] in " +"]
            at = (a - 1 if b else a) + shift
            for k, l in enumerate(old):
                if lines[at + k] is not None and lines[at + k] != l:
                    raise AssertionError(
                        f"{name}: a hunk at line {a} does not match what "
                        f"earlier steps left there")
            lines[at:at + len(old)] = new
            shift += len(new) - len(old)
    return lines


def final_lines(target):
    """The lines of base file @target after the whole series: exact with a
    base tree, else as far as the series' hunks show them (None where
    unknown)."""
    steps = series_diffs(target)
    if not steps:
        raise LookupError(f"no step of the series changes {target}")
    exact = apply_to_base(target, steps)
    return exact if exact is not None else apply_sparse(
        [(name, diff_hunks(diff)) for name, diff in steps])


def rst_section(lines, title):
    """The lines of the rst section @title, up to the next heading of the
    same or a higher level."""
    def heading(i):
        if i + 1 >= len(lines) or lines[i] is None or lines[i + 1] is None:
            return None
        text, under = lines[i].rstrip(), lines[i + 1].rstrip()
        if (text and not text[0].isspace() and under and
                len(set(under)) == 1 and under[0] in "=-~^\"'`#*+" and
                len(under) == len(text)):
            return under[0]
        return None

    order = []
    for i in range(len(lines)):
        h = heading(i)
        if h and h not in order:
            order.append(h)
        if h and lines[i].rstrip() == title:
            out = []
            for j in range(i + 2, len(lines)):
                hj = heading(j)
                if hj:
                    if hj not in order:
                        order.append(hj)
                    if order.index(hj) <= order.index(h):
                        break
                out.append(lines[j])
            if None in out:
                raise LookupError(f"section {title!r} is not wholly in the "
                                  "series' hunks, and there is no base tree")
            return out
    raise LookupError(f"no section {title!r}")


def asi_section():
    return rst_section(final_lines(CGROUP_RST), "ASI")


def terms(lines):
    """Stripped lines of @lines: the terms of definition lists among them."""
    return {l.strip() for l in lines}


class InterfaceDocumented(unittest.TestCase):
    """Everything the controller shows user space is in the ASI section."""

    @classmethod
    def setUpClass(cls):
        cls.section = asi_section()
        cls.terms = terms(cls.section)
        cls.cgroup_src = strip_comments(read(CGROUP_C))
        cls.classes = class_names()

    def assertDocumented(self, key, what):
        """@key is a term of the section; a key built with %s from a class
        name is documented as <class>..., or once per class."""
        if key in self.terms:
            return
        if "%" in key:
            generic = re.sub(r"%\w", "<class>", key)
            per_class = [key.replace("%s", c) for c in self.classes]
            if generic in self.terms or all(k in self.terms
                                            for k in per_class):
                return
            key = generic
        self.fail(f"{what} {key!r} is not documented in the ASI section "
                  f"that the series adds to {CGROUP_RST}")

    def test_section_found(self):
        self.assertGreater(len(self.section), 50)

    def test_every_interface_file(self):
        names = cftype_names(self.cgroup_src)
        self.assertGreaterEqual(len(names), 1, "no cftype found in asi.c")
        for name in names:
            self.assertDocumented("asi." + name, "interface file")

    def test_no_interface_file_that_is_gone(self):
        names = {"asi." + n for n in cftype_names(self.cgroup_src)}
        documented = {l.strip() for l in self.section
                      if re.match(r"  asi\.[\w.]+\s*$", l)}
        self.assertEqual(documented - names, set(),
                         "files documented but not defined in asi.c")

    def test_every_class(self):
        self.assertGreaterEqual(len(self.classes), 1)
        for c in self.classes:
            self.assertDocumented(c, "object class")

    def assertKeysDocumented(self, show, least, what):
        keys = printed_keys(self.cgroup_src, show)
        self.assertGreaterEqual(len(keys), least,
                                f"{show}() keys not found: {keys}")
        for key in keys:
            self.assertDocumented(key, what)

    def test_every_stat_key(self):
        self.assertKeysDocumented("asi_stat_show", 3, "asi.stat key")

    def test_every_events_key(self):
        self.assertKeysDocumented("asi_events_show", 1, "asi.events key")


class LockOrderDocumented(unittest.TestCase):
    """The lock order in asi.rst is the one mm/asi/internal.h keeps."""

    @staticmethod
    def dedent(lines):
        lines = [l.rstrip() for l in lines]
        while lines and not lines[-1]:
            lines.pop()
        indent = min(len(l) - len(l.lstrip()) for l in lines if l)
        return [l[indent:] for l in lines]

    def header_order(self):
        comment = next((c for c in re.findall(r"/\*(.*?)\*/",
                                               read(INTERNAL_H), re.S)
                        if "Lock order" in c), None)
        self.assertIsNotNone(comment, "no lock order in mm/asi/internal.h")
        lines = [re.sub(r"^\s*\* ?", "", l) for l in comment.split("\n")]
        start = next(i for i, l in enumerate(lines) if "Lock order" in l)
        i = start + 1
        while lines[i].strip() and not lines[i].startswith("  "):
            i += 1      # the rest of the sentence
        while not lines[i].strip():
            i += 1
        block = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i])
            i += 1
        return self.dedent(block)

    def doc_order(self):
        lines = rst_section(read(MM_DOC).split("\n"), "Locking")
        start = next(i for i, l in enumerate(lines) if l.rstrip()
                     .endswith("::"))
        block = []
        for l in lines[start + 1:]:
            if l.strip() and not l[:1].isspace():
                break
            block.append(l)
        while block and not block[0].strip():
            block.pop(0)
        return self.dedent(block)

    def test_same_lock_order(self):
        header = self.header_order()
        self.assertGreater(len(header), 3)
        self.assertEqual(self.doc_order(), header,
                         "the lock order in Documentation/mm/asi.rst "
                         "differs from mm/asi/internal.h")


def maintainers_entry():
    """The asi entry of MAINTAINERS as the series leaves it."""
    lines = final_lines("MAINTAINERS")
    for i, l in enumerate(lines):
        if l == "F:\tmm/asi/":
            start = i
            while start > 0 and lines[start - 1]:
                start -= 1
            end = i
            while end < len(lines) and lines[end]:
                end += 1
            entry = lines[start:end]
            if None in entry:
                raise LookupError("the asi entry of MAINTAINERS is not wholly "
                                  "in the series' hunks, and there is no "
                                  "base tree")
            return {"title": entry[0], "fields": entry[1:]}
    raise LookupError("no MAINTAINERS entry with F:\tmm/asi/")


def f_matches(pattern, path):
    """MAINTAINERS F: semantics: a trailing slash covers the directory and
    everything below it; wildcards do not cross directories."""
    if pattern.endswith("/"):
        return path.startswith(pattern)
    if any(c in pattern for c in "*?["):
        return (fnmatch.fnmatchcase(path, pattern) and
                path.count("/") == pattern.count("/"))
    return path == pattern


class MaintainersEntry(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.entry = maintainers_entry()
        cls.patterns = [f[3:] for f in cls.entry["fields"]
                        if f.startswith("F:\t")]
        cls.files = set(series.mirror_files())

    def test_has_maintainer(self):
        self.assertTrue(any(f.startswith("M:\t")
                            for f in self.entry["fields"]))

    def test_covers_every_new_file(self):
        missing = sorted(f for f in self.files
                         if not any(f_matches(p, f) for p in self.patterns))
        self.assertEqual(missing, [], "new files of the series missing from "
                         "its MAINTAINERS entry")

    def test_lists_nothing_that_is_gone(self):
        stale = [p for p in self.patterns
                 if not any(f_matches(p, f) for f in self.files)]
        self.assertEqual(stale, [], "MAINTAINERS lists files the series "
                         "does not have")

    def test_files_sorted(self):
        self.assertEqual(self.patterns, sorted(self.patterns))


class PatchesApply(unittest.TestCase):
    """The series' changes to the documentation and MAINTAINERS apply to
    the pristine base, step by step, if the base was fetched."""

    def test_documentation_applies(self):
        applied = 0
        for target in DOC_TARGETS:
            steps = series_diffs(target)
            if steps and apply_to_base(target, steps) is not None:
                applied += 1
        if not applied:
            self.skipTest(f"no base tree in {BASE_SRC}")


class DocsPointers(unittest.TestCase):
    """The project's documents name patches that exist."""

    def test_named_patches_exist(self):
        docs = os.path.join(TOP, "docs")
        for name in sorted(os.listdir(docs)):
            if not name.endswith(".md"):
                continue
            for ref in set(re.findall(r"kernel/patches/([\w.-]+\.patch)",
                                      read(os.path.join(docs, name)))):
                self.assertTrue(os.path.isfile(os.path.join(PATCHES, ref)),
                                f"docs/{name} names kernel/patches/{ref}, "
                                "which does not exist")


class Parsers(unittest.TestCase):
    """The parsers above, on sources shaped as a refactoring might leave
    them."""

    SRC = strip_comments(r'''
static const char *const names[] = { [A] = "alpha", [B] = "beta" };

static void put_pool(struct seq_file *sf, unsigned long v)
{
	seq_put_decimal_ull(sf, "pool_bytes ", v);
	seq_putc(sf, '\n');
}

static int x_stat_show(struct seq_file *sf, void *v)
{
	/* "commented_out %d\n" */
	seq_printf(sf, "domain %u\n" "private_bytes %lu\n", 1, 2);
	put_pool(sf, 3);
	if (x) {
		seq_printf(sf, "%s_objects %lu\n", names[i], 4);
	}
	return 0;
}

static struct cftype files[] = {
	{ .name = "isolate", .seq_show = x_stat_show, },
	{ .name = "stat", },
	{ }
};
''')

    def test_printed_keys(self):
        self.assertEqual(sorted(printed_keys(self.SRC, "x_stat_show")),
                         sorted(["domain", "private_bytes", "pool_bytes",
                                 "%s_objects"]))

    def test_cftype_names(self):
        self.assertEqual(cftype_names(self.SRC), ["isolate", "stat"])

    def test_sparse(self):
        first = ("p1", [(2, 1, 2, 3, [" b", "+x", "+y"])])
        second = ("p2", [(4, 1, 4, 1, ["-y", "+z"])])
        self.assertEqual(apply_sparse([first, second])[:5],
                         [None, "b", "x", "z", None])
        bad = ("p3", [(2, 1, 2, 1, ["-q", "+r"])])
        with self.assertRaises(AssertionError):
            apply_sparse([first, bad])

    def test_section(self):
        lines = ["X", "-", "a", "", "Y", "~", "b", "Z", "-", "c"]
        self.assertEqual(rst_section(lines, "X"),
                         ["a", "", "Y", "~", "b"])


if __name__ == "__main__":
    unittest.main()
