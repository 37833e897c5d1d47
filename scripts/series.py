#!/usr/bin/env python3
"""The asi kernel series, step by step.

kernel/patches/series lists the steps in order, one per line:

    PATCH [NEW-FILE...]

PATCH (in kernel/patches/) holds the step's message (Subject: line, body,
a "---" line) and its diff: hooks into files of the base kernel, and
changes to new files that earlier steps brought.  NEW-FILE, a kernel
path, is a file the step brings: every file under kernel/ that mirrors a
kernel path, and the top-level Kconfig as mm/asi/Kconfig, is named by
exactly one step.

The files under kernel/ are the new files as the whole series leaves
them, the one place to edit them.  What a new file looks like after an
earlier step is computed: the later steps' changes to it are taken back
(patch -R, no fuzz).  When an edit under kernel/ touches lines that a
later step changes, that step's diff no longer matches and every command
here stops, naming the step: the diff is then brought up to date by hand
(it must say what the step changes).

Commands:
    series.py steps               the steps, one "N PATCH" per line
    series.py tree N DEST         the files of the series after step N
                                  (N = 0..steps; "all") into DEST: every
                                  base file that any step touches, patched
                                  up to step N, and the new files so far
    series.py export REPO         a git repository in REPO: the base files
                                  any step touches, then one commit per
                                  step (author and committer from the
                                  environment, GIT_AUTHOR_NAME etc.)
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KDIR = os.path.join(TOP, 'kernel')
PATCHES = os.path.join(KDIR, 'patches')
NOT_KERNEL = ('BASE', 'configs', 'patches')

# Replaced in MAINTAINERS by "Name <email>" of whoever exports the series.
AUTHOR_PLACEHOLDER = '@SERIES_AUTHOR@'


class SeriesError(Exception):
    pass


def base_dir():
    build = os.environ.get('BUILD', os.path.join(TOP, 'build'))
    return os.path.join(build, 'src', 'base')


def mirror_files(top=TOP):
    """Kernel path -> path here, of every new file (of the project in
    @top)."""
    kdir = os.path.join(top, 'kernel')
    files = {'mm/asi/Kconfig': os.path.join(top, 'Kconfig')}
    for root, dirs, names in os.walk(kdir):
        rel = os.path.relpath(root, kdir)
        if rel == '.':
            dirs[:] = [d for d in dirs if d not in NOT_KERNEL]
            names = [n for n in names if n not in NOT_KERNEL]
        for n in names:
            path = os.path.normpath(os.path.join(rel, n))
            files[path] = os.path.join(root, n)
    return files


class Step:
    def __init__(self, number, name, new_files, patches=PATCHES):
        self.number = number
        self.name = name
        self.new_files = new_files
        self.path = os.path.join(patches, name)
        if not os.path.isfile(self.path):
            raise SeriesError(f'series names missing patch {name}')
        with open(self.path) as f:
            text = f.read()
        self.subject, self.body, self.sections = parse_patch(name, text)


def parse_patch(name, text):
    """(subject, body, [(target, diff text)]) of a patch file."""
    lines = text.splitlines(keepends=True)
    subject, body, i = None, [], 0
    while i < len(lines) and lines[i].rstrip('\n') != '---':
        line = lines[i]
        if subject is None:
            m = re.match(r'Subject: (?:\[PATCH[^]]*\] )?(.*)', line)
            if m:
                subject = m.group(1).strip()
        else:
            body.append(line)
        i += 1
    if subject is None or i == len(lines):
        raise SeriesError(f'{name}: no "Subject:" line or no "---" line')
    sections, cur = [], None
    for j in range(i + 1, len(lines)):
        line = lines[j]
        nxt = lines[j + 1] if j + 1 < len(lines) else ''
        if line.startswith('--- ') and nxt.startswith('+++ '):
            target = nxt[4:].split('\t')[0].strip()
            if not target.startswith('b/'):
                raise SeriesError(f'{name}: cannot read the target of {nxt.strip()}')
            cur = [target[2:], []]
            sections.append(cur)
        if cur is not None:
            cur[1].append(line)
    if not sections:
        raise SeriesError(f'{name}: no diff')
    return subject, ''.join(body).strip('\n'), [(t, ''.join(d)) for t, d in sections]


def read_series(top=TOP):
    """The steps of the series of the project in @top."""
    patches = os.path.join(top, 'kernel', 'patches')
    steps = []
    with open(os.path.join(patches, 'series')) as f:
        for line in f:
            words = line.split('#')[0].split()
            if words:
                steps.append(Step(len(steps) + 1, words[0], words[1:],
                                  patches))
    return steps


def run_patch(directory, diff, reverse, what):
    cmd = ['patch', '-p1', '-s', '-f', '--fuzz=0', '--no-backup-if-mismatch',
           '-d', directory]
    if reverse:
        cmd.insert(1, '-R')
    res = subprocess.run(cmd, input=diff, text=True, capture_output=True)
    if res.returncode:
        raise SeriesError(f'{what}\n{res.stdout}{res.stderr}'.rstrip())


def apply_to_text(target, content, diff, reverse, what):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, target)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(content)
        run_patch(tmp, diff, reverse, what)
        with open(path) as f:
            return f.read()


def new_file_states(steps):
    """states[n][path]: the new files after step n (0..len(steps))."""
    mirror = mirror_files()
    created = {}
    for s in steps:
        for p in s.new_files:
            if p not in mirror:
                raise SeriesError(f'{s.name} brings {p}, which is not under kernel/')
            if p in created:
                raise SeriesError(f'{p} is brought by two steps')
            created[p] = s.number
    missing = sorted(set(mirror) - set(created))
    if missing:
        raise SeriesError('no step brings ' + ', '.join(missing))
    cur = {}
    for p, src in mirror.items():
        with open(src) as f:
            cur[p] = f.read()
    states = [None] * (len(steps) + 1)
    for s in reversed(steps):
        states[s.number] = {p: c for p, c in cur.items() if created[p] <= s.number}
        for target, diff in s.sections:
            if target not in created:
                continue
            if created[target] >= s.number:
                raise SeriesError(f'{s.name} changes {target}, which it or a '
                                  'later step brings: put the change in the file')
            cur[target] = apply_to_text(
                target, cur[target], diff, True,
                f'{s.name}: its change to {target} does not match kernel/ '
                f'any more; bring the diff up to date')
    states[0] = {}
    return states, created


def write_tree(steps, n, dest, author=None, computed=None):
    """The touched base files patched up to step n, and the new files
    (@computed: new_file_states(@steps), when the caller has it)."""
    states, created = computed or new_file_states(steps)
    base = base_dir()
    touched = sorted({t for s in steps for t, _ in s.sections if t not in created})
    for t in touched:
        src = os.path.join(base, t)
        if not os.path.isfile(src):
            raise SeriesError(f'{t} is not in the base ({base})')
        os.makedirs(os.path.dirname(os.path.join(dest, t)), exist_ok=True)
        shutil.copy2(src, os.path.join(dest, t))
    for s in steps[:n]:
        diff = ''.join(d for t, d in s.sections if t not in created)
        if diff:
            run_patch(dest, diff, False,
                      f'{s.name} does not apply to the base')
    for p, content in states[n].items():
        path = os.path.join(dest, p)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(content)
    if author:
        path = os.path.join(dest, 'MAINTAINERS')
        if os.path.isfile(path):
            with open(path) as f:
                text = f.read()
            with open(path, 'w') as f:
                f.write(text.replace(AUTHOR_PLACEHOLDER, author))
    return touched, sorted(states[n])


def git(repo, *args, **kw):
    subprocess.run(['git', '-C', repo, *args], check=True, **kw)


def export(steps, repo):
    name = os.environ.get('GIT_AUTHOR_NAME')
    email = os.environ.get('GIT_AUTHOR_EMAIL')
    if not name or not email:
        raise SeriesError('export needs GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL')
    author = f'{name} <{email}>'
    computed = new_file_states(steps)
    states = computed[0]
    shutil.rmtree(repo, ignore_errors=True)
    os.makedirs(repo)
    git(repo, 'init', '-q')
    write_tree(steps, 0, repo, computed=computed)
    git(repo, 'add', '-A')
    version = open(os.path.join(KDIR, 'BASE')).readline().strip()
    git(repo, 'commit', '-q', '--allow-empty', '-m',
        f'base: linux-source-6.12 {version}')
    for s in steps:
        for p in states[s.number - 1]:
            if p not in states[s.number]:
                os.unlink(os.path.join(repo, p))
        with tempfile.TemporaryDirectory() as tmp:
            write_tree(steps, s.number, tmp, author, computed)
            subprocess.run(['cp', '-a', tmp + '/.', repo], check=True)
        git(repo, 'add', '-A')
        git(repo, 'commit', '-q', '-s', '-F', '-',
            input=f'{s.subject}\n\n{s.body}\n', text=True)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    steps = read_series()
    cmd = argv[1]
    if cmd == 'steps' and len(argv) == 2:
        new_file_states(steps)
        for s in steps:
            print(s.number, s.name)
    elif cmd == 'tree' and len(argv) == 4:
        n = len(steps) if argv[2] == 'all' else int(argv[2])
        if not 0 <= n <= len(steps):
            raise SeriesError(f'no step {n}: the series has {len(steps)}')
        write_tree(steps, n, argv[3])
    elif cmd == 'export' and len(argv) == 3:
        export(steps, argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv))
    except SeriesError as e:
        print(f'series: {e}', file=sys.stderr)
        sys.exit(1)
