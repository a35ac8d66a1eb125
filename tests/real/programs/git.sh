#!/bin/bash
# git: init, add, commit, log, diff, gc and fsck in a temporary repository,
# with fixed identities and dates so hashes and output are deterministic.
set -eu
command -v git >/dev/null || { echo "SKIP: git not installed"; exit 77; }
export HOME=$PWD/home GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME="Test Author" GIT_AUTHOR_EMAIL=author@example.com
export GIT_COMMITTER_NAME="Test Committer" GIT_COMMITTER_EMAIL=committer@example.com
mkdir -p "$HOME"
on_day() { # n: every later author and commit is dated 2024-01-0n
	export GIT_AUTHOR_DATE="2024-01-0$1T12:00:00Z" GIT_COMMITTER_DATE="2024-01-0$1T12:00:00Z"
}
commit() { # n message
	on_day "$1"
	git commit -q -m "$2"
}
git init -q -b main repo
cd repo
for i in $(seq 1 200); do
	seq "$i" 3 $((i * 40)) >"file$i.txt"
done
mkdir -p src && printf 'int main(void) { return %d; }\n' 0 >src/main.c
git add -A
commit 1 "initial import"
for i in $(seq 1 200 | awk 'NR % 7 == 0'); do
	sed -i 's/^1/one/' "file$i.txt"
done
git rm -q file3.txt file5.txt
git mv file10.txt renamed.txt
git add -A
commit 2 "edit, remove and rename"
git checkout -q -b topic
echo "topic line" >>src/main.c
on_day 3
git commit -q -a -m "topic change"
git checkout -q main
on_day 4
git merge -q --no-ff -m "merge topic" topic
git log --graph --stat --format='%H %an %ad %s' --date=iso-strict
git diff --stat HEAD~2 HEAD
git diff HEAD~2 HEAD -- file14.txt | head -40
git gc -q --aggressive
git fsck --full --no-progress
git rev-list --objects --all | sort | sha256sum
git count-objects | sed 's/, [0-9]* kilobytes//'
