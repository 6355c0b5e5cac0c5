#!/usr/bin/env python3
"""Check that the examples in the documentation still compile and run.

Usage: doc-test.py [--list] FILE...   (README.md, docs/*.md, omacp.1)

Environment: ROOT (repository), B (build directory, relative to ROOT or
absolute), OMACP (the CLI), NO_XML, SANITIZE (as given to make check).

Markdown: every fenced block whose language is c, sh, console or xml must be
preceded (blank lines allowed) by a directive comment
    <!-- doc-test: WORD [options] -->
and is then checked as follows.  The comment may span several lines; for
`fragment` everything after the word is C code placed before the block.

  c blocks
    compile        a complete translation unit: compiled with the flags of
                   the build ($B/.flags) plus -Werror; when it defines main()
                   it is linked with the library and run (exit status 0).
                   Options: cflags='...' extra flags (split at white space);
                   sources='lib/a.c ...' library sources compiled with those
                   flags (and linked ahead of the archive); args='...'
                   arguments for the run.
    fragment DECLS statements: compiled as the body of a function, after
                   DECLS, with <omacp/omacp.h>, <stdio.h>, <string.h>.
    unit DECLS     like compile, with DECLS (declarations of what the
                   example assumes the firmware has) placed before it.
    excerpt=PATH   a quotation: its lines must appear in PATH in this order
                   as a contiguous run; a line that is only "..." (any
                   indentation) stands for any number of omitted lines.
    file=NAME      not compiled: written to NAME in the sandbox (a header or
                   config file that later blocks include).
  sh / console blocks
    run            every command (continuation lines joined; '#' lines
                   skipped) must exit 0, unless it ends with "# exit N".
    transcript     "$ command" lines followed by the expected output
                   (stdout and stderr).  A line "..." matches any number of
                   lines; a line ending in "..." matches by prefix.
  xml blocks
    valid          `omacp decode` must accept it (exit 0).
  any block
    skip REASON    not checked; the reason is required.
    Option needs=xml skips the block in an NO_XML build; needs=native skips
    it unless the library was built with the defaults (no SANITIZE, NO_XML
    or -m32), for commands that call a bare `cc`; needs=PROGRAM skips it
    when PROGRAM is not on PATH (fails instead when $CI is set).

omacp.1: every .EX/.EE block of the EXAMPLES section is a transcript (roff
escapes undone); a roff comment `.\" doc-test: needs=xml` before it adds
options.

Each file runs in its own sandbox (a temporary directory holding copies of
examples/ and test/vectors/, with include/ and build/ pointing at the
repository's include/ and $B, links to Makefile, lib/, mk/ and tools/ so
that `make B=... target` works there, and `omacp` on PATH), blocks in file
order, so a later block sees what an earlier one wrote.
"""
import os, re, shlex, shutil, subprocess, sys, tempfile

ROOT = os.path.abspath(os.environ.get("ROOT", "."))
B = os.environ.get("B", "build")
BDIR = B if os.path.isabs(B) else os.path.join(ROOT, B)
OMACP = os.environ.get("OMACP", os.path.join(BDIR, "omacp"))
NO_XML = os.environ.get("NO_XML", "") == "1"

FENCE = re.compile(r"^(```+)\s*([A-Za-z0-9_+-]*)\s*$")
DIRECTIVE = re.compile(r"<!--\s*doc-test:\s*(.*?)-->", re.S)
CHECKED = {"c", "sh", "console", "xml"}


class Block:
    def __init__(self, path, line, lang, text, directive):
        self.path, self.line, self.lang, self.text = path, line, lang, text
        self.directive = directive  # raw text after "doc-test:", or None

    def relpath(self):
        return os.path.relpath(self.path, ROOT)

    def where(self):
        return "%s:%d" % (self.relpath(), self.line)


def md_blocks(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    out, i, pending, pending_end = [], 0, None, -1
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("<!--") and "doc-test:" in line:
            j, text = i, line
            while "-->" not in text and j + 1 < len(lines):
                j += 1
                text += "\n" + lines[j]
            m = DIRECTIVE.search(text)
            pending, pending_end = (m.group(1).strip() if m else None), j
            i = j + 1
            continue
        m = FENCE.match(line)
        if m:
            fence, lang = m.group(1), m.group(2).lower()
            body, j = [], i + 1
            while j < len(lines) and not lines[j].startswith(fence):
                body.append(lines[j])
                j += 1
            blank = all(not l.strip() for l in lines[pending_end + 1:i])
            d = pending if pending is not None and blank else None
            out.append(Block(path, i + 1, lang, "\n".join(body) + "\n", d))
            pending = None
            i = j + 1
            continue
        i += 1
    return out


def roff_unescape(s):
    for a, b in (("\\-", "-"), ("\\(aq", "'"), ("\\(dq", '"'), ("\\(ti", "~"),
                 ("\\(ha", "^"), ("\\&", ""), ("\\e", "\\"), ("\\(rs", "\\")):
        s = s.replace(a, b)
    return s


def man_blocks(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    out, i, examples, opts = [], 0, False, ""
    while i < len(lines):
        if lines[i].startswith(".SH"):
            examples = lines[i].split(None, 1)[-1].strip('"') == "EXAMPLES"
        m = re.match(r'^\.\\"\s*doc-test:\s*(.*)$', lines[i])
        if m:
            opts = m.group(1).strip()
        if examples and lines[i].startswith(".EX"):
            body, j = [], i + 1
            while j < len(lines) and not lines[j].startswith(".EE"):
                if not lines[j].startswith('.\\"'):
                    body.append(roff_unescape(lines[j]))
                j += 1
            out.append(Block(path, i + 1, "console", "\n".join(body) + "\n",
                             ("transcript " + opts).strip()))
            opts = ""
            i = j
        i += 1
    return out


def parse_directive(d):
    """-> (word, options dict, rest text)"""
    d = d.strip()
    parts = re.split(r"\s", d, 1)
    word, rest = parts[0], (parts[1] if len(parts) > 1 else "")
    if "=" in word:           # "excerpt=PATH" / "file=NAME" as the word
        word, _, v = word.partition("=")
        rest = "%s=%s %s" % (word, v, rest)
    opts = {}
    if word in ("fragment", "unit", "skip"):
        return word, opts, rest
    for tok in shlex.split(rest):
        k, _, v = tok.partition("=")
        opts[k] = v
    return word, opts, rest


class Sandbox:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="omacp-doctest-")
        shutil.copytree(os.path.join(ROOT, "examples"), os.path.join(self.dir, "examples"))
        os.makedirs(os.path.join(self.dir, "test"))
        shutil.copytree(os.path.join(ROOT, "test", "vectors"),
                        os.path.join(self.dir, "test", "vectors"))
        os.symlink(os.path.join(ROOT, "include"), os.path.join(self.dir, "include"))
        os.symlink(BDIR, os.path.join(self.dir, "build"))
        # the build system, so that documented `make` commands run here
        for n in ("Makefile", "lib", "mk", "tools", "omacp.pc.in"):
            if os.path.exists(os.path.join(ROOT, n)):
                os.symlink(os.path.join(ROOT, n), os.path.join(self.dir, n))
        self.bin = os.path.join(self.dir, ".bin")
        os.makedirs(self.bin)
        os.symlink(os.path.abspath(OMACP), os.path.join(self.bin, "omacp"))
        # the commands run as a user types them: no build options or make
        # state inherited from the `make check` that runs this
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES",
                                 "MAKE", "B", "CC", "CFLAGS", "LDFLAGS", "CROSS",
                                 "SANITIZE", "NO_XML", "NO_MALLOC", "OMACP", "ROOT",
                                 "VECTORS")}
        self.env["PATH"] = self.bin + os.pathsep + self.env.get("PATH", "")
        self.env["LC_ALL"] = "C"
        self.status = 0
        self.n = 0

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def sh(self, cmd):
        prefix = "(exit %d); " % self.status
        try:
            p = subprocess.run(["bash", "-c", prefix + cmd], cwd=self.dir, env=self.env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, timeout=600)
        except subprocess.TimeoutExpired:
            self.status = 124
            return 124, "(timed out after 600 s)\n"
        self.status = p.returncode
        return p.returncode, p.stdout.decode("utf-8", "replace")


def cc_base():
    flags = open(os.path.join(BDIR, ".flags")).read().strip()
    return shlex.split(flags)


def native_build():
    """The library was built with the plain defaults: a bare `cc` links it."""
    if NO_XML or os.environ.get("SANITIZE", "") == "1":
        return False
    flags = cc_base()
    return "-m32" not in flags and not any(f.startswith("-fsanitize") for f in flags)


def link_libs():
    libs = [os.path.join(BDIR, "libomacp.a"), "-lmbedcrypto"]
    if not NO_XML:
        libs.append("-lexpat")
    return libs


def check_c(box, b, word, opts, rest):
    box.n += 1
    name = "block%d" % box.n
    if word == "fragment":
        src = ("#include <stdio.h>\n#include <string.h>\n#include <omacp/omacp.h>\n"
               "void doc_fragment(void);\nvoid doc_fragment(void)\n{\n%s\n#line %d \"%s\"\n%s}\n"
               % (rest, b.line + 1, b.relpath(), b.text))
        extra = ["-Wno-unused-variable", "-Wno-unused-but-set-variable"]
    elif word == "unit":
        src = '%s\n#line %d "%s"\n%s' % (rest, b.line + 1, b.relpath(), b.text)
        extra = []
    else:
        src = '#line %d "%s"\n%s' % (b.line + 1, b.relpath(), b.text)
        extra = []
    cfile = os.path.join(box.dir, name + ".c")
    open(cfile, "w").write(src)
    base = cc_base() + ["-Werror", "-I" + box.dir, "-I" + os.path.join(ROOT, "include")] + extra
    base += opts.get("cflags", "").split()
    has_main = re.search(r"\bint\s+main\s*\(", b.text) is not None
    objs = []
    for s in opts.get("sources", "").split():
        o = os.path.join(box.dir, "%s-%s.o" % (name, os.path.basename(s)[:-2]))
        p = subprocess.run(base + ["-c", os.path.join(ROOT, s), "-o", o], cwd=box.dir,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode:
            return "%s does not compile with this block's flags:\n%s" % (s, p.stdout.decode())
        objs.append(o)
    if not has_main:
        cmd = base + ["-c", cfile, "-o", os.path.join(box.dir, name + ".o")]
        p = subprocess.run(cmd, cwd=box.dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return None if p.returncode == 0 else "does not compile:\n" + p.stdout.decode()
    exe = os.path.join(box.dir, name)
    p = subprocess.run(base + ["-o", exe, cfile] + objs + link_libs(), cwd=box.dir,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode:
        return "does not build:\n" + p.stdout.decode()
    p = subprocess.run([exe] + shlex.split(opts.get("args", "")), cwd=box.dir, env=box.env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode:
        return "ran with exit status %d:\n%s" % (p.returncode, p.stdout.decode())
    return None


def check_excerpt(b, path):
    full = os.path.join(ROOT, path)
    try:
        src = [l.rstrip() for l in open(full, encoding="utf-8").read().split("\n")]
    except OSError as e:
        return "excerpt of %s: %s" % (path, e)
    want = [l.rstrip() for l in b.text.rstrip("\n").split("\n")]
    chunks, cur = [], []
    for l in want:
        if l.strip() == "...":
            chunks.append(cur)
            cur = []
        else:
            cur.append(l)
    chunks.append(cur)
    pos = 0
    for ch in chunks:
        if not ch:
            continue
        found = -1
        for k in range(pos, len(src) - len(ch) + 1):
            if src[k:k + len(ch)] == ch:
                found = k
                break
        if found < 0:
            return "not found (in this order) in %s:\n  %s" % (path, "\n  ".join(ch[:4]))
        pos = found + len(ch)
    return None


def commands(text):
    """Shell lines of a `run` block: continuations joined, comments dropped."""
    out, cur = [], ""
    for l in text.split("\n"):
        if not cur and (not l.strip() or l.lstrip().startswith("#")):
            continue
        if l.endswith("\\"):
            cur += l[:-1] + " "
            continue
        out.append(cur + l)
        cur = ""
    if cur:
        out.append(cur)
    return out


def check_run(box, b):
    for cmd in commands(b.text):
        m = re.search(r"#\s*exit\s+(\d+)\s*$", cmd)
        want = int(m.group(1)) if m else 0
        rc, out = box.sh(cmd)
        if rc != want:
            return "`%s` exited %d, expected %d:\n%s" % (cmd, rc, want, out)
    return None


def match(expected, actual):
    """Lines with '...' wildcards (whole line: any lines; suffix: prefix)."""
    memo = {}

    def go(i, j):
        if (i, j) in memo:
            return memo[(i, j)]
        if i == len(expected):
            r = j == len(actual)
        elif expected[i].strip() == "...":
            r = any(go(i + 1, k) for k in range(j, len(actual) + 1))
        elif j == len(actual):
            r = False
        elif expected[i].endswith("...") and expected[i] != "...":
            r = actual[j].startswith(expected[i][:-3]) and go(i + 1, j + 1)
        else:
            r = expected[i].rstrip() == actual[j].rstrip() and go(i + 1, j + 1)
        memo[(i, j)] = r
        return r
    return go(0, 0)


def check_transcript(box, b):
    steps, cur = [], None
    lines = b.text.rstrip("\n").split("\n")
    k = 0
    while k < len(lines):
        l = lines[k]
        if l.startswith("$ "):
            cmd = l[2:]
            while cmd.endswith("\\") and k + 1 < len(lines):
                k += 1
                cmd = cmd[:-1] + " " + lines[k].strip()
            cur = (cmd, [])
            steps.append(cur)
        elif cur is None:
            if l.strip():
                return "output before the first '$ ' command: %r" % l
        else:
            cur[1].append(l)
        k += 1
    if not steps:
        return "no '$ ' command in the transcript"
    for cmd, exp in steps:
        rc, out = box.sh(cmd)
        act = out.rstrip("\n").split("\n") if out.strip("\n") else []
        while exp and not exp[-1].strip():
            exp.pop()
        if not match(exp, act):
            return ("`%s` (exit %d) printed:\n%s\nexpected:\n%s" %
                    (cmd, rc, "\n".join("  | " + x for x in act),
                     "\n".join("  | " + x for x in exp)))
    return None


def check_xml(box, b):
    box.n += 1
    f = os.path.join(box.dir, "block%d.xml" % box.n)
    open(f, "w").write(b.text)
    rc, out = box.sh("omacp decode %s >/dev/null" % shlex.quote(f))
    return None if rc == 0 else "`omacp decode` refuses it (exit %d):\n%s" % (rc, out)


def check_file(path, counts):
    errors = []
    blocks = man_blocks(path) if path.endswith(".1") else md_blocks(path)
    box = Sandbox()
    try:
        for b in blocks:
            if b.lang not in CHECKED and b.directive is None:
                continue
            if b.directive is None:
                errors.append("%s: ```%s block without a <!-- doc-test: ... --> directive"
                              % (b.where(), b.lang))
                continue
            word, opts, rest = parse_directive(b.directive)
            if word == "skip":
                if not rest.strip():
                    errors.append("%s: skip needs a reason" % b.where())
                counts["skipped"] += 1
                continue
            need = opts.get("needs")
            if (need == "xml" and NO_XML) or (need == "native" and not native_build()):
                counts["skipped"] += 1
                continue
            if need not in (None, "xml", "native") and shutil.which(need) is None:
                if os.environ.get("CI"):
                    errors.append("%s: needs %s, which is missing (CI)" % (b.where(), need))
                else:
                    print("doc-test: SKIP %s: %s missing" % (b.where(), need))
                    counts["skipped"] += 1
                continue
            if word == "file":
                with open(os.path.join(box.dir, opts["file"]), "w") as f:
                    f.write(b.text)
                counts["files"] += 1
                continue
            if word == "excerpt":
                err = check_excerpt(b, opts["excerpt"])
                kind = "excerpts"
            elif b.lang == "c" and word in ("compile", "fragment", "unit"):
                err = check_c(box, b, word, opts, rest)
                kind = "compiled"
            elif b.lang in ("sh", "console") and word == "run":
                err = check_run(box, b)
                kind = "run"
            elif b.lang in ("sh", "console") and word == "transcript":
                err = check_transcript(box, b)
                kind = "transcripts"
            elif b.lang == "xml" and word == "valid":
                err = check_xml(box, b)
                kind = "xml"
            else:
                err = "unknown directive '%s' for a ```%s block" % (word, b.lang)
                kind = None
            if err:
                errors.append("%s: %s" % (b.where(), err))
            elif kind:
                counts[kind] += 1
    finally:
        box.close()
    return errors


def main(argv):
    files = [a for a in argv if not a.startswith("--")]
    counts = dict.fromkeys(["compiled", "excerpts", "run", "transcripts", "xml",
                            "files", "skipped"], 0)
    errors = []
    for f in files:
        errors += check_file(os.path.join(ROOT, f) if not os.path.isabs(f) else f, counts)
    for e in errors:
        print("doc-test: FAIL " + e)
    print("doc-test: %d files; %s; %d failed" % (
        len(files), ", ".join("%d %s" % (v, k) for k, v in counts.items()), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
