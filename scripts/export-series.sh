#!/bin/bash
# Export our kernel series as git format-patch files in build/series (or
# SERIES_OUT), the form a reviewer reads: the cover letter
# (scripts/cover-letter.py, with the bench table of build/bench/results.json
# when it exists), then one patch per step of kernel/patches/series
# (scripts/series.py).
#
# The author, the Signed-off-by and the maintainer in MAINTAINERS are
# whoever exports: GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL if set, else git
# config user.name/user.email.  Without either, nothing is exported.
set -euo pipefail
. "$(dirname "$0")/common.sh"

name=${GIT_AUTHOR_NAME:-$(git -C "$TOP" config user.name || true)}
email=${GIT_AUTHOR_EMAIL:-$(git -C "$TOP" config user.email || true)}
if [ -z "$name" ] || [ -z "$email" ]; then
	die "who exports the series? It is signed off and maintained by that
person.  Set your identity first:
	git config --global user.name \"Your Name\"
	git config --global user.email you@example.org"
fi
export GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email
export GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email

"$TOP/scripts/fetch-base.sh"

repo=$BUILD/series-git
out=${SERIES_OUT:-$BUILD/series}
rm -rf "$out"
python3 "$TOP/scripts/series.py" export "$repo" ||
	die "the series does not apply to $BASE_PKG $BASE_VERSION"
n=$(python3 "$TOP/scripts/series.py" steps | wc -l)
git -C "$repo" format-patch -q --cover-letter --base=HEAD~"$n" \
	-o "$out" HEAD~"$n"

results=$BUILD/bench/results.json
subject=$(python3 "$TOP/scripts/cover-letter.py" --subject)
body=$(mktemp)
trap 'rm -f "$body"' EXIT
python3 "$TOP/scripts/cover-letter.py" --results "$results" > "$body"
cover=$(ls "$out"/0000-cover-letter.patch)
python3 - "$cover" "$subject" "$body" <<'PY'
import sys
path, subject, body = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
text = open(path).read()
for old, new in (('*** SUBJECT HERE ***', subject),
                 ('*** BLURB HERE ***', body.rstrip('\n'))):
    if old not in text:
        sys.exit(f'export-series: {old} not in {path}')
    text = text.replace(old, new, 1)
open(path, 'w').write(text)
PY
echo "export-series: $(ls "$out" | wc -l) files in $out, by $name <$email>"
